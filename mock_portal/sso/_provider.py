"""`SsoProvider`: the OpenID Connect provider's state and decisions, without HTTP.

It knows the registered clients (from the configuration), the population that can log in, the
signing key, the hostile modes, and the store's codes and tokens; the endpoints (`_authorize`,
`_token`, `_resources`) read requests, ask it, and journal what happened.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError, SecurityWarning
from starlette.requests import Request

from contracts import Finding, RuleRegistry
from mock_portal._exchange import Exchange
from mock_portal.config import PortalConfig, SsoClient
from mock_portal.sso._hostile import HostileModes
from mock_portal.sso._http import BASIC_CHALLENGE, ClientCredentials, OAuthError, same_secret
from mock_portal.sso._keys import ALGORITHM, SigningKeys
from mock_portal.store import AccessToken, AuthorizationCode, Store
from simulator.domain import LEVELS_OF_ASSURANCE, Account, Population, bundled_population

#: the audience of ID tokens in hostile mode `wrong-audience`: no client's id
WRONG_AUDIENCE = "portalsim-hostile-audience"
#: how often (issued codes) each process forgets long-expired codes and tokens
_PURGE_EVERY = 256
_PURGE_AFTER = timedelta(days=1)


def level_rank(level: str | None) -> int:
    """0 for LoA1 … 2 for LoA3; -1 for anything else."""
    return LEVELS_OF_ASSURANCE.index(level) if level in LEVELS_OF_ASSURANCE else -1


def s256(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def half_hash(token: str) -> str:
    """`at_hash` of an access token for RS256: the left half of its SHA-256, base64url
    (OpenID Connect Core §3.1.3.6)."""
    digest = hashlib.sha256(token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


class SsoProvider:
    """The provider's clients, accounts, keys and hostile modes over one store."""

    def __init__(
        self,
        store: Store,
        config: PortalConfig,
        rules: RuleRegistry,
        clock: Callable[[], datetime],
        *,
        population: Population | None = None,
    ) -> None:
        self.clients: dict[str, SsoClient] = {c.client_id: c for c in config.sso_clients}
        self.settings = config.sso
        self.population = population or bundled_population()
        self.hostile = HostileModes(store)
        self.store = store
        self._rules = rules
        self._clock = clock
        self._issued = 0
        # Make or read the key now when clients are registered, so that a wrong passphrase
        # stops the portal at start rather than at the first login. Without clients nobody can
        # log in: the key is made when first asked for (a test portal pays nothing for it).
        self._keys = self._load_keys() if self.clients else None

    def _load_keys(self) -> SigningKeys:
        return SigningKeys.load(self.store.sso, self.settings.key_passphrase, self._clock())

    @property
    def keys(self) -> SigningKeys:
        if self._keys is None:
            self._keys = self._load_keys()
        return self._keys

    def issuer(self, request: Request) -> str:
        """The `iss` of ID tokens and discovery: configured, else the URL the request came to."""
        return self.settings.issuer or str(request.base_url).rstrip("/")

    # findings and clients ---------------------------------------------------------------------

    def finding(self, exchange: Exchange, rule: str, path: str, value: object, hint: str) -> None:
        """Record a relying-party finding on the exchange, with the rule's own severity."""
        severity = self._rules[rule].severity
        exchange.findings.append(Finding(rule, severity, 0, path, value, hint))

    def authenticate(self, credentials: ClientCredentials, exchange: Exchange) -> SsoClient:
        """The client the credentials prove; `invalid_client` (401, finding SSO-006) if none."""
        challenge = BASIC_CHALLENGE if credentials.method == "client_secret_basic" else {}
        client_id = credentials.client_id
        if not client_id:
            self.finding(exchange, "SSO-006", "$.client_id", None, "no client_id")
            raise OAuthError("invalid_client", "client authentication required", 401, challenge)
        client = self.clients.get(client_id)
        if client is None:
            self.finding(exchange, "SSO-006", "$.client_id", client_id, "unknown client_id")
            raise OAuthError("invalid_client", "unknown client", 401, challenge)
        exchange.unit = client.unit
        if credentials.secret is None:
            self.finding(exchange, "SSO-006", "$.client_secret", None, "no client_secret sent")
            raise OAuthError("invalid_client", "client_secret required", 401, challenge)
        if not same_secret(credentials.secret, client.client_secret):
            self.finding(exchange, "SSO-006", "$.client_secret", "***", "wrong client_secret")
            raise OAuthError("invalid_client", "client authentication failed", 401, challenge)
        return client

    # codes ------------------------------------------------------------------------------------

    def issue_code(
        self,
        client: SsoClient,
        redirect_uri: str,
        account: Account,
        *,
        scope: str,
        nonce: str | None,
        acr: str,
        code_challenge: str | None,
        now: datetime,
    ) -> str:
        code = secrets.token_urlsafe(32)
        self.store.sso.save_code(
            code,
            AuthorizationCode(
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                subject=account.tech_id,
                scope=scope,
                nonce=nonce,
                acr=acr,
                code_challenge=code_challenge,
                auth_time=now,
                created_at=now,
                expires_at=now + self.settings.code_lifetime,
            ),
        )
        self._issued += 1
        if self._issued % _PURGE_EVERY == 0:
            self.store.sso.purge(now - _PURGE_AFTER)
        return code

    def granted_level(self, account: Account, requested: str | None) -> str:
        """The level the login reaches: the one asked for if the account has it, else the
        account's highest (the province must check `acr`); LoA1 when none was asked for."""
        if requested is None:
            return LEVELS_OF_ASSURANCE[0]
        return requested if requested in account.levels else account.highest_level

    # tokens -----------------------------------------------------------------------------------

    def check_verifier(self, grant: AuthorizationCode, verifier: str | None) -> str | None:
        """Why the PKCE verifier does not prove the code's challenge, or None when it does."""
        if grant.code_challenge is None:
            return "code_verifier sent, but the authorization request had no code_challenge"
        if verifier is None:
            return "code_verifier required: the authorization request had a code_challenge"
        if not 43 <= len(verifier) <= 128 or not verifier.isascii():
            return "code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)"
        if not hmac.compare_digest(s256(verifier), grant.code_challenge):
            return "code_verifier does not match the code_challenge (S256)"
        return None

    def access_token(self, grant: AuthorizationCode, now: datetime) -> tuple[str, AccessToken]:
        token = secrets.token_urlsafe(32)
        return token, AccessToken(
            client_id=grant.client_id,
            subject=grant.subject,
            scope=grant.scope,
            acr=grant.acr,
            issued_at=now,
            expires_at=now + self.settings.token_lifetime,
        )

    def id_token(
        self,
        issuer: str,
        grant: AuthorizationCode,
        access_token: str,
        now: datetime,
        hostile: str | None = None,
    ) -> str:
        """The signed ID token for a redeemed code, spoilt as the hostile mode says."""
        issued = int(now.timestamp())
        lifetime = int(self.settings.token_lifetime.total_seconds())
        claims: dict[str, Any] = {
            "iss": issuer,
            "sub": grant.subject,
            "aud": grant.client_id,
            "azp": grant.client_id,
            "exp": issued + lifetime,
            "iat": issued,
            "auth_time": int(grant.auth_time.timestamp()),
            "acr": grant.acr,
            "at_hash": half_hash(access_token),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        if hostile == "wrong-audience":
            claims["aud"] = claims["azp"] = WRONG_AUDIENCE
        elif hostile == "expired":
            claims["exp"] = issued - 300
            claims["iat"] = claims["auth_time"] = issued - 300 - lifetime
        elif hostile == "wrong-nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        keys = self.keys
        if hostile == "alg-none":
            with warnings.catch_warnings():
                # deliberately unsigned: joserfc warns that "none" is deprecated, rightly
                warnings.simplefilter("ignore", SecurityWarning)
                return jwt.encode(
                    {"alg": "none", "typ": "JWT"}, claims, keys.current, algorithms=["none"]
                )
        key = keys.rogue() if hostile == "bad-signature" else keys.current
        return jwt.encode(
            {"alg": ALGORITHM, "typ": "JWT", "kid": keys.kid}, claims, key, algorithms=[ALGORITHM]
        )

    def subject_of(self, token_text: str) -> tuple[str, str] | None:
        """(client_id, sub) of an ID token this provider signed (expired or not), else None."""
        try:
            token = jwt.decode(token_text, self.keys.current, algorithms=[ALGORITHM])
        except (JoseError, ValueError, TypeError):
            return None
        aud, sub = token.claims.get("aud"), token.claims.get("sub")
        if isinstance(aud, list) and len(aud) == 1:
            aud = aud[0]
        if not isinstance(aud, str) or not isinstance(sub, str):
            return None
        return aud, sub

    # accounts ---------------------------------------------------------------------------------

    def account(self, subject: str) -> Account | None:
        return self.population.find(subject)

    @staticmethod
    def userinfo(account: Account) -> dict[str, Any]:
        """The account's claims: DVCQG's (domain.md §5) and the standard ones (OIDC Core §5.1)."""
        claims: dict[str, Any] = {
            "sub": account.tech_id,
            "name": account.name,
        }
        if account.is_citizen:
            claims["family_name"] = account.family_name
            claims["given_name"] = account.given_name
        if account.birth_date is not None:
            claims["birthdate"] = account.birth_date.isoformat()
        if account.gender is not None:
            claims["gender"] = account.gender
        claims["email"] = account.email
        claims["phone_number"] = account.phone
        claims["address"] = {"formatted": account.address}
        claims.update(
            {
                "LoaiTaiKhoan": str(account.account_type),
                "SoCMND": account.legacy_id,
                "SoDinhDanh": account.citizen_id,
                "HoChieu": account.passport,
                "MaSoThue": account.tax_code,
                "MaSoDoanhNghiep": account.enterprise_code,
                "TechID": account.tech_id,
                "loAs": list(account.levels),
            }
        )
        return claims
