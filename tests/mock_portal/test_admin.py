"""The operator API: its own token, every route, and a clear 400 for every kind of bad input."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_portal._portal import Portal
from mock_portal.config import PortalConfig
from tests.mock_portal._client import INTEGRATION, LOGIN, body, login
from tests.mock_portal.conftest import PASSWORD, UNITS, Clock, PortalFactory, TestClient

TOKEN = "operator-token-for-the-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
H56 = "000.00.00.H56"
H26 = "000.00.00.H26"
HANOI_DOSSIER = "000.00.00.H26-260302-0001"
ROUTES = [
    ("GET", "/admin/units"),
    ("POST", "/admin/units"),
    ("GET", "/admin/faults"),
    ("PUT", "/admin/faults/*"),
    ("DELETE", "/admin/faults/*"),
    ("GET", "/admin/findings"),
    ("GET", "/admin/scorecards"),
    ("GET", "/admin/scorecards/38"),
    ("GET", "/admin/journal"),
    ("POST", "/admin/reset"),
    ("GET", "/admin/no-such-route"),
]


class Operator:
    """The portal's operator: an authorised client to /admin."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, headers=AUTH, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self(method, path, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def refused(self, method: str, path: str, status: int = 400, **kwargs: Any) -> str:
        """The error message of a refusal with `status`."""
        response = self(method, path, **kwargs)
        assert response.status_code == status, response.text
        message: str = response.json()["error"]
        return message


@pytest.fixture
def operated(make_portal: PortalFactory) -> tuple[Portal, TestClient, Operator]:
    """A portal of its own (on each backend) and its operator."""
    portal, client = make_portal(operator_token=TOKEN)
    portal.operator_token()
    return portal, client, Operator(client)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    """One SQLite portal for the bad-input tests: input checks do not depend on the backend,
    and refused input changes nothing, so they can share it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('admin')}/portal.db"
    portal = Portal(url, PortalConfig(units=UNITS, operator_token=TOKEN), clock=Clock())
    portal.start()
    portal.operator_token()
    client = TestClient(portal)
    yield Operator(client)
    client.close()
    portal.close()


def test_every_route_refuses_without_the_operator_token(
    operated: tuple[Portal, TestClient, Operator],
) -> None:
    """No token, a wrong one, another scheme or a province's session token: 401, no detail."""
    _portal, client, _operator = operated
    session = login(client)
    for authorization in (None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {session}"):
        headers = {"Authorization": authorization} if authorization else {}
        for method, path in ROUTES:
            response = client.request(method, path, headers=headers, json={})
            assert response.status_code == 401, (authorization, method, path)
            assert response.json() == {
                "error": "unauthorised: send Authorization: Bearer <operator token>"
            }
            assert response.headers["www-authenticate"].startswith("Bearer")


def test_without_a_stored_token_the_api_is_closed(tmp_path: Path) -> None:
    """Before any operator token is set, every bearer is refused."""
    portal = Portal(f"sqlite:///{tmp_path}/portal.db", PortalConfig(units=UNITS))
    client = TestClient(portal)
    try:
        assert client.get("/admin/units", headers=AUTH).status_code == 401
    finally:
        client.close()
        portal.close()


def test_units_are_provisioned_listed_and_updated(
    operated: tuple[Portal, TestClient, Operator],
) -> None:
    """A new unit can log in at once; an update changes only what it gives."""
    _portal, client, operator = operated
    code = "000.00.05.H26"
    created = operator(
        "POST", "/admin/units", json={"code": code, "name": "Sở Tư pháp Hà Nội", "password": "pw1"}
    )
    assert created.status_code == 201
    assert created.json()["province"] == "01"
    assert login(client, code, "pw1")
    updated = operator.ok("POST", "/admin/units", json={"code": code, "password": "pw2"})
    assert updated["name"] == "Sở Tư pháp Hà Nội"
    assert client.post(LOGIN, json={"username": code, "password": "pw1"}).status_code == 401
    assert login(client, code, "pw2")
    callback = "https://motcua.hanoi.gov.vn/kpdvcqg/"
    operator.ok("POST", "/admin/units", json={"code": code, "callback_url": callback})
    units = {unit["code"]: unit for unit in operator.ok("GET", "/admin/units")["units"]}
    assert units[code]["callback_url"] == callback
    assert {H56, H26} <= set(units)
    assert "password_hash" not in units[code]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"code": "H56", "name": "x", "password": "p"}, "code: 'H56' is not an agency code"),
        ({"code": "000.00.00.H99", "name": "x", "password": "p"}, "none of the 34 provinces"),
        ({"code": "000.00.05.H26", "name": "x"}, "password: required"),
        ({"code": "000.00.05.H26", "password": "p", "name": ""}, "name: required"),
        ({"code": H56, "callback_url": "ftp://x"}, "callback_url: must be an http(s) URL"),
        ({"code": H56, "pasword": "p"}, "unknown key 'pasword'"),
        ([H56], "body must be a JSON object"),
    ],
)
def test_units_bad_input(shared: Operator, payload: object, message: str) -> None:
    """Each bad unit is refused 400 with a message naming the field."""
    assert message in shared.refused("POST", "/admin/units", json=payload)


