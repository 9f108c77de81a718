"""Hostile mode: each kind of bad ID token or redirect is detectably wrong to a careful province,
set by the operator, kept in the store, and never blamed on the province."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError, JoseError
from joserfc.jws import extract_compact
from joserfc.jwt import Token

from mock_portal._portal import Portal
from mock_portal.config import PortalConfig
from mock_portal.sso import HOSTILE_MODES
from mock_portal.sso._provider import WRONG_AUDIENCE
from tests.mock_portal._sso import (
    CLIENTS,
    HA_NOI,
    OPERATOR,
    OPERATOR_TOKEN,
    THANH_HOA,
    Login,
    RelyingParty,
    query_of,
)
from tests.mock_portal.conftest import Clock, PortalFactory, TestClient

HOSTILE = "/admin/sso/hostile"


@pytest.fixture
def sso(make_portal: PortalFactory) -> tuple[Portal, TestClient, RelyingParty]:
    portal, client = make_portal(sso_clients=CLIENTS, operator_token=OPERATOR_TOKEN)
    portal.operator_token()
    return portal, client, RelyingParty(client)


def set_mode(client: TestClient, mode: str | None, client_id: str | None = None) -> dict[str, str]:
    body: dict[str, str | None] = {"mode": mode}
    if client_id is not None:
        body["client_id"] = client_id
    response = client.request("PUT", HOSTILE, json=body, headers=OPERATOR)
    assert response.status_code == 200, response.text
    modes: dict[str, str] = response.json()["hostile"]
    return modes


def hostile_token(rp: RelyingParty) -> tuple[Login, str]:
    login = rp.login()
    return login, rp.tokens(login)["id_token"]


def _bad_signature(rp: RelyingParty, login: Login, id_token: str, clock: Clock) -> None:
    with pytest.raises(BadSignatureError):
        rp.verify(id_token)


def _wrong_audience(rp: RelyingParty, login: Login, id_token: str, clock: Clock) -> None:
    token = rp.verify(id_token)
    assert token.claims["aud"] == WRONG_AUDIENCE
    with pytest.raises(InvalidClaimError, match="aud"):
        rp.check_claims(token, login, clock)


def _expired(rp: RelyingParty, login: Login, id_token: str, clock: Clock) -> None:
    token = rp.verify(id_token)
    assert token.claims["exp"] < int(clock.now.timestamp())
    with pytest.raises(ExpiredTokenError):
        rp.check_claims(token, login, clock)


def _wrong_nonce(rp: RelyingParty, login: Login, id_token: str, clock: Clock) -> None:
    token = rp.verify(id_token)
    assert token.claims["nonce"] != login.nonce
    with pytest.raises(InvalidClaimError, match="nonce"):
        rp.check_claims(token, login, clock)


def _alg_none(rp: RelyingParty, login: Login, id_token: str, clock: Clock) -> None:
    assert id_token.endswith(".")  # no signature at all
    assert extract_compact(id_token.encode()).protected["alg"] == "none"
    with pytest.raises(JoseError):
        rp.verify(id_token)


DETECTIONS: dict[str, Callable[[RelyingParty, Login, str, Clock], None]] = {
    "bad-signature": _bad_signature,
    "wrong-audience": _wrong_audience,
    "expired": _expired,
    "wrong-nonce": _wrong_nonce,
    "alg-none": _alg_none,
}


def test_every_mode_is_tested() -> None:
    """Each hostile mode has a detection here (wrong-state has its own test)."""
    assert set(DETECTIONS) | {"wrong-state"} == set(HOSTILE_MODES)


@pytest.mark.parametrize("mode", sorted(DETECTIONS))
def test_hostile_id_token_is_detectably_wrong(
    sso: tuple[Portal, TestClient, RelyingParty], clock: Clock, mode: str
) -> None:
    """The ID token fails the check a province must make, and the journal marks the fault."""
    portal, client, rp = sso
    assert set_mode(client, mode) == {"*": mode}
    login, id_token = hostile_token(rp)
    DETECTIONS[mode](rp, login, id_token, clock)
    token_rows = [e for e in portal.store.iter_journal() if e.kind == "sso-token"]
    assert [row.fault for row in token_rows] == [f"hostile:{mode}"]
    assert portal.store.findings() == []


def test_hostile_wrong_state_comes_back_in_the_redirect(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """In wrong-state mode the redirect carries a state other than the one sent."""
    portal, client, rp = sso
    set_mode(client, "wrong-state")
    login = Login()
    answer = query_of(rp.authorize(login))
    assert answer["state"] != login.state
    assert answer["code"]
    [row] = list(portal.store.iter_journal())
    assert row.fault == "hostile:wrong-state"


def test_a_clients_own_mode_wins_and_others_are_untouched(
    sso: tuple[Portal, TestClient, RelyingParty], clock: Clock
) -> None:
    """A mode for Hà Nội leaves Thanh Hóa's tokens good; Hà Nội's own mode beats the global one."""
    _portal, client, rp = sso
    set_mode(client, "expired")
    assert set_mode(client, "alg-none", HA_NOI.client_id) == {
        "*": "expired",
        HA_NOI.client_id: "alg-none",
    }
    hanoi = RelyingParty(client, HA_NOI)
    _login, id_token = hostile_token(hanoi)
    _alg_none(hanoi, _login, id_token, clock)
    set_mode(client, None)  # clears the global mode only
    login, id_token = hostile_token(rp)
    rp.check_claims(rp.verify(id_token), login, clock)


def test_mode_is_kept_in_the_store_for_every_worker(
    sso: tuple[Portal, TestClient, RelyingParty], database_url: str, clock: Clock
) -> None:
    """Another process on the same database issues hostile tokens at once."""
    _portal, client, _rp = sso
    set_mode(client, "bad-signature", THANH_HOA.client_id)
    other = Portal(database_url, PortalConfig(sso_clients=CLIENTS), clock=clock)
    other.start()
    other_client = TestClient(other)
    try:
        assert other.sso.hostile.for_client(THANH_HOA.client_id) == "bad-signature"
        rp = RelyingParty(other_client)
        with pytest.raises(BadSignatureError):
            rp.verify(rp.tokens()["id_token"])
    finally:
        other_client.close()
        other.close()


def test_clearing_the_mode_restores_good_tokens(
    sso: tuple[Portal, TestClient, RelyingParty], clock: Clock
) -> None:
    """After `null`, tokens verify and carry the right claims again."""
    _portal, client, rp = sso
    set_mode(client, "wrong-nonce")
    assert set_mode(client, None) == {}
    login, id_token = hostile_token(rp)
    token: Token = rp.verify(id_token)
    rp.check_claims(token, login, clock)
    assert client.get(HOSTILE, headers=OPERATOR).json()["hostile"] == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"mode": "friendly"}, "mode: 'friendly' is not one of"),
        ({}, "mode: required"),
        ({"mode": "expired", "client_id": "khong-co"}, "no SSO client 'khong-co'"),
        ({"mode": "expired", "extra": 1}, "unknown key 'extra'"),
    ],
    ids=["unknown-mode", "no-mode", "unknown-client", "unknown-key"],
)
def test_bad_hostile_settings_are_refused(
    sso: tuple[Portal, TestClient, RelyingParty], body: dict[str, object], message: str
) -> None:
    """The operator route answers 400 naming the problem, and nothing changes."""
    _portal, client, _rp = sso
    response = client.request("PUT", HOSTILE, json=body, headers=OPERATOR)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert client.get(HOSTILE, headers=OPERATOR).json()["hostile"] == {}


def test_hostile_mode_needs_the_operator_token(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Without the operator's token the route is 401 and the mode stays off."""
    portal, client, _rp = sso
    response = client.request("PUT", HOSTILE, json={"mode": "alg-none"})
    assert response.status_code == 401
    assert portal.sso.hostile.all() == {}


def test_alg_none_token_is_refused_by_any_rs256_verifier(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Even with the right key, a verifier pinned to RS256 refuses an alg-none token."""
    _portal, client, rp = sso
    set_mode(client, "alg-none")
    _login, id_token = hostile_token(rp)
    with pytest.raises(JoseError):
        jwt.decode(id_token, rp.jwks(), algorithms=["RS256"])
