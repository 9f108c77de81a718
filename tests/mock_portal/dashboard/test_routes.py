"""The dashboard's routes in-process (httpx over ASGI), on SQLite and PostgreSQL: who gets in,
what the JSON behind the pages says, and that what provinces sent is escaped."""

from __future__ import annotations

import re

import pytest

from mock_portal._portal import Portal
from mock_portal.config import ConfigError, parse_config
from mock_portal.dashboard import CONTENT_SECURITY_POLICY, COOKIE_NAME
from tests.mock_portal.conftest import PortalFactory, TestClient
from tests.mock_portal.dashboard._seed import (
    EXPECTED_BANDS,
    FINDING_PATH,
    HOSTILE,
    HOSTILE_PROVINCE,
    MESSAGES,
    NO_DATA,
    seed,
)

OPERATOR = "operator-token-for-the-routes"
VIEWER = "viewer-token-for-the-routes"
AS_OPERATOR = {"Authorization": f"Bearer {OPERATOR}"}
AS_VIEWER = {"Authorization": f"Bearer {VIEWER}"}


def _cookie(session: str) -> dict[str, str]:
    """The session cookie, sent by hand (the client's own cookie jar is emptied first)."""
    return {"Cookie": f"{COOKIE_NAME}={session}"}


@pytest.fixture
def board(make_portal: PortalFactory) -> tuple[Portal, TestClient]:
    portal, client = make_portal(operator_token=OPERATOR, viewer_token=VIEWER)
    portal.operator_token()
    seed(portal.store)
    return portal, client


