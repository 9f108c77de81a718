"""A citizen logging in to a province's one-stop system through the portal's SSO provider.

The one-stop system is an OpenID Connect relying party (domain.md §5): it sends the browser to
`/oauth2/authorize` (code flow, `state`, `nonce`, PKCE S256, `login_hint` naming the account so
no login page is shown), reads the code from the redirect to its callback (never followed: the
callback is the province's own page), redeems it at `/oauth2/token` with HTTP Basic client
authentication, and asks `/oauth2/userinfo` who logged in. A login may carry the province's
planted SSO faults (no `state`, no `nonce`, no PKCE), drawn per login from its profile.

Each province that is `sso_integrated` is a client of the provider: `portalsim-hxx` with the
run's SSO secret, its callback `https://motcua-hxx.portalsim.test/sso/callback` (`sso_client`);
`portalsim run` registers them, and a portal for the Locust command line needs the same.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

import orjson

from simulator.synthetic import Fault, ProvinceProfile

__all__ = ["SSO_PATHS", "Reply", "SsoClientConfig", "Transport", "sso_client", "sso_login"]

SSO_PATHS = {
    "authorize": "/oauth2/authorize",
    "token": "/oauth2/token",
    "userinfo": "/oauth2/userinfo",
}


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer as the relying party needs it."""

    status: int
    location: str | None
    content: bytes | None


class Transport(Protocol):
    """GET with a query or POST a form, without following redirects."""

    def exchange(
        self,
        method: str,
        path: str,
        name: str,
        *,
        query: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply: ...


@dataclass(frozen=True, slots=True)
class SsoClientConfig:
    """A province's one-stop system as a client of the SSO provider."""

    client_id: str
    client_secret: str
    unit: str
    redirect_uri: str


def sso_client(profile: ProvinceProfile, secret: str) -> SsoClientConfig:
    """The client a province is registered as (the naming `portalsim run` provisions)."""
    slug = profile.agency_code.lower()
    return SsoClientConfig(
        client_id=f"portalsim-{slug}",
        client_secret=secret,
        unit=profile.unit,
        redirect_uri=f"https://motcua-{slug}.portalsim.test/sso/callback",
    )


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sso_login(
    transport: Transport, client: SsoClientConfig, account: str, faults: frozenset[Fault]
) -> bool:
    """One login of the account whose TechID is `account`; True when userinfo answered."""
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48)
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": "openid profile",
        "login_hint": account,
    }
    if Fault.SSO_NO_STATE not in faults:
        query["state"] = state
    if Fault.SSO_NO_NONCE not in faults:
        query["nonce"] = nonce
    pkce = Fault.SSO_NO_PKCE not in faults
    if pkce:
        query |= {"code_challenge": _challenge(verifier), "code_challenge_method": "S256"}
    redirect = transport.exchange("GET", SSO_PATHS["authorize"], "sso-authorize", query=query)
    if redirect.status != 302 or not redirect.location:
        return False
    answer = {k: v[0] for k, v in parse_qs(urlsplit(redirect.location).query).items()}
    if "code" not in answer or answer.get("state") != query.get("state"):
        return False  # a careful relying party refuses a callback with the wrong state
    form = {
        "grant_type": "authorization_code",
        "code": answer["code"],
        "redirect_uri": client.redirect_uri,
    }
    if pkce:
        form["code_verifier"] = verifier
    basic = base64.b64encode(f"{client.client_id}:{client.client_secret}".encode()).decode()
    tokens = transport.exchange(
        "POST",
        SSO_PATHS["token"],
        "sso-token",
        form=form,
        headers={"Authorization": f"Basic {basic}"},
    )
    if tokens.status != 200 or not tokens.content:
        return False
    access = orjson.loads(tokens.content).get("access_token")
    if not isinstance(access, str):
        return False
    info = transport.exchange(
        "GET", SSO_PATHS["userinfo"], "sso-userinfo", headers={"Authorization": f"Bearer {access}"}
    )
    return info.status == 200
