"""The SSO provider's storage: signing keys, authorization codes and access tokens.

Codes and tokens are looked up by their SHA-256; the values themselves never reach the
database, so a copy of it (a CI artefact, a bug report) redeems no code and calls no userinfo.
Everything a worker process decides about a code or token is decided here, in the database, so
several processes behind one address agree: a code is redeemed once, by whichever process
commits first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mock_portal.store._accounts import token_hash
from mock_portal.store._database import Database, Row
from mock_portal.store._times import from_micros, from_micros_or_none, to_micros


@dataclass(frozen=True, slots=True)
class StoredKey:
    """A signing key as stored: the private half PKCS#8 PEM (encrypted or not), the public JWK."""

    kid: str
    slot: int
    algorithm: str
    private_key: str
    encrypted: bool
    public_jwk: str
    created_at: datetime

    def __repr__(self) -> str:  # the private key stays out of logs and tracebacks
        return f"StoredKey(kid={self.kid!r}, algorithm={self.algorithm!r})"


@dataclass(frozen=True, slots=True)
class AuthorizationCode:
    """What an authorization code stands for; `used_at` is set by its one redemption."""

    client_id: str
    redirect_uri: str
    subject: str
    scope: str
    nonce: str | None
    acr: str
    code_challenge: str | None
    auth_time: datetime
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AccessToken:
    """What an access token grants, and until when."""

    client_id: str
    subject: str
    scope: str
    acr: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


_CODE_COLUMNS = (
    "client_id, redirect_uri, subject, scope, nonce, acr, code_challenge, auth_time, created_at,"
    " expires_at, used_at"
)
_TOKEN_COLUMNS = "client_id, subject, scope, acr, issued_at, expires_at, revoked_at"


class SsoTables:
    """The SSO provider's rows in one database (see `_schema_sso` for the tables)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # keys -------------------------------------------------------------------------------------

    def signing_keys(self) -> list[StoredKey]:
        """Every key, by slot: the first one signs."""
        rows = self._db.query(
            "SELECT kid, slot, algorithm, private_key, encrypted, public_jwk, created_at"
            " FROM sso_keys ORDER BY slot"
        )
        return [
            StoredKey(row[0], row[1], row[2], row[3], bool(row[4]), row[5], from_micros(row[6]))
            for row in rows
        ]

    def add_signing_key(self, key: StoredKey) -> bool:
        """Keep a key unless its slot (or kid) is taken: two processes may race to make the
        first key, and the first to commit wins. True when this key was kept."""
        with self._db.transaction():
            return (
                self._db.execute(
                    "INSERT INTO sso_keys (kid, slot, algorithm, private_key, encrypted,"
                    " public_jwk, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (
                        key.kid,
                        key.slot,
                        key.algorithm,
                        key.private_key,
                        int(key.encrypted),
                        key.public_jwk,
                        to_micros(key.created_at),
                    ),
                )
                == 1
            )

    # codes ------------------------------------------------------------------------------------

    def save_code(self, code: str, grant: AuthorizationCode) -> None:
        with self._db.transaction():
            self._db.execute(
                f"INSERT INTO sso_codes (code_hash, {_CODE_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (
                    token_hash(code),
                    grant.client_id,
                    grant.redirect_uri,
                    grant.subject,
                    grant.scope,
                    grant.nonce,
                    grant.acr,
                    grant.code_challenge,
                    to_micros(grant.auth_time),
                    to_micros(grant.created_at),
                    to_micros(grant.expires_at),
                ),
            )

    def get_code(self, code: str) -> AuthorizationCode | None:
        row = self._db.query_one(
            f"SELECT {_CODE_COLUMNS} FROM sso_codes WHERE code_hash = ?", (token_hash(code),)
        )
        return None if row is None else _code(row)

    def redeem_code(self, code: str, now: datetime, token: str, grant: AccessToken) -> bool:
        """Mark the code used and store the access token it buys, in one transaction; False
        (and nothing stored) when the code was already used, by this process or another."""
        code_hash = token_hash(code)
        with self._db.transaction():
            won = self._db.execute(
                "UPDATE sso_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
                (to_micros(now), code_hash),
            )
            if won != 1:
                return False
            self._insert_token(token, grant, code_hash)
        return True

    def revoke_code_tokens(self, code: str, now: datetime) -> int:
        """Revoke every live token bought with `code` (it was replayed); how many were live."""
        with self._db.transaction():
            return self._db.execute(
                "UPDATE sso_tokens SET revoked_at = ? WHERE code_hash = ? AND revoked_at IS NULL",
                (to_micros(now), token_hash(code)),
            )

    # tokens -----------------------------------------------------------------------------------

    def _insert_token(self, token: str, grant: AccessToken, code_hash: str | None) -> None:
        self._db.execute(
            f"INSERT INTO sso_tokens (token_hash, code_hash, {_TOKEN_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (
                token_hash(token),
                code_hash,
                grant.client_id,
                grant.subject,
                grant.scope,
                grant.acr,
                to_micros(grant.issued_at),
                to_micros(grant.expires_at),
            ),
        )

    def get_token(self, token: str) -> AccessToken | None:
        row = self._db.query_one(
            f"SELECT {_TOKEN_COLUMNS} FROM sso_tokens WHERE token_hash = ?", (token_hash(token),)
        )
        return None if row is None else _token(row)

    def revoke_token(self, token: str, now: datetime) -> bool:
        with self._db.transaction():
            return (
                self._db.execute(
                    "UPDATE sso_tokens SET revoked_at = ? WHERE token_hash = ?"
                    " AND revoked_at IS NULL",
                    (to_micros(now), token_hash(token)),
                )
                > 0
            )

    def revoke_subject_tokens(self, client_id: str, subject: str, now: datetime) -> int:
        """Revoke a client's live tokens for one account (it logged out); how many."""
        with self._db.transaction():
            return self._db.execute(
                "UPDATE sso_tokens SET revoked_at = ? WHERE client_id = ? AND subject = ?"
                " AND revoked_at IS NULL",
                (to_micros(now), client_id, subject),
            )

    def purge(self, before: datetime) -> int:
        """Forget codes and tokens that expired before `before`; how many rows went."""
        cutoff = to_micros(before)
        with self._db.transaction():
            codes = self._db.execute("DELETE FROM sso_codes WHERE expires_at < ?", (cutoff,))
            tokens = self._db.execute("DELETE FROM sso_tokens WHERE expires_at < ?", (cutoff,))
        return codes + tokens


def _code(row: Row) -> AuthorizationCode:
    return AuthorizationCode(
        client_id=row[0],
        redirect_uri=row[1],
        subject=row[2],
        scope=row[3],
        nonce=row[4],
        acr=row[5],
        code_challenge=row[6],
        auth_time=from_micros(row[7]),
        created_at=from_micros(row[8]),
        expires_at=from_micros(row[9]),
        used_at=from_micros_or_none(row[10]),
    )


def _token(row: Row) -> AccessToken:
    return AccessToken(
        client_id=row[0],
        subject=row[1],
        scope=row[2],
        acr=row[3],
        issued_at=from_micros(row[4]),
        expires_at=from_micros(row[5]),
        revoked_at=from_micros_or_none(row[6]),
    )