def test_nothing_without_a_token(board: tuple[Portal, TestClient]) -> None:
    """Pages answer 401 with the login form, the JSON and the event stream 401 JSON."""
    _, client = board
    for path in ("/", "/dashboard/provinces/38", "/dashboard/rules/HS-001"):
        response = client.get(path)
        assert response.status_code == 401
        assert 'action="/dashboard/login"' in response.text
    for path in ("/dashboard/api/national", "/dashboard/events", "/dashboard/api/rules/HS-001"):
        response = client.get(path)
        assert response.status_code == 401
        assert "error" in response.json()
    wrong = client.get("/dashboard/api/national", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_a_viewer_token_cannot_reach_the_operator_api(board: tuple[Portal, TestClient]) -> None:
    """The viewer reads the dashboard; every /admin route, reading or changing, refuses it."""
    _, client = board
    assert client.get("/dashboard/api/national", headers=AS_VIEWER).status_code == 200
    for method, path, body in (
        ("GET", "/admin/units", None),
        ("POST", "/admin/reset", {}),
        ("PUT", "/admin/faults/*", {"errors": {"rate": 1}}),
        ("POST", "/admin/viewer-tokens", {}),
        ("DELETE", "/admin/viewer-tokens/config", None),
    ):
        response = client.request(method, path, headers=AS_VIEWER, json=body)
        assert response.status_code == 401, (method, path)
    assert client.get("/admin/units", headers=AS_OPERATOR).status_code == 200


def test_token_exchanged_for_a_strict_http_only_cookie(board: tuple[Portal, TestClient]) -> None:
    """`/?token=` sets the session cookie and moves on without the token; the cookie opens the
    pages; a forged cookie does not; a wrong token gets the form again."""
    _, client = board
    response = client.get(f"/dashboard/provinces/38?token={VIEWER}&lang=en")
    assert response.status_code == 200
    cookie = next(
        value
        for name, value in response.headers.multi_items()
        if name == "set-cookie" and value.startswith(COOKIE_NAME)
    )
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie
    assert 'content="0;url=/dashboard/provinces/38?lang=en"' in response.text
    assert VIEWER not in response.text
    session = cookie.split(";")[0].split("=", 1)[1]
    client._client.cookies.clear()  # only the cookie sent by hand counts
    opened = client.get("/dashboard/provinces/38", headers=_cookie(session))
    assert opened.status_code == 200
    forged = session[:-1] + ("0" if session[-1] != "0" else "1")
    assert client.get("/", headers=_cookie(forged)).status_code == 401
    refused = client.get("/?token=wrong-token")
    assert refused.status_code == 401
    assert 'id="login-error"' in refused.text


def test_login_form_and_logout(board: tuple[Portal, TestClient]) -> None:
    _, client = board
    response = client.post(
        "/dashboard/login",
        content=f"token={OPERATOR}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert COOKIE_NAME in response.headers["set-cookie"]
    assert client.post("/dashboard/login", content="token=bad").status_code == 401
    out = client.post("/dashboard/logout")
    assert out.status_code == 303
    assert f'{COOKIE_NAME}=""' in out.headers["set-cookie"]


def test_viewer_tokens_issued_listed_and_revoked(board: tuple[Portal, TestClient]) -> None:
    """A token the operator issues opens the dashboard until it is revoked; so does the cookie
    it was exchanged for. Only the digest is kept."""
    portal, client = board
    issued = client.post("/admin/viewer-tokens", headers=AS_OPERATOR, json={"label": "Sở TT&TT"})
    assert issued.status_code == 201
    token, token_id = issued.json()["token"], issued.json()["id"]
    listing = client.get("/admin/viewer-tokens", headers=AS_OPERATOR).json()["viewer_tokens"]
    assert {entry["id"] for entry in listing} == {"config", token_id}
    assert token not in (portal.store.get_setting("dashboard_viewer_tokens") or "")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/dashboard/api/national", headers=bearer).status_code == 200
    exchange = client.get(f"/?token={token}")
    session = exchange.cookies[COOKIE_NAME]
    client._client.cookies.clear()  # only the cookie sent by hand counts
    revoked = client.request("DELETE", f"/admin/viewer-tokens/{token_id}", headers=AS_OPERATOR)
    assert revoked.json() == {"revoked": token_id}
    assert client.get("/dashboard/api/national", headers=bearer).status_code == 401
    assert client.get("/", headers=_cookie(session)).status_code == 401
    missing = client.request("DELETE", f"/admin/viewer-tokens/{token_id}", headers=AS_OPERATOR)
    assert missing.status_code == 404
    bad = client.post("/admin/viewer-tokens", headers=AS_OPERATOR, json={"label": 5})
    assert bad.status_code == 400
    assert "label" in bad.json()["error"]


def test_viewer_token_in_the_configuration_is_checked() -> None:
    with pytest.raises(ConfigError, match="viewer_token"):
        parse_config({"viewer_token": "short"})
    same = "the-same-token-for-both"
    with pytest.raises(ConfigError, match="differ"):
        parse_config({"viewer_token": same, "operator_token": same})


def test_national_json_has_the_bands_of_the_data(board: tuple[Portal, TestClient]) -> None:
    """34 provinces in official order; the bands the seeded messages imply."""
    _, client = board
    data = client.get("/dashboard/api/national", headers=AS_VIEWER).json()
    cards = data["provinces"]
    assert len(cards) == 34
    bands = {card["province"]["code"]: card["band"] for card in cards}
    assert {code: band for code, band in bands.items() if band != NO_DATA} == EXPECTED_BANDS
    assert data["by_band"] == {"xanh": 1, "vàng": 1, "cam": 1, "đỏ": 1, NO_DATA: 30}
    assert data["totals"]["messages"] == MESSAGES * len(EXPECTED_BANDS)
    assert all(card["sso"]["exchanges"] == 0 for card in cards)


def test_province_json(board: tuple[Portal, TestClient]) -> None:
    """Đà Nẵng: HS-001 with clause, hint and example paths; dossiers by status; the timeline
    counts every message and the 120 ms the portal injected into one."""
    _, client = board
    data = client.get(f"/dashboard/api/provinces/{HOSTILE_PROVINCE}", headers=AS_VIEWER).json()
    (rule,) = data["failing_rules"]
    assert rule["rule"] == "HS-001"
    assert rule["clause"]
    assert rule["hint"]
    assert [example["path"] for example in rule["examples"]] == [FINDING_PATH] * 3
    assert rule["examples"][0]["value"] == HOSTILE
    lifecycle = {entry["status"]: entry for entry in data["lifecycle"]}
    assert lifecycle["4"] == {"status": "4", "label": "Đang xử lý", "count": 1}
    assert lifecycle["2"]["count"] == 1
    timeline = data["timeline"]
    assert sum(timeline["messages"]) == MESSAGES
    assert max(timeline["delay_ms"]) > 0
    assert data["payments"]["transactions"]["created"] == 0
    # a merged-away province names its successor; an unknown one is a 404
    merged = client.get("/dashboard/api/provinces/H22", headers=AS_VIEWER)
    assert merged.status_code == 404
    assert "merged" in merged.json()["error"]


def test_rule_and_message_json(board: tuple[Portal, TestClient]) -> None:
    _, client = board
    data = client.get("/dashboard/api/rules/HS-001", headers=AS_VIEWER).json()
    failing = {entry["province"]["code"]: entry["failed"] for entry in data["provinces"]}
    assert {code: count for code, count in failing.items() if count} == {
        "01": 2,
        "79": 4,
        "48": 8,
    }
    journal_id = data["examples"][0]["journal_id"]
    message = client.get(f"/dashboard/api/messages/{journal_id}", headers=AS_VIEWER).json()
    assert message["findings"][0]["rule"] == "HS-001"
    assert client.get("/dashboard/api/rules/XX-999", headers=AS_VIEWER).status_code == 404
    assert client.get("/dashboard/api/messages/999999", headers=AS_VIEWER).status_code == 404


def test_pages_escape_what_provinces_sent(board: tuple[Portal, TestClient]) -> None:
    """The hostile dossier code appears only escaped, under a policy that allows no inline
    script; every page's assets come from the portal itself."""
    _, client = board
    for path in (f"/dashboard/provinces/{HOSTILE_PROVINCE}", "/dashboard/rules/HS-001"):
        response = client.get(path, headers=AS_VIEWER)
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "<script>window" not in response.text
        assert "<img" not in response.text
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in response.text
        sources = re.findall(r"""(?:src|href)="([^"]*)\"""", response.text)
        assert all(not source.startswith(("http:", "https:", "//")) for source in sources)
    for asset in ("dashboard.js", "ui.css"):
        assert client.get(f"/dashboard/static/{asset}").status_code == 200
    assert client.get("/dashboard/static/secret.py").status_code == 404


def test_vietnamese_by_default_english_on_request(board: tuple[Portal, TestClient]) -> None:
    _, client = board
    vietnamese = client.get("/", headers=AS_VIEWER)
    assert '<html lang="vi">' in vietnamese.text
    assert "Tình hình kết nối" in vietnamese.text
    english = client.get("/?lang=en", headers=AS_VIEWER)
    assert '<html lang="en">' in english.text
    assert "portalsim_lang=en" in english.headers["set-cookie"]
    remembered = client.get("/", headers={**AS_VIEWER, "Cookie": "portalsim_lang=en"})
    assert '<html lang="en">' in remembered.text


def test_event_stream_announces_the_journal(
    board: tuple[Portal, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stream's first event names the newest journal entry (the stream is cut short here;
    browsers reconnect)."""
    portal, client = board
    monkeypatch.setattr("mock_portal.dashboard._routes.STREAM_SECONDS", 0.2)
    response = client.get("/dashboard/events", headers=AS_VIEWER)
    assert response.headers["content-type"].startswith("text/event-stream")
    newest = portal.store.last_journal_id()
    assert f'event: change\ndata: {{"version":{newest}}}' in response.text
