"""The ASGI application: DVCQG's routes over a `Portal`.

Paths (stable, documented in the README and /openapi.json):
`POST /api/dvcqg/login`, `POST /api/dvcqg/integration`, `POST /api/dvcqg/share`, and the SSO
provider's (`mock_portal.sso.SSO_PATHS`: `/.well-known/openid-configuration`, `/oauth2/…`,
`/oidc/logout`), and the payment platform's (`mock_portal.payments`: `POST
/api/pay/createtransaction`, `POST /api/pay/transactiondetail`, the payer's page `/pay/{token}`),
and the operator dashboard's (`mock_portal.dashboard`: `/`, `/dashboard/…`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from mock_portal._login import handle_login
from mock_portal._portal import Portal
from mock_portal._routing import allow_header
from mock_portal._rpc import handle_rpc
from mock_portal.admin import create_admin_app
from mock_portal.dashboard import dashboard_routes
from mock_portal.docs import PortalPaths, docs_routes
from mock_portal.payments import payment_routes
from mock_portal.sso import sso_routes
from mock_portal.wire import ErrorCode, refusal

LOGIN_PATH = "/api/dvcqg/login"
INTEGRATION_PATH = "/api/dvcqg/integration"
SHARE_PATH = "/api/dvcqg/share"
ADMIN_PATH = "/admin"


def create_app(portal: Portal) -> Starlette:
    async def login(request: Request) -> Response:
        return await handle_login(portal, request)

    async def integration(request: Request) -> Response:
        return await handle_rpc(portal, request, "integration")

    async def share(request: Request) -> Response:
        return await handle_rpc(portal, request, "share")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        portal.start()
        try:
            yield
        finally:
            portal.close()

    app = Starlette(
        routes=[
            Route(LOGIN_PATH, login, methods=["POST"]),
            Route(INTEGRATION_PATH, integration, methods=["POST"]),
            Route(SHARE_PATH, share, methods=["POST"]),
            *sso_routes(portal),
            *payment_routes(portal),
            _whole_mount(ADMIN_PATH, create_admin_app(portal)),
            *dashboard_routes(portal),
            *docs_routes(portal.profile, PortalPaths(LOGIN_PATH, INTEGRATION_PATH, SHARE_PATH)),
        ],
        lifespan=lifespan,
        exception_handlers={404: _not_found, 405: _not_allowed, 500: _internal},
    )
    app.state.portal = portal
    # Real clients turn a redirected POST into a GET: never redirect a trailing slash.
    app.router.redirect_slashes = False
    return app


def _whole_mount(path: str, app: ASGIApp) -> Mount:
    """A Mount that takes every path under `path`: Starlette's `{path:path}` is `.*`, which stops
    at a newline, so `/admin/faults/a%0Ab` would fall through to the portal's own 404 and
    miss the operator API's token check and error body."""
    mount = Mount(path, app=app)
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    return mount


async def _not_found(request: Request, exc: Exception) -> Response:
    return refusal(ErrorCode.UNKNOWN_SERVICE, f"no such path: {request.url.path}", status=404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return refusal(
        ErrorCode.UNKNOWN_SERVICE,
        f"{request.method} is not allowed here",
        status=405,
        headers=allow_header(request),
    )


async def _internal(request: Request, exc: Exception) -> Response:
    return refusal(ErrorCode.UNAVAILABLE, "internal error of the mock portal", status=500)
