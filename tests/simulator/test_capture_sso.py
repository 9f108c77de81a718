"""Captures with SSO traffic: OpenID Connect exchanges are not messages of the Circular, so
`portalsim validate` skips them instead of calling them malformed."""

from __future__ import annotations

import json
from pathlib import Path

from mock_portal.sso import KIND_PREFIX, SSO_PATHS
from simulator import capture
from simulator.capture import read_capture

LOGIN_LINE = {
    "id": 3,
    "kind": "login",
    "path": "/api/dvcqg/login",
    "body": '{"username":"000.00.00.H56","password":"***"}',
    "accepted": True,
}


def _sso_line(kind: str, path: str, body: str) -> dict[str, object]:
    return {"id": 1, "kind": kind, "path": path, "body": body, "accepted": True}


def test_capture_reader_knows_the_providers_paths_and_kinds() -> None:
    """The reader's copy of the SSO paths and kind prefix is the provider's."""
    assert frozenset(SSO_PATHS) == capture.SSO_PATHS
    assert KIND_PREFIX == capture.SSO_KIND_PREFIX


def test_journal_skips_sso_entries_and_keeps_positions(tmp_path: Path) -> None:
    """sso-… entries (a form body, an empty GET body) are skipped; the login keeps index 2."""
    journal = tmp_path / "journal.ndjson"
    lines = [
        _sso_line("sso-token", "/oauth2/token", "grant_type=authorization_code&code=***"),
        _sso_line("sso-jwks", "/oauth2/jwks", ""),
        LOGIN_LINE,
    ]
    journal.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    [message] = [captured.message for captured in read_capture(journal)]
    assert message.kind.value == "login"
    assert message.index == 2


def test_har_skips_requests_to_the_sso_provider(tmp_path: Path) -> None:
    """A HAR's token POST to the provider (a form) is skipped; the portal's login is read."""
    entries = [
        {
            "startedDateTime": "2026-03-02T08:30:00+07:00",
            "request": {
                "method": "POST",
                "url": "https://xacthuc.dichvucong.gov.vn/oauth2/token",
                "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "code=x"},
            },
        },
        {
            "startedDateTime": "2026-03-02T08:31:00+07:00",
            "request": {
                "method": "POST",
                "url": "https://portal.test/api/dvcqg/login",
                "postData": {"mimeType": "application/json", "text": LOGIN_LINE["body"]},
            },
        },
    ]
    har = tmp_path / "capture.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), encoding="utf-8")
    captured = list(read_capture(har))
    assert [(c.message.kind.value, c.message.index, c.parse_error) for c in captured] == [
        ("login", 1, None)
    ]
