"""Single sign-on: the relying party's mistakes are recorded as SSO- findings, and every bad or
hostile request gets a clear OAuth 2.0 error that grants nothing."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from mock_portal._portal import Portal
from tests.mock_portal._sso import (
    AUTHORIZE,
    CLIENTS,
    HA_NOI,
    INTROSPECT,
    LOGOUT,
    THANH_HOA,
    TOKEN,
    USERINFO,
    Login,
    RelyingParty,
    query_of,
)
from tests.mock_portal.conftest import Clock, PortalFactory, TestClient

H56 = THANH_HOA.unit


@pytest.fixture
def sso(make_portal: PortalFactory) -> tuple[Portal, TestClient, RelyingParty]:
    portal, client = make_portal(sso_clients=CLIENTS)
    return portal, client, RelyingParty(client)


def rules_of(portal: Portal) -> list[str]:
    return [row.rule for row in portal.store.findings()]


# Findings on the authorization request


@pytest.mark.parametrize(
    ("changes", "rule", "severity"),
    [
        ({"state": None}, "SSO-001", "error"),
        ({"nonce": None}, "SSO-002", "error"),
        ({"code_challenge": None, "code_challenge_method": None}, "SSO-003", "warning"),
    ],
    ids=["no-state", "no-nonce", "no-pkce"],
)
def test_authorization_request_findings(
    sso: tuple[Portal, TestClient, RelyingParty],
    changes: dict[str, Any],
    rule: str,
    severity: str,
) -> None:
    """A missing state, nonce or PKCE challenge is recorded for the client's province; lenient
    mode lets the login go on."""
    portal, _client, rp = sso
    response = rp.authorize(**changes)
    assert response.status_code == 302
    assert "code" in query_of(response)
    [finding] = portal.store.findings()
    assert (finding.rule, finding.severity.value) == (rule, severity)
    assert (finding.unit, finding.province) == (H56, "38")
    [entry] = list(portal.store.iter_journal())
    assert entry.kind == "sso-authorize"
    assert entry.province == "38"


def test_acr_values_below_the_required_level_is_recorded(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Hà Nội must ask for LoA2: asking LoA1, or nothing, is SSO-007 for Hà Nội (01)."""
    portal, client, _rp = sso
    hanoi = RelyingParty(client, HA_NOI)
    hanoi.authorize(acr_values="LoA1")
    hanoi.authorize(acr_values=None)
    hanoi.authorize(acr_values="LoA3 LoA2")
    findings = portal.store.findings()
    assert [(f.rule, f.province, f.value) for f in findings] == [
        ("SSO-007", "01", "LoA1"),
        ("SSO-007", "01", None),
    ]


def test_strict_mode_refuses_by_redirect_and_issues_no_code(
    make_portal: PortalFactory,
) -> None:
    """In strict mode a request without state goes back with error=invalid_request naming the
    rule; the finding is still recorded."""
    portal, client = make_portal(mode="strict", sso_clients=CLIENTS)
    answer = query_of(RelyingParty(client).authorize(state=None))
    assert answer["error"] == "invalid_request"
    assert "SSO-001" in answer["error_description"]
    assert "code" not in answer
    assert rules_of(portal) == ["SSO-001"]


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://attacker.test/steal",
        "https://motcua.thanhhoa.test/sso/callback/",  # one character more
        "https://motcua.thanhhoa.test/sso/callback?next=/",
        "HTTPS://motcua.thanhhoa.test/sso/callback",
        None,
    ],
    ids=["foreign", "trailing-slash", "extra-query", "other-case", "missing"],
)
def test_untrusted_redirect_uri_is_never_redirected_to(
    sso: tuple[Portal, TestClient, RelyingParty], redirect_uri: str | None
) -> None:
    """Anything but an exact registered redirect_uri gets an error page, no Location (SSO-004)."""
    portal, _client, rp = sso
    response = rp.authorize(redirect_uri=redirect_uri)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "invalid_request" in response.text
    assert rules_of(portal) == ["SSO-004"]


