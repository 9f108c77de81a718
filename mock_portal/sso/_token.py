"""`POST /oauth2/token`: an authorization code for an access token and a signed ID token.

The client authenticates with `client_secret_basic` or `client_secret_post` (one of them). The
code must be the client's, unexpired, unused, redeemed with the same `redirect_uri` and, when
the authorization request had a PKCE challenge, the verifier that proves it. A code is redeemed
once: the redemption that commits first wins, in whichever worker process; a second one is
refused and revokes every token the code bought (RFC 6749 §4.1.2). Every refusal is an RFC 6749
§5.2 JSON error, and grants and stores nothing but its journal row.

Relying-party findings: SSO-004 (`redirect_uri` differs from the authorization request's),
SSO-005 (code reused), SSO-006 (client unknown or its secret wrong), SSO-008 (PKCE verifier
missing or wrong).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from starlette.requests import Request
from starlette.responses import Response

from mock_portal._exchange import Exchange
from mock_portal.sso._hostile import TOKEN_MODES, fault_label
from mock_portal.sso._http import (
    MASK,
    NO_STORE,
    OAuthError,
    Params,
    client_credentials,
    invalid_request,
    json_response,
    oauth_error_response,
)
from mock_portal.sso._journaling import TOKEN_KIND, form_params, journal
from mock_portal.sso._provider import SsoProvider
from mock_portal.store import StoreError

if TYPE_CHECKING:
    from mock_portal._portal import Portal


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


async def handle_token(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = TOKEN_KIND
    params = await form_params(portal, request, exchange)
    if isinstance(params, Response):
        return params
    try:
        response, shown_response, token = _redeem(portal, request, exchange, params)
    except OAuthError as error:
        return await journal(portal, exchange, oauth_error_response(error), accepted=False)
    answered = await journal(portal, exchange, response, accepted=True, shown=shown_response)
    if answered is not response:
        # The journal could not be written: take back the token the client never sees.
        with contextlib.suppress(StoreError):
            portal.sso.store.sso.revoke_token(token, exchange.received_at)
    return answered


def _redeem(
    portal: Portal, request: Request, exchange: Exchange, params: Params
) -> tuple[Response, Response, str]:
    """(answer, answer as journaled, access token) for a good code; `OAuthError` otherwise."""
    sso = portal.sso
    client = sso.authenticate(client_credentials(request, params), exchange)
    grant_type = params.get("grant_type")
    if grant_type is None:
        raise invalid_request("grant_type required")
    if grant_type != "authorization_code":
        raise OAuthError("unsupported_grant_type", "only grant_type=authorization_code")
    code = params.get("code")
    if code is None:
        raise invalid_request("code required")
    now = exchange.received_at
    codes = sso.store.sso
    grant = codes.get_code(code)
    if grant is None:
        raise invalid_grant("unknown authorization code")
    if grant.client_id != client.client_id:
        raise invalid_grant("the code was issued to another client")
    if grant.used_at is not None:
        _reused(sso, exchange, code, now)
    if now >= grant.expires_at:
        raise invalid_grant("the authorization code has expired")
    redirect_uri = params.get("redirect_uri")
    if redirect_uri != grant.redirect_uri:
        sso.finding(
            exchange,
            "SSO-004",
            "$.redirect_uri",
            redirect_uri,
            "send the redirect_uri of the authorization request",
        )
        raise invalid_grant("redirect_uri differs from the authorization request's")
    verifier = params.get("code_verifier")
    if verifier is not None or grant.code_challenge is not None:
        problem = sso.check_verifier(grant, verifier)
        if problem is not None:
            sso.finding(exchange, "SSO-008", "$.code_verifier", None, problem)
            raise invalid_grant(problem)
    token, access = sso.access_token(grant, now)
    if not codes.redeem_code(code, now, token, access):
        _reused(sso, exchange, code, now)  # another request redeemed it first
    mode = sso.hostile.for_client(client.client_id)
    hostile = mode if mode in TOKEN_MODES else None
    if hostile is not None:
        exchange.fault = fault_label(hostile)
    answer = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": int(sso.settings.token_lifetime.total_seconds()),
        "id_token": sso.id_token(sso.issuer(request), grant, token, now, hostile),
        "scope": grant.scope,
    }
    journaled = {**answer, "access_token": MASK, "id_token": MASK}
    return (
        json_response(answer, headers=NO_STORE),
        json_response(journaled, headers=NO_STORE),
        token,
    )


def _reused(sso: SsoProvider, exchange: Exchange, code: str, now: datetime) -> NoReturn:
    """Refuse a replayed code, after revoking what it bought (RFC 6749 §4.1.2, §10.5)."""
    revoked = sso.store.sso.revoke_code_tokens(code, now)
    sso.finding(
        exchange,
        "SSO-005",
        "$.code",
        None,
        f"the code was already redeemed; {revoked} token(s) bought with it are now revoked",
    )
    raise invalid_grant("the authorization code was already used")
