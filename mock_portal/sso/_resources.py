"""The provider's other endpoints: discovery, JWKS, userinfo, introspection and logout.

- `GET /.well-known/openid-configuration` (OIDC Discovery 1.0 §3) and `GET /oauth2/jwks`
  (RFC 7517: the public signing keys).
- `GET|POST /oauth2/userinfo` with `Authorization: Bearer <access token>`: the account's claims;
  an unknown, expired or revoked token is 401 with `WWW-Authenticate: Bearer error=
  "invalid_token"` (RFC 6750 §3).
- `POST /oauth2/introspect` (RFC 7662), as DVCQG's clients call it: `token=…&state=0`, the client
  authenticated like at the token endpoint; answers `active` and, for a live token,
  `client_id`, `exp`, `iat`, `sub`, `scope`. A province must check `client_id` is its own.
- `GET|POST /oidc/logout` (OIDC RP-Initiated Logout 1.0): revokes the client's tokens of the
  account `id_token_hint` names and, when `post_logout_redirect_uri` is exactly one the client
  registered, redirects there with `state`; an unregistered one is shown an error page (SSO-004)
  and never redirected to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from mock_portal._exchange import Exchange
from mock_portal.sso._authorize import with_query
from mock_portal.sso._http import (
    NO_STORE,
    OAuthError,
    Params,
    client_credentials,
    invalid_request,
    json_response,
    oauth_error_response,
    query_string,
    read_params,
    shown,
    shown_unreadable,
)
from mock_portal.sso._journaling import (
    DISCOVERY_KIND,
    INTROSPECT_KIND,
    JWKS_KIND,
    LOGOUT_KIND,
    USERINFO_KIND,
    form_params,
    journal,
    summary,
)
from mock_portal.sso._keys import ALGORITHM
from mock_portal.sso._pages import error_page, logged_out_page
from mock_portal.sso._paths import (
    AUTHORIZE_PATH,
    INTROSPECT_PATH,
    JWKS_PATH,
    LOGOUT_PATH,
    TOKEN_PATH,
    USERINFO_PATH,
)
from simulator.domain import LEVELS_OF_ASSURANCE

if TYPE_CHECKING:
    from mock_portal._portal import Portal

AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
CLAIMS = [
    "sub", "name", "family_name", "given_name", "birthdate", "gender", "email", "phone_number",
    "address", "acr", "auth_time", "nonce", "LoaiTaiKhoan", "SoCMND", "SoDinhDanh", "HoChieu",
    "MaSoThue", "MaSoDoanhNghiep", "TechID", "loAs",
]  # fmt: skip
_BEARER_REALM = 'Bearer realm="portalsim SSO"'


def discovery_document(issuer: str) -> dict[str, Any]:
    """The provider's metadata (OpenID Connect Discovery 1.0 §3)."""
    return {
        "issuer": issuer,
        "authorization_endpoint": issuer + AUTHORIZE_PATH,
        "token_endpoint": issuer + TOKEN_PATH,
        "userinfo_endpoint": issuer + USERINFO_PATH,
        "jwks_uri": issuer + JWKS_PATH,
        "introspection_endpoint": issuer + INTROSPECT_PATH,
        "end_session_endpoint": issuer + LOGOUT_PATH,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "phone", "address"],
        "claims_supported": CLAIMS,
        "acr_values_supported": list(LEVELS_OF_ASSURANCE),
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }


async def handle_discovery(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = DISCOVERY_KIND
    exchange.body = shown_unreadable(query_string(request))
    document = discovery_document(portal.sso.issuer(request))
    response = json_response(document, headers={"Cache-Control": "public, max-age=3600"})
    return await journal(portal, exchange, response, accepted=True)


async def handle_jwks(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = JWKS_KIND
    exchange.body = shown_unreadable(query_string(request))
    response = json_response(
        portal.sso.keys.jwks(), headers={"Cache-Control": "public, max-age=3600"}
    )
    return await journal(portal, exchange, response, accepted=True)


async def handle_userinfo(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = USERINFO_KIND
    exchange.body = shown_unreadable(query_string(request))
    try:
        claims = _userinfo(portal, request, exchange)
    except OAuthError as error:
        return await journal(portal, exchange, oauth_error_response(error), accepted=False)
    return await journal(portal, exchange, json_response(claims, headers=NO_STORE), accepted=True)


def _userinfo(portal: Portal, request: Request, exchange: Exchange) -> dict[str, Any]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise OAuthError(
            "invalid_request",
            "send the access token as Authorization: Bearer <token>",
            401,
            {"WWW-Authenticate": _BEARER_REALM},
        )
    sso = portal.sso
    grant = sso.store.sso.get_token(token)
    if grant is not None and grant.client_id in sso.clients:
        exchange.unit = sso.clients[grant.client_id].unit
    if grant is None or not grant.active(exchange.received_at):
        why = "unknown" if grant is None else "revoked" if grant.revoked_at else "expired"
        raise OAuthError(
            "invalid_token",
            f"the access token is {why}",
            401,
            {"WWW-Authenticate": f'{_BEARER_REALM}, error="invalid_token"'},
        )
    account = sso.account(grant.subject)
    if account is None:
        raise OAuthError(
            "invalid_token",
            "the token's account is no longer known",
            401,
            {"WWW-Authenticate": f'{_BEARER_REALM}, error="invalid_token"'},
        )
    return sso.userinfo(account)


async def handle_introspect(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = INTROSPECT_KIND
    params = await form_params(portal, request, exchange)
    if isinstance(params, Response):
        return params
    try:
        answer = _introspect(portal, request, exchange, params)
    except OAuthError as error:
        return await journal(portal, exchange, oauth_error_response(error), accepted=False)
    return await journal(portal, exchange, json_response(answer, headers=NO_STORE), accepted=True)


def _introspect(
    portal: Portal, request: Request, exchange: Exchange, params: Params
) -> dict[str, Any]:
    sso = portal.sso
    sso.authenticate(client_credentials(request, params), exchange)
    token = params.get("token")
    if token is None:
        raise invalid_request("token required")
    grant = sso.store.sso.get_token(token)
    if grant is None or not grant.active(exchange.received_at):
        return {"active": False}
    return {
        "active": True,
        "client_id": grant.client_id,
        "sub": grant.subject,
        "scope": grant.scope,
        "token_type": "Bearer",
        "exp": int(grant.expires_at.timestamp()),
        "iat": int(grant.issued_at.timestamp()),
        "iss": sso.issuer(request),
        "acr": grant.acr,
    }


async def handle_logout(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = LOGOUT_KIND
    raw, params = await read_params(request, portal.config.limits.max_body_bytes)
    if isinstance(params, OAuthError):
        exchange.body = shown_unreadable(raw)
        return await _logout_error(
            portal, exchange, params.error, params.description, params.status
        )
    exchange.body = shown(params)
    return await _logout(portal, exchange, params)


async def _logout(portal: Portal, exchange: Exchange, params: Params) -> Response:
    sso = portal.sso
    hint = params.get("id_token_hint")
    hinted = sso.subject_of(hint) if hint else None
    if hint and hinted is None:
        return await _logout_error(
            portal, exchange, "invalid_request", "id_token_hint is not an ID token of this portal"
        )
    client_id = params.get("client_id")
    if client_id and hinted and hinted[0] != client_id:
        return await _logout_error(
            portal, exchange, "invalid_request", "id_token_hint was issued to another client"
        )
    client_id = client_id or (hinted[0] if hinted else None)
    client = sso.clients.get(client_id) if client_id else None
    if client_id and client is None:
        sso.finding(exchange, "SSO-006", "$.client_id", client_id, "unknown client_id")
        return await _logout_error(portal, exchange, "invalid_request", "unknown client_id")
    if client is not None:
        exchange.unit = client.unit
    target = params.get("post_logout_redirect_uri")
    if target is not None:
        if client is None:
            return await _logout_error(
                portal,
                exchange,
                "invalid_request",
                "post_logout_redirect_uri needs client_id or id_token_hint",
            )
        if target not in client.post_logout_redirect_uris:
            sso.finding(
                exchange,
                "SSO-004",
                "$.post_logout_redirect_uri",
                target,
                "post_logout_redirect_uri must be exactly one the client registered",
            )
            return await _logout_error(
                portal, exchange, "invalid_request", "post_logout_redirect_uri not registered"
            )
    if client is not None and hinted is not None:
        sso.store.sso.revoke_subject_tokens(client.client_id, hinted[1], exchange.received_at)
    if target is None:
        return await journal(
            portal,
            exchange,
            logged_out_page(),
            accepted=True,
            shown=summary(200, {"page": "logged-out"}),
        )
    location = with_query(target, state=params.get("state"))
    response = Response(
        status_code=302, headers={"Location": location, "Cache-Control": "no-store"}
    )
    return await journal(
        portal, exchange, response, accepted=True, shown=summary(302, {"redirect": location})
    )


async def _logout_error(
    portal: Portal, exchange: Exchange, error: str, description: str, status: int = 400
) -> Response:
    page = error_page(error, description, status)
    shown_page = summary(status, {"error": error, "error_description": description})
    return await journal(portal, exchange, page, accepted=False, shown=shown_page)