def test_units_body_must_be_json(shared: Operator) -> None:
    """A body that is not JSON is a 400 saying so."""
    assert "not JSON" in shared.refused("POST", "/admin/units", content=b"code=H56")


def test_fault_profiles_are_set_listed_and_deleted(
    operated: tuple[Portal, TestClient, Operator],
) -> None:
    """A profile put through the API acts on the next request; deleting it ends it."""
    _portal, client, operator = operated
    profile = {"errors": {"rate": 1, "statuses": [502]}}
    assert operator.ok("PUT", "/admin/faults/*", json=profile) == {"scope": "*", "profile": profile}
    operator.ok("PUT", f"/admin/faults/{H26}", json={})
    assert operator.ok("GET", "/admin/faults")["faults"] == {"*": profile, H26: {}}
    credentials = {"username": H56, "password": PASSWORD}
    assert client.post(LOGIN, json=credentials).status_code == 502
    assert login(client, H26)
    assert operator.ok("DELETE", "/admin/faults/%2A") == {"deleted": "*"}
    assert "has no fault profile" in operator.refused("DELETE", "/admin/faults/*", 404)
    assert client.post(LOGIN, json=credentials).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "payload", "message"),
    [
        ("PUT", "/admin/faults/H56", {}, "scope 'H56': must be '*'"),
        ("DELETE", "/admin/faults/H56", None, "scope 'H56': must be '*'"),
        ("PUT", "/admin/faults/*", {"errors": {"rate": 1.5}}, "errors.rate: must be from 0 to 1"),
        ("PUT", "/admin/faults/*", {"hang": {"rate": 1, "seconds": 900}}, "hang.seconds"),
        ("PUT", "/admin/faults/*", ["drop"], "body must be a JSON object"),
    ],
)
def test_fault_profiles_bad_input(
    shared: Operator, method: str, path: str, payload: object, message: str
) -> None:
    """A bad scope or profile is a 400 naming the key, and nothing is stored."""
    assert message in shared.refused(method, path, json=payload)
    assert shared.ok("GET", "/admin/faults")["faults"] == {}


def send_traffic(client: TestClient) -> None:
    """Thanh Hóa: a clean sync. Hà Nội: one clean, one wrong dossier code, one wrong procedure."""
    client.post(INTEGRATION, json=body("dongbo", login(client)))
    session = login(client, H26)
    for number, code, procedure in (
        (1, "000.00.00.H26-260302-0001", "2.000815"),
        (2, "000.00.00.H26-26030-0002", "2.000815"),
        (3, "000.00.00.H26-260302-0003", "9.999999"),
    ):
        message = body("dongbo", session, madonvi=H26, data_MaHoSo=code, data_MaTTHC=procedure)
        assert client.post(INTEGRATION, json=message).json()["error_code"] == 0, number


def test_findings_filters_and_pages(operated: tuple[Portal, TestClient, Operator]) -> None:
    """Findings filter by province (GSO or Hxx), unit, rule, severity and time, and page."""
    _portal, client, operator = operated
    send_traffic(client)

    def rules(query: str) -> list[str]:
        return [row["rule"] for row in operator.ok("GET", f"/admin/findings{query}")["findings"]]

    assert rules("") == ["HS-001", "TT-002"]
    assert rules("?province=01") == rules("?province=H26") == ["HS-001", "TT-002"]
    assert rules("?province=38") == []
    assert rules(f"?unit={H26}&rule=TT-002&severity=error") == ["TT-002"]
    assert rules("?since=2026-03-02T08:31:00+07:00") == ["HS-001", "TT-002"]
    assert rules("?until=2026-03-02T08:31:00%2B07:00") == []
    assert rules("?limit=1&offset=1") == ["TT-002"]
    row = operator.ok("GET", "/admin/findings?rule=HS-001")["findings"][0]
    assert (row["province"], row["path"], row["value"]) == (
        "01",
        "$.data[0].MaHoSo",
        "000.00.00.H26-26030-0002",
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("province=99", "no province '99'"),
        ("unit=abc", "unit: 'abc' is not an agency code"),
        ("rule=XX-999", "no rule 'XX-999'"),
        ("severity=fatal", "severity: 'fatal' is not one of"),
        ("since=yesterday", "since: 'yesterday' is not an ISO date-time"),
        ("limit=0", "limit: must be from 1 to 1000"),
        ("limit=1001", "limit: must be from 1 to 1000"),
        ("limit=ten", "limit: 'ten' is not an integer"),
        ("offset=-1", "offset: must be at least 0"),
        ("provice=38", "unknown query parameter 'provice'"),
    ],
)
def test_findings_bad_input(shared: Operator, query: str, message: str) -> None:
    """Each bad filter is a 400 naming the parameter."""
    assert message in shared.refused("GET", f"/admin/findings?{query}")


