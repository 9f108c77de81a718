"""Who may see the dashboard: the operator token, or a read-only viewer token, and the cookie.

A viewer token opens the dashboard and nothing else: the operator API under `/admin` checks
the operator token only, so a viewer can read pages but never provision, inject faults or
reset. Viewer tokens come from the configuration (`viewer_token`, id `config`) or from the
operator API (`POST /admin/viewer-tokens`); only their SHA-256 is kept, in the setting
`dashboard_viewer_tokens`, so every worker process sees an issue or a revocation at once.

A browser exchanges a token once (`/?token=…` or the form at `/dashboard/login`) for the cookie
`portalsim_dashboard`: HttpOnly (no script reads it), SameSite=Strict (no other site's page
sends it), signed with a key kept in the setting `dashboard_cookie_key`, valid 12 hours. The
cookie names the token it came from (a viewer token's id, or the operator token's digest), so
revoking the token or changing the operator token ends the sessions opened with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import orjson
from starlette.requests import HTTPConnection

from mock_portal._portal import OPERATOR_TOKEN_SETTING, Portal
from mock_portal.store import Store, StoreError, token_hash

VIEWER_TOKENS_SETTING = "dashboard_viewer_tokens"
COOKIE_KEY_SETTING = "dashboard_cookie_key"
COOKIE_NAME = "portalsim_dashboard"
COOKIE_LIFETIME = timedelta(hours=12)
CONFIG_TOKEN_ID = "config"
MIN_TOKEN_LENGTH = 16

Role = Literal["operator", "viewer"]


@dataclass(frozen=True, slots=True)
class Visitor:
    role: Role
    #: the viewer token's id, or the first 16 hex digits of the operator token's digest
    token_id: str


class Access:
    """Checks tokens and cookies against the store's settings."""

    def __init__(self, portal: Portal) -> None:
        self._portal = portal

    @property
    def _store(self) -> Store:
        return self._portal.store

    # viewer tokens ------------------------------------------------------------------------

    def viewer_tokens(self) -> dict[str, dict[str, Any]]:
        text = self._store.get_setting(VIEWER_TOKENS_SETTING)
        data = orjson.loads(text) if text else {}
        return data if isinstance(data, dict) else {}

    def _save(self, tokens: dict[str, dict[str, Any]]) -> None:
        self._store.set_setting(VIEWER_TOKENS_SETTING, orjson.dumps(tokens).decode())

    def issue(self, label: str, now: datetime, token: str | None = None) -> tuple[str, str]:
        """A new viewer token (random unless given) and its id; only its digest is kept."""
        token = token or secrets.token_urlsafe(32)
        token_id = secrets.token_hex(4)
        tokens = self.viewer_tokens()
        tokens[token_id] = {
            "sha256": token_hash(token),
            "label": label,
            "created_at": now.isoformat(),
        }
        self._save(tokens)
        return token_id, token

    def install_config_token(self, token: str | None, now: datetime) -> None:
        """The configuration's `viewer_token` under the id `config` (replaced, or removed when
        the configuration no longer has one)."""
        tokens = self.viewer_tokens()
        if token is None:
            if tokens.pop(CONFIG_TOKEN_ID, None) is not None:
                self._save(tokens)
            return
        entry = tokens.get(CONFIG_TOKEN_ID)
        if entry is not None and entry.get("sha256") == token_hash(token):
            return
        tokens[CONFIG_TOKEN_ID] = {
            "sha256": token_hash(token),
            "label": "viewer_token (configuration)",
            "created_at": now.isoformat(),
        }
        self._save(tokens)

    def revoke(self, token_id: str) -> bool:
        tokens = self.viewer_tokens()
        if tokens.pop(token_id, None) is None:
            return False
        self._save(tokens)
        return True

    # checking -----------------------------------------------------------------------------

    def _operator_digest(self) -> str | None:
        value = self._store.get_setting(OPERATOR_TOKEN_SETTING)
        return value if isinstance(value, str) else None

    def visitor_of_token(self, token: str) -> Visitor | None:
        """Whose token this is: the operator's, a viewer's, or nobody's (None)."""
        token = token.strip()
        if not token:
            return None
        digest = token_hash(token)
        try:
            operator = self._operator_digest()
            viewers = self.viewer_tokens()
        except StoreError:
            return None
        if operator is not None and hmac.compare_digest(digest, operator):
            return Visitor("operator", operator[:16])
        for token_id, entry in viewers.items():
            expected = entry.get("sha256")
            if isinstance(expected, str) and hmac.compare_digest(digest, expected):
                return Visitor("viewer", token_id)
        return None

    def visitor(self, connection: HTTPConnection) -> Visitor | None:
        """The visitor of a request: its bearer token, else its dashboard cookie."""
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return self.visitor_of_token(token)
        cookie = connection.cookies.get(COOKIE_NAME)
        return self._visitor_of_cookie(cookie, self._portal.clock()) if cookie else None

    # the cookie -----------------------------------------------------------------------------

    def _key(self) -> bytes:
        key = self._store.get_setting(COOKIE_KEY_SETTING)
        if key is None:
            key = secrets.token_hex(32)
            self._store.set_setting(COOKIE_KEY_SETTING, key)
            # two processes may race to create it: whichever write landed last is the key
            key = self._store.get_setting(COOKIE_KEY_SETTING) or key
        return bytes.fromhex(key)

    def cookie_for(self, visitor: Visitor, now: datetime) -> str:
        expires = int((now + COOKIE_LIFETIME).timestamp())
        payload = base64.urlsafe_b64encode(
            orjson.dumps({"r": visitor.role, "t": visitor.token_id, "e": expires})
        ).decode()
        signature = hmac.new(self._key(), payload.encode(), hashlib.sha256).hexdigest()
        return f"{payload}.{signature}"

    def _visitor_of_cookie(self, cookie: str, now: datetime) -> Visitor | None:
        payload, _, signature = cookie.partition(".")
        try:
            expected = hmac.new(self._key(), payload.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature):
                return None
            data = orjson.loads(base64.urlsafe_b64decode(payload.encode()))
            role, token_id, expires = data["r"], data["t"], int(data["e"])
        except (ValueError, KeyError, TypeError, StoreError, orjson.JSONDecodeError):
            return None
        if expires < now.timestamp():
            return None
        try:
            if role == "operator":
                operator = self._operator_digest()
                valid = operator is not None and operator[:16] == token_id
            else:
                valid = role == "viewer" and token_id in self.viewer_tokens()
        except StoreError:
            return None
        return Visitor(role, token_id) if valid else None
