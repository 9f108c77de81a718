"""Credentials: the operator token on every /admin route, sessions, login throttling, SSO tokens
and payment checksums. Nothing here is accepted unless it is the real thing.

The operator routes are enumerated from the app itself (`mock_portal.docs._routes.api_routes`),
so a route added tomorrow is covered tomorrow.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_portal._portal import Portal
from mock_portal.app import create_app
from mock_portal.docs._generic import is_operator
from mock_portal.docs._routes import api_routes
from mock_portal.wire import ErrorCode
from tests.mock_portal._client import INTEGRATION, LOGIN, SHARE, body, login
from tests.mock_portal._payments import (
    CLIENT_ID,
    CREATE,
    KEY_1,
    create_body,
    paying_portal,
    sync_dossier,
)
from tests.mock_portal._sso import CLIENTS, OPERATOR, OPERATOR_TOKEN, THANH_HOA, RelyingParty
from tests.mock_portal.conftest import PASSWORD, Clock, PortalFactory, TestClient
from tests.mock_portal.security._tally import tried


def operator_routes(portal: Portal) -> list[tuple[str, str]]:
    """(method, concrete path) of every operator route of the app, parameters filled in."""
    routes = []
    for route in api_routes(create_app(portal).routes):
        if not is_operator(route.path):
            continue
        path = route.path
        for name in route.parameters:
            path = path.replace("{" + name + "}", "H56")
        routes.extend((method, path) for method in sorted(route.methods) if method != "HEAD")
    return routes


def _flipped(token: str) -> str:
    return token[:-1] + ("x" if token[-1] != "x" else "y")


def wrong_tokens(session: str) -> dict[str, dict[str, str]]:
    return {
        "none": {},
        "empty bearer": {"Authorization": "Bearer "},
        "wrong token": {"Authorization": f"Bearer {secrets.token_urlsafe(32)}"},
        "token with one character changed": {"Authorization": f"Bearer {_flipped(OPERATOR_TOKEN)}"},
        "token upper-cased": {"Authorization": f"Bearer {OPERATOR_TOKEN.upper()}"},
        "the stored digest": {
            "Authorization": f"Bearer {hashlib.sha256(OPERATOR_TOKEN.encode()).hexdigest()}"
        },
        "a province's session": {"Authorization": f"Bearer {session}"},
        "basic scheme": {"Authorization": f"Basic {OPERATOR_TOKEN}"},
        "token as a query parameter": {},  # sent as ?token=… below
    }


@pytest.fixture
def operated(make_portal: PortalFactory) -> tuple[Portal, TestClient]:
    portal, client = make_portal(operator_token=OPERATOR_TOKEN, sso_clients=CLIENTS)
    portal.operator_token()
    return portal, client


def test_every_operator_route_refuses_missing_or_wrong_tokens(
    operated: tuple[Portal, TestClient],
) -> None:
    portal, client = operated
    routes = operator_routes(portal)
    assert len(routes) >= 15, routes  # the enumeration found the operator API
    session = login(client)
    units_before = portal.store.list_units()
    journal_before = portal.store.last_journal_id()
    for method, path in routes:
        for label, headers in wrong_tokens(session).items():
            params = {"token": OPERATOR_TOKEN} if label == "token as a query parameter" else None
            answer = client.request(
                method, path, headers=headers, params=params, json={"keep_units": False}
            )
            tried("operator route without the operator token")
            assert answer.status_code == 401, (method, path, label, answer.text)
            assert answer.headers["www-authenticate"].startswith("Bearer")
            assert set(answer.json()) == {"error"}
    # Nothing happened: no reset, no unit changed, nothing journaled by the operator API.
    assert portal.store.list_units() == units_before
    assert portal.store.last_journal_id() == journal_before
    # …and the real token does get through (the refusals are not a broken API).
    assert client.get("/admin/units", headers=OPERATOR).status_code == 200


@pytest.mark.parametrize("endpoint", [INTEGRATION, SHARE])
def test_forged_sessions_are_refused(
    operated: tuple[Portal, TestClient], make_portal: PortalFactory, endpoint: str
) -> None:
    portal, client = operated
    real = login(client)
    _other_portal, other_client = make_portal()
    forged = {
        "random": secrets.token_urlsafe(32),
        "one character changed": real[:-1] + ("A" if real[-1] != "A" else "B"),
        "the stored digest": hashlib.sha256(real.encode()).hexdigest(),
        "with trailing space": real + " ",
        "prefix": real[:20],
        "unit code": "000.00.00.H56",
        "sql injection": "' OR '1'='1",
        "another portal's session": login(other_client),
    }
    template = "dongbo" if endpoint == INTEGRATION else "laythutuc"
    for label, token in forged.items():
        if (
            label == "another portal's session"
            and portal.database_url == _other_portal.database_url
        ):
            continue  # the same database: the same sessions
        answer = client.post(endpoint, json=body(template, token))
        tried("forged session")
        assert answer.status_code == 401, (label, answer.text)
        assert answer.json()["error_code"] == ErrorCode.SESSION
    assert client.post(endpoint, json=body(template, real)).json()["error_code"] == 0


def test_expired_sessions_are_refused(make_portal: PortalFactory, clock: Clock) -> None:
    _portal, client = make_portal(session_lifetime=timedelta(minutes=10))
    session = login(client)
    assert client.post(SHARE, json=body("laythutuc", session)).json()["error_code"] == 0
    clock.now += timedelta(minutes=10, seconds=1)
    for endpoint, template in ((INTEGRATION, "dongbo"), (SHARE, "laythutuc")):
        answer = client.post(endpoint, json=body(template, session))
        tried("expired session")
        assert answer.status_code == 401, answer.text
        assert answer.json()["error_code"] == ErrorCode.SESSION


def test_brute_force_logins_are_throttled_per_account(make_portal: PortalFactory) -> None:
    """After `login_failures` wrong passwords the account refuses even the right one (429,
    Retry-After), while other accounts keep logging in."""
    portal, client = make_portal()
    limit = portal.config.limits.login_failures
    for attempt in range(limit):
        answer = client.post(
            LOGIN, json={"username": "000.00.00.H56", "password": f"guess{attempt}"}
        )
        tried("brute-force login")
        assert answer.status_code == 401
    for password in ("another guess", PASSWORD):
        answer = client.post(LOGIN, json={"username": "000.00.00.H56", "password": password})
        tried("brute-force login")
        assert answer.status_code == 429, answer.text
        assert answer.json()["error_code"] == ErrorCode.THROTTLED
        assert int(answer.headers["retry-after"]) > 0
        assert "session" not in answer.json()
    assert login(client, "000.00.00.H26")  # another account is not locked out


def test_forged_sso_credentials_are_refused(make_portal: PortalFactory) -> None:
    _portal, client = make_portal(sso_clients=CLIENTS)
    rp = RelyingParty(client, THANH_HOA)
    code = rp.login()
    wrong_secret = client.post(
        "/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code.code,
            "redirect_uri": THANH_HOA.redirect_uris[0],
            "code_verifier": code.verifier,
        },
        auth=(THANH_HOA.client_id, THANH_HOA.client_secret + "x"),
    )
    tried("forged SSO credential")
    assert wrong_secret.status_code == 401
    assert "access_token" not in wrong_secret.text
    tokens = rp.tokens()
    real = tokens["access_token"]
    forged = [
        secrets.token_urlsafe(32),
        real[:-1] + ("A" if real[-1] != "A" else "B"),
        tokens["id_token"],  # an ID token is not an access token
        hashlib.sha256(real.encode()).hexdigest(),
    ]
    for token in forged:
        tried("forged SSO credential", 2)
        assert rp.userinfo(token).status_code == 401
        assert rp.introspect(token).json() == {"active": False}
    assert rp.userinfo(real).status_code == 200


signed_fields = st.sampled_from(
    ["client_id", "transaction_id", "trans_amount", "command", "version", "addition_fee"]
)


def test_payment_checksum_forgery_fails(make_portal: PortalFactory) -> None:
    """A signed createtransaction with any signed field changed afterwards, or signed with the
    wrong key, is refused and stores nothing."""
    portal, client = paying_portal(make_portal)
    sync_dossier(client)

    def changed(value: str) -> st.SearchStrategy[str]:
        return st.text(min_size=1, max_size=12).filter(lambda text: text != value)

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(field=signed_fields, data=st.data())
    def run(field: str, data: Any) -> None:
        message = create_body("260302000777")
        message[field] = data.draw(changed(str(message[field])))
        answer = client.post(CREATE, json=message)
        tried("forged payment checksum")
        assert answer.status_code in (200, 400), answer.text
        assert answer.json()["error"] != "0", answer.text
        assert portal.store.payments.get(CLIENT_ID, "260302000777") is None
        assert portal.store.payments.with_transaction_id(str(message["transaction_id"])) == []

    run()
    other_key = create_body("260302000778", key=KEY_1 + "-not")
    tried("forged payment checksum")
    assert client.post(CREATE, json=other_key).json()["error"] != "0"
    assert client.post(CREATE, json=create_body("260302000779")).json()["error"] == "0"
