"""The mock portal's OpenAPI document, generated from the contract, and its offline `/docs` page.

`mock_portal.app.create_app` mounts `docs_routes(profile, PortalPaths(...))` beside its routes;
`build_openapi` makes the same document without an app running (for tests and exports).
"""

from mock_portal.docs._document import PortalPaths, build_openapi
from mock_portal.docs._web import docs_routes

__all__ = ["PortalPaths", "build_openapi", "docs_routes"]
