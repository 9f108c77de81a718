"""Injected faults as a province's client sees them, each marked in the journal, none blamed."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from mock_portal._portal import Portal
from mock_portal.app import create_app
from mock_portal.config import PortalConfig
from mock_portal.store import JournalEntry
from tests.mock_portal._client import INTEGRATION, LOGIN, body, login
from tests.mock_portal.conftest import (
    PASSWORD,
    TEST_NOW,
    UNITS,
    Clock,
    PortalFactory,
    TestClient,
)

H56 = "000.00.00.H56"
H26 = "000.00.00.H26"
DOSSIER = "000.00.14.H56-260302-0001"
CREDENTIALS = {"username": H56, "password": PASSWORD}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: faults act above the store, and these tests wait on purpose."""
    return f"sqlite:///{tmp_path}/portal.db"


def is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return False
    return True


def last_entry(portal: Portal) -> JournalEntry:
    return list(portal.store.iter_journal())[-1]


@dataclass
class Sent:
    portal: Portal
    client: TestClient
    session: str
    response: httpx.Response
    elapsed: float

    def again(self) -> httpx.Response:
        return self.client.post(INTEGRATION, json=body("dongbo", self.session))


def faulty_sync(make_portal: PortalFactory, profile: dict[str, Any]) -> Sent:
    """H56 logs in, then gets `profile` and syncs a dossier whose MaTTHC is wrong (so the
    message would have findings if it were judged)."""
    portal, client = make_portal()
    session = login(client)
    portal.faults.put(H56, profile)
    started = time.monotonic()
    response = client.post(INTEGRATION, json=body("dongbo", session, data_MaTTHC="9.999999"))
    return Sent(portal, client, session, response, time.monotonic() - started)


def assert_refused_by_fault(portal: Portal, label: str) -> None:
    """The journal marks the fault; nothing is held against the province or stored for it."""
    entry = last_entry(portal)
    assert entry.fault == label
    assert (entry.unit, entry.province, entry.accepted) == (H56, "38", False)
    assert entry.findings == ()
    assert portal.store.get_dossier(DOSSIER) is None


def test_error_fault_answers_the_status_with_the_portals_error_body(
    make_portal: PortalFactory,
) -> None:
    """An injected 503 is the portal's JSON refusal, journaled as error:503, no findings."""
    sent = faulty_sync(make_portal, {"errors": {"rate": 1, "statuses": [503]}})
    assert sent.response.status_code == 503
    assert sent.response.json()["error_code"] == 10
    assert sent.response.headers["retry-after"] == "5"
    assert_refused_by_fault(sent.portal, "error:503")


def test_throttling_fault_is_429_with_retry_after(make_portal: PortalFactory) -> None:
    """An injected 429 carries Retry-After and the throttled error code."""
    profile = {"errors": {"rate": 1, "statuses": [429], "retry_after": 12}}
    sent = faulty_sync(make_portal, profile)
    assert sent.response.status_code == 429
    assert sent.response.headers["retry-after"] == "12"
    assert sent.response.json()["error_code"] == 7
    assert_refused_by_fault(sent.portal, "error:429")


def test_maintenance_window_is_503_until_its_end(make_portal: PortalFactory, clock: Clock) -> None:
    """Inside the window: 503 "bảo trì" with Retry-After to its end; after it, normal answers."""
    window = {"start": "2026-03-02T08:00:00+07:00", "end": "2026-03-02T09:00:00+07:00"}
    sent = faulty_sync(make_portal, {"maintenance": [window]})
    assert sent.response.status_code == 503
    assert "bảo trì" in sent.response.json()["message"]
    assert sent.response.headers["retry-after"] == str(29 * 60)
    assert_refused_by_fault(sent.portal, "maintenance")
    clock.now = TEST_NOW.replace(hour=9, minute=0)
    assert sent.again().json()["error_code"] == 0


def test_malformed_answer_is_200_and_not_json(make_portal: PortalFactory) -> None:
    """A malformed fault answers 200 with a body no JSON parser accepts."""
    portal, client = make_portal()
    session = login(client)
    portal.faults.put(H56, {"malformed": {"rate": 1}, "seed": 5})
    for _ in range(6):
        response = client.post(INTEGRATION, json=body("dongbo", session))
        assert response.status_code == 200
        assert not is_json(response.content)
    assert_refused_by_fault(portal, "malformed")


