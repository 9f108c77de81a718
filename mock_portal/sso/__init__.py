"""The national portal's single sign-on: an OpenID Connect provider for provinces to test with.

DVCQG logs citizens and businesses in for the provinces' one-stop systems through a WSO2-style
OpenID Connect provider (domain.md §5). This one speaks the same protocol at the paths of
DESIGN.md §3: discovery, authorization (code flow, PKCE S256, `state`, `nonce`, `acr_values`
LoA1-LoA3), token (`client_secret_basic` or `client_secret_post`), userinfo with DVCQG's claims,
introspection (`token=…&state=0`), JWKS and RP-initiated logout. ID tokens are RS256 JWTs
signed with a key made once and kept in the store (joserfc does every JOSE operation).

Who logs in comes from `simulator.domain.bundled_population()`; a login page lets a person pick
an account, `login_hint` lets automation skip it. Every request is journaled (`sso-…` kinds,
secrets masked) with the relying party's findings (`SSO-` rules of the profile), attributed to
the province of the client. An operator can make the provider hostile (`_hostile`), so a test
plan can check that a province refuses bad ID tokens and forged redirects.
"""

from mock_portal.sso._hostile import ALL_CLIENTS, HOSTILE_MODES, HostileModes
from mock_portal.sso._journaling import KIND_PREFIX
from mock_portal.sso._paths import SSO_PATHS
from mock_portal.sso._provider import SsoProvider
from mock_portal.sso._routes import sso_routes

__all__ = [
    "ALL_CLIENTS",
    "HOSTILE_MODES",
    "KIND_PREFIX",
    "SSO_PATHS",
    "HostileModes",
    "SsoProvider",
    "sso_routes",
]
