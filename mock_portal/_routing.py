"""What the routing of an app knows about a path: the methods served there, for a 405's `Allow`.

Starlette answers a 405 with the methods of the first route whose path matched, but a path may
be served by several routes (`GET /pay/{token}` and `POST /pay/{token}` are two), and RFC 9110
§15.5.6 asks for all of them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Match, Route


def allow_header(request: Request) -> dict[str, str] | None:
    """`{"Allow": "GET, HEAD, POST"}`: every method of the app's routes at the request's path."""
    router = getattr(request.app, "router", None)
    methods: set[str] = set()
    for route in getattr(router, "routes", ()):
        if isinstance(route, Route) and route.methods:
            match, _child = route.matches(request.scope)
            if match is not Match.NONE:
                methods |= route.methods
    return {"Allow": ", ".join(sorted(methods))} if methods else None