def test_unknown_client_gets_an_error_page(sso: tuple[Portal, TestClient, RelyingParty]) -> None:
    """An unknown client_id is shown an error page, never redirected (SSO-006, no province)."""
    portal, _client, rp = sso
    response = rp.authorize(client_id="motcua-khong-ton-tai")
    assert response.status_code == 400
    assert "location" not in response.headers
    [finding] = portal.store.findings()
    assert (finding.rule, finding.province, finding.value) == (
        "SSO-006",
        None,
        "motcua-khong-ton-tai",
    )


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"prompt": "none", "login_hint": None}, "login_required"),
        ({"prompt": "none", "login_hint": "000000000000"}, "login_required"),
    ],
    ids=["implicit", "no-openid", "plain-pkce", "bad-challenge", "prompt-none", "unknown-hint"],
)
def test_requests_the_provider_cannot_serve_go_back_with_an_error(
    sso: tuple[Portal, TestClient, RelyingParty], changes: dict[str, Any], error: str
) -> None:
    """Once the redirect URI is trusted, errors go back to it with error and the state."""
    _portal, _client, rp = sso
    login = Login()
    answer = query_of(rp.authorize(login, **changes))
    assert answer["error"] == error
    assert answer["state"] == login.state
    assert answer["error_description"]
    assert "code" not in answer


@pytest.mark.parametrize(
    "query",
    [
        b"client_id=motcua-thanhhoa&client_id=dvc-hanoi",
        b"client_id=motcua-thanhhoa&state=%00",
        b"client_id=%ff%fe",
    ],
    ids=["repeated", "control-character", "not-utf8"],
)
def test_unreadable_authorization_requests_get_an_error_page(
    sso: tuple[Portal, TestClient, RelyingParty], query: bytes
) -> None:
    """Parameters that cannot be read with certainty are refused on a page, not redirected."""
    portal, client, _rp = sso
    response = client.get(AUTHORIZE + "?" + query.decode("ascii"))
    assert response.status_code == 400
    assert "location" not in response.headers
    [entry] = list(portal.store.iter_journal())
    assert not entry.accepted


# The token endpoint


def test_reused_code_is_refused_and_revokes_its_tokens(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """A second redemption is invalid_grant (SSO-005), and the first one's token stops working."""
    portal, _client, rp = sso
    login = rp.login()
    tokens = rp.tokens(login)
    assert rp.userinfo(tokens["access_token"]).status_code == 200
    again = rp.token(login)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert rules_of(portal) == ["SSO-005"]
    refused = rp.userinfo(tokens["access_token"])
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]
    assert rp.introspect(tokens["access_token"]).json() == {"active": False}


def test_expired_code_is_refused(
    sso: tuple[Portal, TestClient, RelyingParty], clock: Clock
) -> None:
    """A code redeemed after its lifetime (60 s) is invalid_grant, and nothing is issued."""
    portal, _client, rp = sso
    login = rp.login()
    clock.now += timedelta(seconds=61)
    response = rp.token(login)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "the authorization code has expired",
    }
    code = portal.store.sso.get_code(login.code)
    assert code is not None
    assert code.used_at is None


@pytest.mark.parametrize("method", ["basic", "post"])
def test_wrong_client_secret_is_refused(
    sso: tuple[Portal, TestClient, RelyingParty], method: str
) -> None:
    """A wrong secret, by either method, is 401 invalid_client (SSO-006 for the province); the
    code stays unredeemed and works with the right secret."""
    portal, _client, rp = sso
    login = rp.login()
    wrong = RelyingParty(rp.client, replace(THANH_HOA, client_secret="doan-sai-mat-khau-123"))
    response = wrong.token(login, method=method)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    if method == "basic":
        assert response.headers["www-authenticate"].startswith("Basic")
    [finding] = portal.store.findings()
    assert (finding.rule, finding.province) == ("SSO-006", "38")
    assert "doan-sai" not in str(finding.value)
    assert rp.token(login).status_code == 200