def test_hang_waits_then_answers_504(make_portal: PortalFactory) -> None:
    """A hang holds the request for its seconds, then answers 504."""
    sent = faulty_sync(make_portal, {"hang": {"rate": 1, "seconds": 0.5}})
    assert sent.elapsed >= 0.45  # asyncio timers may fire a hair early
    assert sent.response.status_code == 504
    assert_refused_by_fault(sent.portal, "hang:0.5s")


def test_latency_delays_and_then_processes_normally(make_portal: PortalFactory) -> None:
    """Latency delays the answer; the message is then judged and stored as usual."""
    sent = faulty_sync(make_portal, {"latency": {"ms": 200}})
    assert sent.elapsed >= 0.19
    assert sent.response.status_code == 200
    assert sent.response.json()["error_code"] == 0
    entry = last_entry(sent.portal)
    assert entry.fault == "latency:200ms"
    assert entry.accepted
    assert {finding.rule for finding in entry.findings} == {"TT-002"}
    assert sent.portal.store.get_dossier(DOSSIER) is not None


def test_login_faults_are_journaled_for_the_unit(make_portal: PortalFactory) -> None:
    """A faulted login gives no session and is journaled for the unit, without findings."""
    portal, client = make_portal(faults={H56: {"errors": {"rate": 1, "statuses": [502]}}})
    response = client.post(LOGIN, json=CREDENTIALS)
    assert response.status_code == 502
    assert "session" not in response.json()
    entry = last_entry(portal)
    assert (entry.kind, entry.unit, entry.province, entry.fault) == (
        "login",
        H56,
        "38",
        "error:502",
    )
    assert entry.findings == ()


def test_a_units_own_profile_wins_over_the_global_one(make_portal: PortalFactory) -> None:
    """'*' breaks every unit except the one whose own (empty) profile exempts it."""
    _portal, client = make_portal(faults={"*": {"errors": {"rate": 1, "statuses": [502]}}, H56: {}})
    assert client.post(LOGIN, json=CREDENTIALS).status_code == 200
    other = client.post(LOGIN, json={"username": H26, "password": PASSWORD})
    assert other.status_code == 502


def test_drop_sends_headers_promising_a_body_and_no_body(make_portal: PortalFactory) -> None:
    """At the ASGI level a drop is a response start with Content-Length and no body message."""
    portal, _client = make_portal(faults={"*": {"drop": {"rate": 1}}})
    app = create_app(portal)
    sent: list[dict[str, Any]] = []
    payload = json.dumps(CREDENTIALS).encode()
    chunks = [{"type": "http.request", "body": payload, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": LOGIN,
        "raw_path": LOGIN.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"portal.test")],
        "client": ("127.0.0.1", 5000),
        "server": ("portal.test", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert [message["type"] for message in sent] == ["http.response.start"]
    assert (b"content-length", b"64") in sent[0]["headers"]
    assert last_entry(portal).fault == "drop"


def test_drop_over_a_real_socket_cuts_the_connection(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Under uvicorn a drop sends the head, then closes the connection: the client gets the
    status line and Content-Length but no body, and httpx reports a RemoteProtocolError."""
    portal = Portal(
        f"sqlite:///{tmp_path}/portal.db",
        PortalConfig(units=UNITS, faults={"*": {"drop": {"rate": 1}}}),
        clock=Clock(),
    )
    config = uvicorn.Config(create_app(portal), port=0, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not server.started and time.monotonic() < deadline:
                time.sleep(0.01)
            port = server.servers[0].sockets[0].getsockname()[1]
            payload = json.dumps(CREDENTIALS).encode()
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                raw.sendall(
                    b"POST /api/dvcqg/login HTTP/1.1\r\nHost: portal\r\n"
                    b"Content-Type: application/json\r\n"
                    + f"Content-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                received = b""
                while chunk := raw.recv(4096):
                    received += chunk
            head, _, rest = received.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200")
            assert b"content-length: 64" in head.lower()
            assert rest == b""
            with pytest.raises(httpx.RemoteProtocolError):
                httpx.post(f"http://127.0.0.1:{port}{LOGIN}", json=CREDENTIALS, timeout=5)
        finally:
            server.should_exit = True
            thread.join(10)
    assert "returned without completing response" in caplog.text


def test_a_bad_fault_profile_in_the_config_names_file_and_key(tmp_path: Path) -> None:
    """A rate of 2 in [faults."*"] is refused at load time, naming the file and the key."""
    from mock_portal.config import ConfigError, load_config

    config = tmp_path / "portal.toml"
    config.write_text('[faults."*"]\nerrors = { rate = 2.0, statuses = [503] }\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"portal\.toml: faults\.\*\.errors\.rate"):
        load_config(config)
