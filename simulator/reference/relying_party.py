"""The reference province as an OpenID Connect relying party of the portal's SSO provider.

`start` sends the browser to `/oauth2/authorize` (code flow with `state`, `nonce` and an S256
PKCE challenge, unless the profile plants their absence); `finish` checks the callback's `state`,
redeems the code at `/oauth2/token` with HTTP Basic client authentication and validates the ID
token as OpenID Connect Core §3.1.3.7 requires: an RS256 signature by a key of the provider's
JWKS (never `alg: none`), `iss` the provider, `aud` this client, `exp` in the future, `nonce`
the login's. A profile that `trusts_any_id_token` reads the claims without any of these checks.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from simulator.conform.config import SsoCredentials
from simulator.reference.profiles import ReferenceProfile
from simulator.synthetic import Fault

__all__ = ["LoginRefused", "PendingLogin", "RelyingParty"]

#: how long a started login may wait for its callback
LOGIN_LIFETIME_S = 600.0
_SKEW_S = 30


class LoginRefused(Exception):
    """The callback does not prove a login; the message says why (shown to the browser)."""


@dataclass(frozen=True, slots=True)
class PendingLogin:
    state: str
    nonce: str | None
    verifier: str | None
    started: float


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT read without any check (what a careless relying party does)."""
    try:
        payload = token.split(".")[1]
        claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, orjson.JSONDecodeError):
        raise LoginRefused("the ID token is not a JWT") from None
    if not isinstance(claims, dict):
        raise LoginRefused("the ID token's payload is not an object")
    return claims


class RelyingParty:
    def __init__(
        self, http: httpx.AsyncClient, credentials: SsoCredentials, profile: ReferenceProfile
    ) -> None:
        self.http = http
        self.credentials = credentials
        self.profile = profile
        self._pending: dict[str, PendingLogin] = {}

    def start(self) -> tuple[str, str]:
        """(login id for the browser's cookie, the authorization URL to redirect to)."""
        now = time.monotonic()
        for key in [k for k, v in self._pending.items() if now - v.started > LOGIN_LIFETIME_S]:
            del self._pending[key]
        faults = self.profile.sso_faults
        login = PendingLogin(
            state=secrets.token_urlsafe(16),
            nonce=None if Fault.SSO_NO_NONCE in faults else secrets.token_urlsafe(16),
            verifier=None if Fault.SSO_NO_PKCE in faults else secrets.token_urlsafe(48),
            started=now,
        )
        login_id = secrets.token_urlsafe(16)
        self._pending[login_id] = login
        query = {
            "response_type": "code",
            "client_id": self.credentials.client_id,
            "redirect_uri": self.credentials.redirect_uri,
            "scope": "openid profile",
            "state": login.state,
        }
        if login.nonce is not None:
            query["nonce"] = login.nonce
        if login.verifier is not None:
            query |= {"code_challenge": _challenge(login.verifier), "code_challenge_method": "S256"}
        return login_id, f"{self.http.base_url}/oauth2/authorize?{urlencode(query)}"

    async def finish(self, login_id: str | None, params: dict[str, str]) -> dict[str, Any]:
        """The ID token's claims of a login the callback completes; `LoginRefused` otherwise."""
        login = self._pending.pop(login_id, None) if login_id else None
        if login is None:
            raise LoginRefused("no login was started in this browser")
        if "error" in params:
            raise LoginRefused(f"the provider refused: {params['error']}")
        if not self.profile.ignores_state and params.get("state") != login.state:
            raise LoginRefused("state does not match the login's")
        code = params.get("code")
        if not code:
            raise LoginRefused("no code in the callback")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.credentials.redirect_uri,
        }
        if login.verifier is not None:
            form["code_verifier"] = login.verifier
        tokens = await self.http.post(
            "/oauth2/token",
            data=form,
            auth=(self.credentials.client_id, self.credentials.client_secret),
        )
        try:
            answer = orjson.loads(tokens.content)
        except orjson.JSONDecodeError:
            answer = None
        if tokens.status_code != 200 or not isinstance(answer, dict):
            raise LoginRefused(f"the token endpoint answered HTTP {tokens.status_code}")
        id_token = answer.get("id_token")
        if not isinstance(id_token, str):
            raise LoginRefused("no id_token in the token answer")
        if self.profile.trusts_any_id_token:
            return _unverified_claims(id_token)
        return await self._validated(id_token, login)

    async def _validated(self, id_token: str, login: PendingLogin) -> dict[str, Any]:
        discovery = (await self.http.get("/.well-known/openid-configuration")).json()
        keys = (await self.http.get("/oauth2/jwks")).json()
        try:
            key_set = KeySet.import_key_set(keys)
            token = jwt.decode(id_token, key_set, algorithms=["RS256"])
        except (JoseError, ValueError) as error:
            raise LoginRefused(f"the ID token's signature does not verify ({error})") from None
        claims = dict(token.claims)
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        now = time.time()
        if claims.get("iss") != discovery.get("issuer"):
            raise LoginRefused("the ID token's iss is not the provider")
        if self.credentials.client_id not in audiences:
            raise LoginRefused("the ID token is for another audience")
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or exp + _SKEW_S < now:
            raise LoginRefused("the ID token has expired")
        if login.nonce is not None and claims.get("nonce") != login.nonce:
            raise LoginRefused("the ID token's nonce is not the login's")
        return claims
