"""The app's routes as the OpenAPI document sees them: flattened, in OpenAPI's path syntax.

The document is built from the routes the app really has, so a route added later (the
operator API under /admin, say) is documented without anyone remembering to: known DVCQG
endpoints get their contract-backed operations, any other route a generic one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.convertors import Convertor, FloatConvertor, IntegerConvertor, UUIDConvertor
from starlette.routing import BaseRoute, Mount, Route

_PARAMETER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z_]+)?}")


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """One documented route: its path (`{name}` parameters), methods, and endpoint."""

    path: str
    methods: tuple[str, ...]
    parameters: dict[str, dict[str, Any]]
    endpoint: Callable[..., Any] | None


def api_routes(
    routes: Sequence[BaseRoute],
    prefix: str = "",
    outer: dict[str, Convertor[Any]] | None = None,
) -> Iterator[ApiRoute]:
    """Every HTTP route of `routes` (mounts walked), but those marked `include_in_schema=False`.

    HEAD is left out: Starlette adds it to every GET route, it is not an operation of its own.
    """
    outer = outer or {}
    for route in routes:
        if isinstance(route, Route):
            if not route.include_in_schema:
                continue
            methods = sorted((route.methods or {"GET"}) - {"HEAD"})
            yield ApiRoute(
                path=_PARAMETER.sub(r"{\1}", prefix + route.path),
                methods=tuple(methods),
                parameters=_parameters(prefix + route.path, outer | route.param_convertors),
                endpoint=route.endpoint,
            )
        elif isinstance(route, Mount):
            yield from api_routes(
                _mounted_routes(route), prefix + route.path, outer | route.param_convertors
            )


def _mounted_routes(mount: Mount) -> Sequence[BaseRoute]:
    """The routes of a mounted app, seen through middleware wrapped around it.

    Starlette apps and routers expose `routes`; a middleware keeps the app it wraps as `.app`
    (Starlette's convention). A mounted app that shows neither (static files, say) has no
    operations to document.
    """
    if mount.routes:
        return mount.routes
    app: Any = mount.app
    seen: set[int] = set()
    while app is not None and id(app) not in seen:
        seen.add(id(app))
        routes = getattr(app, "routes", None)
        if isinstance(routes, list | tuple) and routes:
            return routes
        app = getattr(app, "app", None)
    return []


def _parameters(path: str, convertors: dict[str, Convertor[Any]]) -> dict[str, dict[str, Any]]:
    """The JSON Schema of each path parameter, as its Starlette convertor reads it."""
    return {name: _parameter_schema(convertors.get(name)) for name in _PARAMETER.findall(path)}


def _parameter_schema(convertor: Convertor[Any] | None) -> dict[str, Any]:
    if isinstance(convertor, IntegerConvertor):
        return {"type": "integer", "minimum": 0}
    if isinstance(convertor, FloatConvertor):
        return {"type": "number", "minimum": 0}
    if isinstance(convertor, UUIDConvertor):
        return {"type": "string", "format": "uuid"}
    return {"type": "string"}
