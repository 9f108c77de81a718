"""Helpers for the SSO tests: registered clients, and a relying party driving the provider.

`RelyingParty` is what a province's one-stop system does, over httpx against the ASGI app:
authorize (with PKCE, `state`, `nonce`, `login_hint`), redeem the code, check the ID token with
joserfc against the published JWKS, call userinfo, introspect, log out.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry, Token

from mock_portal.config import SsoClient
from simulator.domain import Account, bundled_population
from tests.mock_portal.conftest import Clock, TestClient

AUTHORIZE = "/oauth2/authorize"
TOKEN = "/oauth2/token"
USERINFO = "/oauth2/userinfo"
INTROSPECT = "/oauth2/introspect"
JWKS = "/oauth2/jwks"
LOGOUT = "/oidc/logout"
DISCOVERY = "/.well-known/openid-configuration"
ISSUER = "http://portal.test"
OPERATOR_TOKEN = "operator-token-for-the-sso-tests"
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}

#: Thanh Hóa's one-stop system: no required level of assurance
THANH_HOA = SsoClient(
    client_id="motcua-thanhhoa",
    client_secret="bi-mat-cua-thanh-hoa-2026",
    unit="000.00.00.H56",
    redirect_uris=("https://motcua.thanhhoa.test/sso/callback",),
    post_logout_redirect_uris=("https://motcua.thanhhoa.test/",),
)
#: Hà Nội's: must ask for LoA2 at least
HA_NOI = SsoClient(
    client_id="dvc-hanoi",
    client_secret="bi-mat-cua-ha-noi-2026-xyz",
    unit="000.00.00.H26",
    redirect_uris=("https://dichvucong.hanoi.test/oidc/cb",),
    post_logout_redirect_uris=("https://dichvucong.hanoi.test/",),
    required_acr="LoA2",
)
CLIENTS = (THANH_HOA, HA_NOI)


def citizen(index: int = 0) -> Account:
    return bundled_population().citizens()[index]


def business(index: int = 0) -> Account:
    return bundled_population().businesses()[index]


def query_of(response: httpx.Response) -> dict[str, str]:
    """The parameters of a redirect's Location."""
    assert response.status_code == 302, response.text
    parsed = parse_qs(urlsplit(response.headers["location"]).query, keep_blank_values=True)
    return {name: values[0] for name, values in parsed.items()}


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Login:
    """One authorization request's secrets, as the relying party keeps them in its session."""

    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    code: str = ""


class RelyingParty:
    """A province's OpenID Connect client of the portal."""

    def __init__(self, client: TestClient, sso: SsoClient = THANH_HOA) -> None:
        self.client = client
        self.sso = sso

    def authorize_params(self, login: Login, **changes: str | None) -> dict[str, str]:
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.sso.client_id,
            "redirect_uri": self.sso.redirect_uris[0],
            "scope": "openid profile",
            "state": login.state,
            "nonce": login.nonce,
            "code_challenge": challenge_of(login.verifier),
            "code_challenge_method": "S256",
            "acr_values": self.sso.required_acr or "LoA1",
            "login_hint": citizen().tech_id,
        }
        params.update(changes)
        return {name: value for name, value in params.items() if value is not None}

    def authorize(self, login: Login | None = None, **changes: str | None) -> httpx.Response:
        return self.client.get(AUTHORIZE, params=self.authorize_params(login or Login(), **changes))

    def login(self, **changes: str | None) -> Login:
        """Authorize with `login_hint` and keep the code the redirect brings back."""
        login = Login()
        answer = query_of(self.authorize(login, **changes))
        assert answer.get("state") == login.state
        login.code = answer["code"]
        return login

    def token(
        self, login: Login, *, method: str = "basic", **changes: str | None
    ) -> httpx.Response:
        form: dict[str, str | None] = {
            "grant_type": "authorization_code",
            "code": login.code,
            "redirect_uri": self.sso.redirect_uris[0],
            "code_verifier": login.verifier,
        }
        auth: tuple[str, str] | None = None
        if method == "basic":
            auth = (self.sso.client_id, self.sso.client_secret)
        else:
            form["client_id"] = self.sso.client_id
            form["client_secret"] = self.sso.client_secret
        form.update(changes)
        data = {name: value for name, value in form.items() if value is not None}
        return self.client.post(TOKEN, data=data, auth=auth)

    def tokens(self, login: Login | None = None, *, method: str = "basic") -> dict[str, Any]:
        login = login or self.login()
        response = self.token(login, method=method)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def jwks(self) -> KeySet:
        response = self.client.get(JWKS)
        assert response.status_code == 200
        return KeySet.import_key_set(response.json())

    def verify(self, id_token: str) -> Token:
        """The ID token, its signature checked against the JWKS (RS256 only)."""
        return jwt.decode(id_token, self.jwks(), algorithms=["RS256"])

    def check_claims(self, token: Token, login: Login, clock: Clock) -> None:
        """iss, aud and exp as a careful province checks them (at the portal's time), and nonce."""
        JWTClaimsRegistry(
            now=int(clock.now.timestamp()),
            iss={"essential": True, "value": ISSUER},
            aud={"essential": True, "value": self.sso.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": login.nonce},
        ).validate(token.claims)

    def userinfo(self, access_token: str) -> httpx.Response:
        return self.client.get(USERINFO, headers={"Authorization": f"Bearer {access_token}"})

    def introspect(self, token: str) -> httpx.Response:
        return self.client.post(
            INTROSPECT,
            data={"token": token, "state": "0"},
            auth=(self.sso.client_id, self.sso.client_secret),
        )
