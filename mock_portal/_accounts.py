"""Units' logins and sessions: hashed passwords, random tokens, throttling of repeated failures.

Real clients log in again every ten minutes or so and keep older tokens in use, so a new login
never ends the sessions an account already has.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from mock_portal.store import Store

# scrypt at n=2^14 costs ~15 ms a login: slow for guessing, cheap for a client logging in often.
_SCRYPT = {"n": 1 << 14, "r": 8, "p": 1}
_SESSION_CACHE_SIZE = 50_000


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    encoded = base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${encoded}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_text, digest_text = stored.split("$")
        salt = base64.b64decode(salt_text)
        expected = base64.b64decode(digest_text)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, dklen=len(expected), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(actual, expected)


class LoginRefused(Exception):
    def __init__(self, throttled: bool, message: str) -> None:
        super().__init__(message)
        self.throttled = throttled
        self.message = message


@dataclass(frozen=True, slots=True)
class Session:
    unit: str
    expires_at: datetime


class Accounts:
    """Logins and session look-ups over the store, with an in-process cache of live sessions."""

    def __init__(
        self,
        store: Store,
        *,
        session_lifetime: timedelta,
        max_failures: int,
        failure_window: timedelta,
    ) -> None:
        self._store = store
        self._lifetime = session_lifetime
        self._max_failures = max_failures
        self._window = failure_window
        self._sessions: dict[str, Session] = {}
        # Verified (user, password) pairs skip scrypt on the next login; keyed by a digest only.
        self._verified: dict[str, str] = {}

    def login(self, username: str, password: str, now: datetime) -> str:
        if self._store.login_failures_since(username, now - self._window) >= self._max_failures:
            raise LoginRefused(True, "quá nhiều lần đăng nhập sai; thử lại sau / too many failures")
        unit = self._store.get_unit(username)
        attempt = hashlib.sha256(f"{username}\0{password}".encode()).hexdigest()
        known = unit is not None and self._verified.get(username) == attempt + unit.password_hash
        if unit is None or not (known or verify_password(password, unit.password_hash)):
            self._store.record_login_failure(username, now)
            raise LoginRefused(
                False, "sai tên đăng nhập hoặc mật khẩu / wrong username or password"
            )
        self._verified[username] = attempt + unit.password_hash
        token = secrets.token_urlsafe(32)
        expires_at = now + self._lifetime
        self._store.create_session(token, unit.code, expires_at, now=now)
        self._remember(token, Session(unit.code, expires_at))
        return token

    def session_unit(self, token: str, now: datetime) -> str | None:
        cached = self._sessions.get(token)
        if cached is not None:
            if cached.expires_at > now:
                return cached.unit
            # The cache's trust has run out, not necessarily the session (one read from the
            # store is trusted for ten seconds only): ask the store again.
            del self._sessions[token]
        unit = self._store.session_unit(token, now)
        if unit is not None:
            # Sessions made by another worker process: trust it for ten seconds.
            self._remember(token, Session(unit, now + timedelta(seconds=10)))
        return unit

    def _remember(self, token: str, session: Session) -> None:
        if len(self._sessions) >= _SESSION_CACHE_SIZE:
            self._sessions.clear()
        self._sessions[token] = session
