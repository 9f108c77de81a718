"""The operator dashboard: the national view, province, rule and message pages, live.

`dashboard_routes(portal)` are added to the portal's app (`/`, `/dashboard/…`);
`viewer_token_routes(portal)` to the operator API (`/admin/viewer-tokens`). See
docs/dashboard.md. Pages are built from the shared components of `mock_portal.ui`.
"""

from __future__ import annotations

from mock_portal.dashboard._access import COOKIE_NAME, Access, Visitor
from mock_portal.dashboard._admin import viewer_token_routes
from mock_portal.dashboard._routes import (
    CONTENT_SECURITY_POLICY,
    EVENTS_PATH,
    LOGIN_PATH,
    dashboard_routes,
)

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "COOKIE_NAME",
    "EVENTS_PATH",
    "LOGIN_PATH",
    "Access",
    "Visitor",
    "dashboard_routes",
    "viewer_token_routes",
]
