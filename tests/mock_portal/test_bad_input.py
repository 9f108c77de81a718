"""Bad input of every kind gets the portal's error body naming it, never a 500, and no change."""

from __future__ import annotations

import json

import pytest

from mock_portal._portal import Portal
from tests.mock_portal._client import INTEGRATION, LOGIN, body, login
from tests.mock_portal.conftest import TestClient

JSON = {"Content-Type": "application/json"}


def _assert_refused_without_change(
    portal: Portal, response_status: int, answer: dict[str, object], status: int, code: int
) -> None:
    assert response_status == status
    assert answer["error_code"] == code
    assert isinstance(answer["message"], str)
    assert answer["message"]
    assert portal.store.dossier_status_counts() == {}
    assert portal.store.journal_count(accepted=False) >= 1


@pytest.mark.parametrize(
    ("raw", "status", "code", "words"),
    [
        (b'{"service": "DongBoHoSoMC", "data": [', 400, 2, "not JSON"),
        (b"[1, 2, 3]", 400, 2, "JSON object"),
        (b'{"session": "caf\xe9"}', 400, 2, "not UTF-8"),
        (b"[" * 40 + b"]" * 40, 400, 2, "nested deeper"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, 400, 2, "nested deeper"),
    ],
    ids=["truncated", "array", "latin-1", "deep-array", "deep-object"],
)
def test_unparseable_bodies(
    portal_client: tuple[Portal, TestClient], raw: bytes, status: int, code: int, words: str
) -> None:
    """Truncated JSON, a non-object, invalid UTF-8 and deep nesting: 400, error_code 2."""
    portal, client = portal_client
    response = client.post(INTEGRATION, content=raw, headers=JSON)
    answer = response.json()
    _assert_refused_without_change(portal, response.status_code, answer, status, code)
    assert words in str(answer["message"])


def test_body_over_the_limit_is_413(portal_client: tuple[Portal, TestClient]) -> None:
    """A body over max_body_bytes answers 413 with error_code 8."""
    portal, client = portal_client
    response = client.post(INTEGRATION, content=b" " * (2 << 20), headers=JSON)
    _assert_refused_without_change(portal, response.status_code, response.json(), 413, 8)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(
    portal_client: tuple[Portal, TestClient], content_type: str | None
) -> None:
    """Anything but application/json answers 415 with error_code 9."""
    portal, client = portal_client
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(INTEGRATION, content=b"{}", headers=headers)
    _assert_refused_without_change(portal, response.status_code, response.json(), 415, 9)


def test_charset_parameter_and_dstcode_header_are_accepted(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """`application/json; charset=utf-8`, the `Charset` header and an empty `dstcode` pass."""
    _portal, client = portal_client
    session = login(client)
    headers = {"Content-Type": "application/json; charset=utf-8", "Charset": "utf-8", "dstcode": ""}
    raw = json.dumps(body("dongbo", session), ensure_ascii=False).encode()
    assert client.post(INTEGRATION, content=raw, headers=headers).json()["error_code"] == 0


def test_unknown_service_is_named(portal_client: tuple[Portal, TestClient]) -> None:
    """An unknown service answers 400, error_code 3, naming the service."""
    portal, client = portal_client
    session = login(client)
    response = client.post(INTEGRATION, json={"session": session, "service": "XoaHoSo"})
    _assert_refused_without_change(portal, response.status_code, response.json(), 400, 3)
    assert "XoaHoSo" in response.json()["message"]


def test_catalogue_service_on_the_integration_endpoint_is_refused(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """LayDVC belongs to the share endpoint: on the integration endpoint it is unknown."""
    _portal, client = portal_client
    session = login(client)
    response = client.post(INTEGRATION, json={"session": session, "service": "LayDVC"})
    assert response.json()["error_code"] == 3


def test_missing_session_is_401(portal_client: tuple[Portal, TestClient]) -> None:
    """No session key: 401 with error_code 4."""
    portal, client = portal_client
    message = body("dongbo", "")
    del message["session"]
    response = client.post(INTEGRATION, json=message)
    _assert_refused_without_change(portal, response.status_code, response.json(), 401, 4)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("data", "not-an-array"),
        ("data_TrangThaiHoSo", 4),
        ("data_MaHoSo", 12345),
        ("isUpdating", False),
    ],
)
def test_wrong_types_are_refused_in_lenient_mode_too(
    portal_client: tuple[Portal, TestClient], field: str, value: object
) -> None:
    """A value of the wrong JSON type is refused 400 with findings, and no dossier moves."""
    portal, client = portal_client
    session = login(client)
    response = client.post(INTEGRATION, json=body("dongbo", session, **{field: value}))
    answer = response.json()
    _assert_refused_without_change(portal, response.status_code, answer, 400, 2)
    assert "SC-002" in {finding["rule"] for finding in answer["findings"]}


@pytest.mark.parametrize(
    "injection",
    [
        "'; DROP TABLE dossiers; --",
        "<script>alert('x')</script>",
        "../../etc/passwd",
        "Robert'); DELETE FROM journal;--",
    ],
)
def test_injection_strings_are_stored_verbatim(
    portal_client: tuple[Portal, TestClient], injection: str
) -> None:
    """SQL and script injection strings are data: stored verbatim, tables intact."""
    portal, client = portal_client
    session = login(client)
    client.post(INTEGRATION, json=body("dongbo", session, data_ChuHoSo=injection))
    stored = portal.store.get_dossier("000.00.14.H56-260302-0001")
    assert stored is not None
    assert stored.applicant == injection
    assert portal.store.journal_count() == 2


def test_login_with_wrong_types_is_400(portal_client: tuple[Portal, TestClient]) -> None:
    """A login body without string username/password answers 400 with findings."""
    _portal, client = portal_client
    response = client.post(LOGIN, json={"username": 42})
    assert response.status_code == 400
    assert response.json()["error_code"] == 2


def test_no_redirects_and_json_errors_for_unknown_paths(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """A trailing slash or an unknown path is a JSON 404, never a redirect; GET is 405."""
    _portal, client = portal_client
    slash = client.post(INTEGRATION + "/", json={})
    assert slash.status_code == 404
    assert slash.json()["error_code"] != 0
    assert client.get(INTEGRATION).status_code == 405
