"""`GET /openapi.json` and `GET /docs`: the document, and a page that reads it with no internet.

The page and its script and style ship inside the package (`mock_portal/static/docs/`) and load
nothing from elsewhere: portals under test often run on networks without internet access, and a
documentation page that pulls its renderer from a CDN would be blank there. The page's
Content-Security-Policy holds it to its own origin, so a stray external URL fails loudly in the
browser instead of leaking requests.

The document is generated on the first request, from the routes the app has by then (so routes
mounted after these are documented too), and kept for the app's lifetime.
"""

from __future__ import annotations

from importlib import resources

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts import Profile
from mock_portal.docs._document import PortalPaths, build_openapi
from mock_portal.wire import JSON_MEDIA_TYPE

OPENAPI_PATH = "/openapi.json"
DOCS_PATH = "/docs"
#: the page's assets by name, with their media types
ASSETS = {
    "docs.js": "text/javascript; charset=utf-8",
    "docs.css": "text/css; charset=utf-8",
}
PAGE = "index.html"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def docs_routes(profile: Profile, paths: PortalPaths) -> list[Route]:
    """Routes serving the OpenAPI document of the app they are mounted in, and its page.

    Each call makes its own cache: one document per app.
    """
    cached: list[bytes] = []
    page = _static(PAGE)
    assets = {name: _static(name) for name in ASSETS}

    async def openapi_json(request: Request) -> Response:
        if not cached:
            cached.append(orjson.dumps(build_openapi(profile, request.app.routes, paths)))
        return Response(cached[0], media_type=JSON_MEDIA_TYPE)

    async def docs_page(_request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)

    async def docs_asset(request: Request) -> Response:
        name = request.path_params["asset"]
        if name not in assets:
            raise HTTPException(status_code=404)
        return Response(
            assets[name], media_type=ASSETS[name], headers={"X-Content-Type-Options": "nosniff"}
        )

    return [
        Route(OPENAPI_PATH, openapi_json, methods=["GET"], include_in_schema=False),
        Route(DOCS_PATH, docs_page, methods=["GET"], include_in_schema=False),
        Route(DOCS_PATH + "/{asset}", docs_asset, methods=["GET"], include_in_schema=False),
    ]


def _static(name: str) -> bytes:
    """A file of the page, read from the package (so it works from a wheel or a zip too)."""
    folder = resources.files("mock_portal").joinpath("static").joinpath("docs")
    return folder.joinpath(name).read_bytes()
