"""Hostile strings: SQL and script injection in every field, path-traversal attachment names.

Each is sent in every string field of a real dossier sync (lenient portal, both backends). The
portal must answer without a 5xx, keep the body byte for byte (the journal's copy equals what
was sent: NFC stays NFC, NFD stays NFD, nothing is trimmed, decoded or escaped), still work
afterwards (the tables are there, a lookup answers at once), and every HTML page that shows such
a string — the payer's page, the run report (`simulator.reports`), /docs — shows it escaped.
"""

from __future__ import annotations

import json
import os
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from contracts.profiles import load as load_profile
from mock_portal._portal import Portal
from simulator.reports import build_report, render_html, store_run_metadata
from tests.mock_portal._client import INTEGRATION, body, login
from tests.mock_portal._payments import CREATE, create_body, paying_portal, sync_dossier
from tests.mock_portal._sso import OPERATOR, OPERATOR_TOKEN
from tests.mock_portal.conftest import PortalFactory, TestClient
from tests.mock_portal.security._tally import tried

VIETNAMESE = "Nguyễn Thị Ánh Hồng — Phường Điện Biên"
INJECTIONS = [
    "'; DROP TABLE dossiers; --",
    "' OR '1'='1",
    "Robert'); DELETE FROM journal;--",
    "1; SELECT pg_sleep(5)--",
    "1' AND (SELECT 1 FROM (SELECT SLEEP(5))x)--",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</td></tr></table><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}${7*7}<%= 7*7 %>",
    unicodedata.normalize("NFC", VIETNAMESE),
    unicodedata.normalize("NFD", VIETNAMESE),  # kept as sent, not normalised behind the client
    "\u202etxt.exe",  # right-to-left override
    "line\r\nSet-Cookie: x=1",
]
TRAVERSALS = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "file:///etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "don\u0000.pdf",
    "a/../../../../tmp/portalsim-owned",
]
SCRIPT_MARKERS = ("<script>alert", "<img src=x", "<svg onload")


def string_fields(message: dict[str, Any]) -> list[tuple[str, ...]]:
    """Paths to every string of the message but the session (which must stay valid)."""
    paths: list[tuple[str, ...]] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, str(index)))
        elif isinstance(node, str) and path != ("session",):
            paths.append(path)

    walk(message, ())
    return paths


def put(message: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    node: Any = message
    for key in path[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[path[-1]] = value


def journal_bodies(client: TestClient) -> list[str | None]:
    lines = client.get("/admin/journal", headers=OPERATOR).text.splitlines()
    return [json.loads(line)["body"] for line in lines]


@pytest.fixture
def lenient(make_portal: PortalFactory) -> tuple[Portal, TestClient, str]:
    portal, client = make_portal(operator_token=OPERATOR_TOKEN)
    portal.operator_token()
    return portal, client, login(client)


def send_everywhere(client: TestClient, session: str, values: list[str]) -> list[bytes]:
    """Each value in each string field (one message each); the raw bodies sent."""
    sent = []
    template = body("dongbo", session)
    for value in values:
        for path in string_fields(template):
            message = body("dongbo", session)
            put(message, path, value)
            raw = json.dumps(message, ensure_ascii=False).encode("utf-8")
            started = time.monotonic()
            answer = client.post(
                INTEGRATION, content=raw, headers={"Content-Type": "application/json"}
            )
            tried("hostile string in a field")
            assert answer.status_code < 500, (path, value, answer.text)
            assert time.monotonic() - started < 3, "an injected sleep ran"
            sent.append(raw.replace(session.encode(), b"***"))  # the journal masks the session
    return sent


def test_injection_strings_are_stored_verbatim_and_harmless(
    lenient: tuple[Portal, TestClient, str],
) -> None:
    portal, client, session = lenient
    sent = send_everywhere(client, session, INJECTIONS)
    stored = journal_bodies(client)
    for raw in sent:
        assert raw.decode("utf-8") in stored, "a body was not journaled byte for byte"
    # The store still works: its tables are there and answer.
    assert len(portal.store.list_units()) == 3
    lookup = body("tracuu", session)
    assert client.post(INTEGRATION, json=lookup).json()["error_code"] == 0
    # A dossier's free text keeps exactly what was sent (NFD too).
    message = body("dongbo", session, data_ChuHoSo=unicodedata.normalize("NFD", VIETNAMESE))
    assert client.post(INTEGRATION, json=message).json()["error_code"] == 0
    raw = json.dumps(message, ensure_ascii=False).encode("utf-8").replace(session.encode(), b"***")
    assert raw.decode("utf-8") in journal_bodies(client)


def test_attachment_names_with_path_traversal_are_harmless(
    lenient: tuple[Portal, TestClient, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names and links of attachments are data: nothing is read or written anywhere."""
    _portal, client, session = lenient
    monkeypatch.chdir(tmp_path)
    before = sorted(os.walk(tmp_path))
    owned = Path("/tmp/portalsim-owned")
    assert not owned.exists()
    for name in TRAVERSALS:
        for field in ("TenTepDinhKem", "DuongDanTaiTepTin", "TepDinhKemId"):
            message = body("dongbo", session)
            message["data"][0]["TaiLieuNop"][0][field] = name
            answer = client.post(INTEGRATION, json=message)
            tried("path traversal in an attachment")
            assert answer.status_code < 500, (field, name, answer.text)
            assert "root:" not in answer.text  # /etc/passwd was not read into the answer
            raw = json.dumps(message, ensure_ascii=False)
            assert json.loads(raw) == message
    assert sorted(os.walk(tmp_path)) == before
    assert not owned.exists()
    journal = client.get("/admin/journal", headers=OPERATOR).text
    assert "root:x:0:0" not in journal


def test_html_outputs_escape_hostile_strings(make_portal: PortalFactory) -> None:
    """The payer's page, the run report and /docs show hostile strings as text."""
    portal, client = paying_portal(make_portal)
    sync_dossier(client)
    session = login(client)
    for value in INJECTIONS:
        message = body("dongbo", session, data_ChuHoSo=value, data_Email=value)
        client.post(INTEGRATION, json=message)
    pages = []
    for number, value in enumerate(INJECTIONS[5:9]):
        order = create_body(
            f"26030200090{number}", description=value, bill_HoTenNguoiNop=value, return_url=value
        )
        answer = client.post(CREATE, json=order)
        assert answer.json()["error"] == "0", answer.text
        url = answer.json()["payment_url"].removeprefix("http://portal.test")
        pages.append(client.get(url).text)
    # The run's own facts are shown too (profile set name, as `portalsim run` stores them).
    store_run_metadata(portal.store, {"profiles": {"name": INJECTIONS[5]}, "load": {"series": []}})
    report = render_html(build_report(portal.store, load_profile()))
    docs = client.get("/docs").text
    for html in (*pages, report, docs):
        tried("hostile string in an HTML page")
        lowered = html.lower()
        for marker in SCRIPT_MARKERS:
            assert marker not in lowered
        assert 'href="javascript:' not in lowered
    assert all("&lt;script&gt;alert(1)&lt;/script&gt;" in page for page in pages[:1])
    assert "&lt;script&gt;" in report
