"""Where the provider answers (DESIGN.md §3): stable, relative to the portal's root."""

from __future__ import annotations

DISCOVERY_PATH = "/.well-known/openid-configuration"
AUTHORIZE_PATH = "/oauth2/authorize"
TOKEN_PATH = "/oauth2/token"
USERINFO_PATH = "/oauth2/userinfo"
INTROSPECT_PATH = "/oauth2/introspect"
JWKS_PATH = "/oauth2/jwks"
LOGOUT_PATH = "/oidc/logout"

#: every path of the provider, in the order of a login
SSO_PATHS = (
    DISCOVERY_PATH,
    AUTHORIZE_PATH,
    TOKEN_PATH,
    USERINFO_PATH,
    INTROSPECT_PATH,
    JWKS_PATH,
    LOGOUT_PATH,
)
