"""Journaling the provider's exchanges through the portal's one journal and writer.

Each request is one journal row of kind `sso-<endpoint>`, attributed to the unit of the client
it names (so its findings count for that client's province), with its parameters as the body
(`_http.shown`: secrets masked). When the real answer carries secrets (codes, tokens) the row
keeps a masked copy of it instead; a redirect is kept as `{"redirect": "<location>"}` and a page
as a short JSON summary, with the status really sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from mock_portal.sso._http import (
    OAuthError,
    Params,
    json_response,
    oauth_error_response,
    parse_params,
    read_form,
    shown,
    shown_unreadable,
)
from mock_portal.store import StoreError

if TYPE_CHECKING:
    from mock_portal._exchange import Exchange
    from mock_portal._portal import Portal

DISCOVERY_KIND = "sso-discovery"
JWKS_KIND = "sso-jwks"
AUTHORIZE_KIND = "sso-authorize"
TOKEN_KIND = "sso-token"
USERINFO_KIND = "sso-userinfo"
INTROSPECT_KIND = "sso-introspect"
LOGOUT_KIND = "sso-logout"
#: what every SSO journal kind starts with (`portalsim validate` skips these exchanges)
KIND_PREFIX = "sso-"


def summary(
    status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    """A journal-only stand-in for an answer that is a page or a redirect."""
    return json_response(payload, status=status, headers=headers)


async def journal(
    portal: Portal,
    exchange: Exchange,
    response: Response,
    *,
    accepted: bool,
    shown: Response | None = None,
) -> Response:
    """Commit the exchange (with `shown` as its answer when given), then answer `response`;
    a store failure is answered 503 (`temporarily_unavailable`) and stores nothing."""
    if exchange.unit is not None and exchange.province is None:
        exchange.province = portal.province_of(exchange.unit)
    try:
        await portal.writer.write(exchange.record(shown or response, accepted=accepted))
    except StoreError:
        return oauth_error_response(
            OAuthError(
                "temporarily_unavailable",
                "the portal could not store the request; retry",
                status=503,
                headers={"Retry-After": "1"},
            )
        )
    return response


async def form_params(portal: Portal, request: Request, exchange: Exchange) -> Params | Response:
    """A back-channel POST's form (token, introspection), shown as the exchange's body (secrets
    masked); or, for a form that cannot be read, the journaled OAuth error to answer."""
    raw = b""
    try:
        raw = await read_form(request, portal.config.limits.max_body_bytes)
        params = parse_params(raw)
    except OAuthError as error:
        exchange.body = shown_unreadable(raw)
        return await journal(portal, exchange, oauth_error_response(error), accepted=False)
    exchange.body = shown(params)
    return params