def test_unknown_client_at_the_token_endpoint_is_refused(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """A client_id nobody registered is 401 invalid_client, recorded without a province."""
    portal, client, rp = sso
    login = rp.login()
    response = client.post(
        TOKEN,
        data={"grant_type": "authorization_code", "code": login.code},
        auth=("khong-co-client-nay", "bat-ky-mat-khau-nao"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    [finding] = portal.store.findings()
    assert (finding.rule, finding.province) == ("SSO-006", None)


def test_code_of_another_client_is_refused(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Hà Nội cannot redeem Thanh Hóa's code, even with its own valid credentials."""
    _portal, client, rp = sso
    login = rp.login()
    hanoi = RelyingParty(client, HA_NOI)
    response = hanoi.token(login, redirect_uri=THANH_HOA.redirect_uris[0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("verifier", "description"),
    [
        (None, "code_verifier required"),
        ("x" * 43, "does not match"),
        ("short", "43 to 128"),
    ],
    ids=["missing", "wrong", "malformed"],
)
def test_bad_pkce_verifier_is_refused(
    sso: tuple[Portal, TestClient, RelyingParty], verifier: str | None, description: str
) -> None:
    """A missing or wrong verifier is invalid_grant (SSO-008); the code is not spent."""
    portal, _client, rp = sso
    login = rp.login()
    response = rp.token(login, code_verifier=verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert description in response.json()["error_description"]
    assert rules_of(portal) == ["SSO-008"]
    assert rp.token(login).status_code == 200


def test_verifier_without_a_challenge_is_refused(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """A verifier for a request that had no challenge is a PKCE downgrade: invalid_grant."""
    _portal, _client, rp = sso
    login = rp.login(code_challenge=None, code_challenge_method=None)
    response = rp.token(login)
    assert response.status_code == 400
    assert "no code_challenge" in response.json()["error_description"]


def test_redirect_uri_must_match_the_authorization_request(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """A token request with another redirect_uri is invalid_grant (SSO-004)."""
    portal, _client, rp = sso
    login = rp.login()
    response = rp.token(login, redirect_uri="https://motcua.thanhhoa.test/other")
    assert response.json()["error"] == "invalid_grant"
    assert rules_of(portal) == ["SSO-004"]


@pytest.mark.parametrize(
    ("data", "headers", "status", "error"),
    [
        ({"grant_type": "password", "username": "u"}, {}, 400, "unsupported_grant_type"),
        ({"code": "abc"}, {}, 400, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "forged-code"}, {}, 400, "invalid_grant"),
        (
            {"grant_type": "authorization_code", "code": "c", "client_secret": "x"},
            {},
            400,
            "invalid_request",
        ),
        (
            {"grant_type": "authorization_code"},
            {"Authorization": "Basic !!!"},
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "authorization_code"},
            {"Authorization": "Bearer x"},
            401,
            "invalid_client",
        ),
    ],
    ids=["password-grant", "no-grant-type", "forged-code", "two-methods", "bad-basic", "bearer"],
)
def test_bad_token_requests_get_oauth_errors(
    sso: tuple[Portal, TestClient, RelyingParty],
    data: dict[str, str],
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    """Each bad token request is answered with an RFC 6749 §5.2 error body and no token."""
    _portal, client, _rp = sso
    auth = None if headers else (THANH_HOA.client_id, THANH_HOA.client_secret)
    response = client.post(TOKEN, data=data, headers=headers, auth=auth)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert set(body) == {"error", "error_description"}
    assert response.headers["cache-control"] == "no-store"


def test_token_endpoint_wants_a_form(sso: tuple[Portal, TestClient, RelyingParty]) -> None:
    """JSON, a repeated parameter or an oversized body is invalid_request, never a 500."""
    portal, client, _rp = sso
    auth = (THANH_HOA.client_id, THANH_HOA.client_secret)
    as_json = client.post(TOKEN, json={"grant_type": "authorization_code"}, auth=auth)
    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")
    repeated = client.post(
        TOKEN,
        content=b"code=a&code=b&grant_type=authorization_code",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=auth,
    )
    assert "repeated" in repeated.json()["error_description"]
    limit = portal.config.limits.max_body_bytes
    huge = client.post(
        TOKEN,
        content=b"code=" + b"a" * limit,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=auth,
    )
    assert (huge.status_code, huge.json()["error"]) == (413, "invalid_request")


# Userinfo, introspection, logout


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer forged-token"}, {"Authorization": "Basic eDp5"}],
    ids=["none", "forged", "basic"],
)
def test_userinfo_wants_a_live_bearer_token(
    sso: tuple[Portal, TestClient, RelyingParty], headers: dict[str, str]
) -> None:
    """No token, a forged one or another scheme is 401 with a Bearer challenge."""
    _portal, client, _rp = sso
    response = client.get(USERINFO, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="portalsim SSO"')


def test_expired_access_token_is_refused(
    sso: tuple[Portal, TestClient, RelyingParty], clock: Clock
) -> None:
    """After token_lifetime the access token is inactive for userinfo and introspection."""
    _portal, _client, rp = sso
    tokens = rp.tokens()
    clock.now += timedelta(minutes=10)
    assert rp.userinfo(tokens["access_token"]).status_code == 401
    assert rp.introspect(tokens["access_token"]).json() == {"active": False}


def test_introspection_needs_client_authentication(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Introspection without credentials is invalid_client; with them, `token=…&state=0` works."""
    portal, client, rp = sso
    tokens = rp.tokens()
    refused = client.post(INTROSPECT, data={"token": tokens["access_token"], "state": "0"})
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"
    assert rules_of(portal) == ["SSO-006"]
    answer = client.post(
        INTROSPECT,
        data={
            "token": tokens["access_token"],
            "state": "0",
            "client_id": THANH_HOA.client_id,
            "client_secret": THANH_HOA.client_secret,
        },
    ).json()
    assert answer["active"] is True
    assert rp.introspect("forged").json() == {"active": False}


def test_unregistered_post_logout_redirect_uri_is_never_redirected_to(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Logout to an unregistered URI is an error page (SSO-004), and the tokens stay live."""
    portal, client, rp = sso
    tokens = rp.tokens()
    response = client.get(
        LOGOUT,
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "https://attacker.test/",
        },
    )
    assert response.status_code == 400
    assert "location" not in response.headers
    assert rules_of(portal) == ["SSO-004"]
    assert rp.introspect(tokens["access_token"]).json()["active"] is True


def test_forged_id_token_hint_is_refused_at_logout(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """An id_token_hint this provider did not sign is an error page and revokes nothing."""
    _portal, client, rp = sso
    tokens = rp.tokens()
    header, payload, _signature = tokens["id_token"].split(".")
    forged = f"{header}.{payload}.{base64.urlsafe_b64encode(b'x' * 256).decode().rstrip('=')}"
    response = client.get(
        LOGOUT,
        params={
            "id_token_hint": forged,
            "post_logout_redirect_uri": THANH_HOA.post_logout_redirect_uris[0],
        },
    )
    assert response.status_code == 400
    assert rp.introspect(tokens["access_token"]).json()["active"] is True


def test_logout_without_a_redirect_shows_a_page(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Logout without post_logout_redirect_uri answers a logged-out page."""
    _portal, client, _rp = sso
    response = client.get(LOGOUT, params={"client_id": THANH_HOA.client_id})
    assert response.status_code == 200
    assert "Đã đăng xuất" in response.text


# The journal


def test_secrets_never_reach_the_journal_or_the_findings(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Client secrets, codes, verifiers, access and ID tokens appear in no journal row, export,
    or finding, for accepted and refused requests alike."""
    portal, client, rp = sso
    login = rp.login()
    tokens = rp.tokens(login)
    rp.token(login)  # reused
    rp.userinfo(tokens["access_token"])
    rp.introspect(tokens["access_token"])
    client.post(
        TOKEN,
        data={"grant_type": "authorization_code", "code": login.code},
        auth=(THANH_HOA.client_id, "mat-khau-doan-sai-1234"),
    )
    client.post(TOKEN, content=b"client_secret=" + THANH_HOA.client_secret.encode() + b"&%ff")
    client.get(LOGOUT, params={"id_token_hint": tokens["id_token"]})
    secrets = [
        THANH_HOA.client_secret,
        "mat-khau-doan-sai-1234",
        login.code,
        login.verifier,
        tokens["access_token"],
        tokens["id_token"],
        tokens["id_token"].split(".")[2],
    ]
    export = bytearray()
    for entry in portal.store.iter_journal():
        export += entry.body + entry.response.encode() + repr(entry.headers).encode()
    for row in portal.store.findings(limit=1000):
        export += repr(row).encode()
    assert export
    for secret in secrets:
        assert secret.encode() not in export, secret[:12]
    kinds = {entry.kind for entry in portal.store.iter_journal()}
    assert kinds == {"sso-authorize", "sso-token", "sso-userinfo", "sso-introspect", "sso-logout"}
