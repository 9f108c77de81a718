"""The provider's routes, to mount in the portal's app beside DVCQG's own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_portal.sso._authorize import handle_authorize
from mock_portal.sso._paths import (
    AUTHORIZE_PATH,
    DISCOVERY_PATH,
    INTROSPECT_PATH,
    JWKS_PATH,
    LOGOUT_PATH,
    TOKEN_PATH,
    USERINFO_PATH,
)
from mock_portal.sso._resources import (
    handle_discovery,
    handle_introspect,
    handle_jwks,
    handle_logout,
    handle_userinfo,
)
from mock_portal.sso._token import handle_token

if TYPE_CHECKING:
    from mock_portal._portal import Portal

Handler = Callable[["Portal", Request], Awaitable[Response]]

#: (path, handler, methods, summary): the summary names the route in the OpenAPI document
_TABLE: tuple[tuple[str, Handler, tuple[str, ...], str], ...] = (
    (DISCOVERY_PATH, handle_discovery, ("GET",), "OpenID Connect discovery"),
    (AUTHORIZE_PATH, handle_authorize, ("GET", "POST"), "Authorization (code flow)"),
    (TOKEN_PATH, handle_token, ("POST",), "Token"),
    (USERINFO_PATH, handle_userinfo, ("GET", "POST"), "UserInfo"),
    (INTROSPECT_PATH, handle_introspect, ("POST",), "Token introspection"),
    (JWKS_PATH, handle_jwks, ("GET",), "JSON Web Key Set"),
    (LOGOUT_PATH, handle_logout, ("GET", "POST"), "Logout (RP-initiated)"),
)


def sso_routes(portal: Portal) -> list[Route]:
    """The OpenID Connect provider's routes over `portal` (its `sso` provider, writer, clock)."""
    return [
        Route(path, _bind(portal, handler, summary), methods=list(methods))
        for path, handler, methods, summary in _TABLE
    ]


def _bind(
    portal: Portal, handler: Handler, summary: str
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await handler(portal, request)

    endpoint.__doc__ = summary
    endpoint.__name__ = handler.__name__.removeprefix("handle_")
    return endpoint