def test_scorecards_over_http(operated: tuple[Portal, TestClient, Operator]) -> None:
    """Clean Thanh Hóa is xanh despite injected faults; Hà Nội with wrong codes is lower;
    a silent province has no data; a province is found by GSO or Hxx code."""
    portal, client, operator = operated
    send_traffic(client)
    portal.faults.put(H56, {"errors": {"rate": 1, "statuses": [503]}})
    session = login(client, H26)  # Hà Nội is not faulted; Thanh Hóa's next sync is
    client.post(INTEGRATION, json=body("tracuu", session, madonvi=H26, mahoso=HANOI_DOSSIER))
    for _ in range(3):
        client.post(LOGIN, json={"username": H56, "password": PASSWORD})
    everything = operator.ok("GET", "/admin/scorecards")
    assert everything["bands"] == {"xanh": 90.0, "vàng": 75.0, "cam": 50.0}
    cards = {card["province"]["code"]: card for card in everything["scorecards"]}
    assert len(cards) == 34
    assert (cards["38"]["band"], cards["38"]["score"], cards["38"]["faults"]["refused"]) == (
        "xanh",
        100.0,
        3,
    )
    assert (cards["01"]["score"], cards["01"]["band"]) == (50.0, "cam")
    assert (cards["01"]["wrong_dossier_codes"], cards["01"]["wrong_procedure_codes"]) == (1, 1)
    assert cards["04"]["band"] == "chưa có dữ liệu"
    one = operator.ok("GET", "/admin/scorecards/H26?thresholds=95,50,10")
    assert one == operator.ok("GET", "/admin/scorecards/01?thresholds=95,50,10")
    assert (one["province"]["name"], one["band"]) == ("Hà Nội", "vàng")
    assert "merged into Tuyên Quang (08)" in operator.refused("GET", "/admin/scorecards/H22", 404)
    assert "no province 'zz'" in operator.refused("GET", "/admin/scorecards/zz", 404)
    assert "three numbers" in operator.refused("GET", "/admin/scorecards?thresholds=high")
    assert "orange ≤ yellow" in operator.refused("GET", "/admin/scorecards/38?thresholds=1,2,3")


def test_journal_streams_the_export_format(operated: tuple[Portal, TestClient, Operator]) -> None:
    """/admin/journal is byte for byte the store's NDJSON export, and since_id skips ahead."""
    portal, client, operator = operated
    send_traffic(client)
    response = operator("GET", "/admin/journal")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    export = io.BytesIO()
    portal.store.export_ndjson(export)
    assert response.content == export.getvalue()
    lines = [json.loads(line) for line in response.content.splitlines()]
    assert len(lines) == 6
    later = operator("GET", f"/admin/journal?since_id={lines[3]['id']}").content.splitlines()
    assert [json.loads(line)["id"] for line in later] == [lines[4]["id"], lines[5]["id"]]
    assert "since_id: must be at least 0" in operator.refused("GET", "/admin/journal?since_id=-1")


def test_journal_last_id_is_where_the_next_export_starts(
    operated: tuple[Portal, TestClient, Operator],
) -> None:
    """/admin/journal/last-id: 0 on an empty journal, then the newest id: an export since it
    holds only what comes later."""
    _portal, client, operator = operated
    assert operator.ok("GET", "/admin/journal/last-id") == {"last_id": 0}
    send_traffic(client)
    last = operator.ok("GET", "/admin/journal/last-id")["last_id"]
    lines = operator("GET", "/admin/journal").content.splitlines()
    assert last == json.loads(lines[-1])["id"]
    assert operator("GET", f"/admin/journal?since_id={last}").content == b""
    assert "unknown query parameter 'since_id'" in operator.refused(
        "GET", "/admin/journal/last-id?since_id=1"
    )
    assert client.get("/admin/journal/last-id").status_code == 401


def test_reset_forgets_the_run(operated: tuple[Portal, TestClient, Operator]) -> None:
    """Reset empties journal, dossiers and sessions but keeps units, unless told otherwise."""
    portal, client, operator = operated
    session = login(client)
    client.post(INTEGRATION, json=body("dongbo", session))
    assert operator.ok("POST", "/admin/reset") == {"reset": True, "keep_units": True}
    assert portal.store.journal_count() == 0
    assert portal.store.get_dossier("000.00.14.H56-260302-0001") is None
    assert client.post(INTEGRATION, json=body("tracuu", session)).status_code == 401
    assert login(client)
    assert "keep_units: must be true or false" in operator.refused(
        "POST", "/admin/reset", json={"keep_units": "no"}
    )
    assert "unknown key 'keep'" in operator.refused("POST", "/admin/reset", json={"keep": True})
    operator.ok("POST", "/admin/reset", json={"keep_units": False})
    assert operator.ok("GET", "/admin/units") == {"units": []}


def test_unknown_routes_and_methods_answer_json(shared: Operator) -> None:
    """An unknown route is 404 and a wrong method 405, both as JSON errors."""
    assert "no operator route" in shared.refused("GET", "/admin/nothing", 404)
    assert "GET is not allowed" in shared.refused("GET", "/admin/reset", 405)
