"""Units, sessions and login throttling: who may talk to the portal.

Sessions are looked up by the SHA-256 of the token; the token itself is never stored, so a copy
of the database (a CI artefact, a bug report) grants no access to a running portal.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from mock_portal.store._database import Database, Row
from mock_portal.store._json import clean_text
from mock_portal.store._records import Unit
from mock_portal.store._times import from_micros, to_micros

_UPSERT_UNIT = """INSERT INTO units (code, name, province, parent, password_hash, callback_url,
    created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (code) DO UPDATE SET
        name = excluded.name,
        province = excluded.province,
        parent = excluded.parent,
        password_hash = excluded.password_hash,
        callback_url = excluded.callback_url"""

_UNIT_COLUMNS = "code, name, province, parent, password_hash, callback_url, created_at"


def token_hash(token: str) -> str:
    """The hex SHA-256 under which a token is stored: sessions, the operator's, viewers'."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def upsert_unit(db: Database, unit: Unit) -> None:
    """Provision or update a unit; an existing unit keeps its `created_at`."""
    created_at = unit.created_at or datetime.now(UTC)
    with db.transaction():
        db.execute(
            _UPSERT_UNIT,
            (
                unit.code,
                unit.name,
                unit.province,
                unit.parent,
                unit.password_hash,
                unit.callback_url,
                to_micros(created_at),
            ),
        )


def get_unit(db: Database, code: str) -> Unit | None:
    row = db.query_one(f"SELECT {_UNIT_COLUMNS} FROM units WHERE code = ?", (code,))
    return None if row is None else _unit(row)


def list_units(db: Database) -> list[Unit]:
    return [_unit(row) for row in db.query(f"SELECT {_UNIT_COLUMNS} FROM units ORDER BY code")]


def _unit(row: Row) -> Unit:
    return Unit(
        code=row[0],
        name=row[1],
        province=row[2],
        parent=row[3],
        password_hash=row[4],
        callback_url=row[5],
        created_at=from_micros(row[6]),
    )


def create_session(
    db: Database, token: str, unit: str, expires_at: datetime, created_at: datetime
) -> None:
    """Store a session; an unknown unit or a reused token is a `ConstraintError`."""
    with db.transaction():
        db.execute(
            "INSERT INTO sessions (token_hash, unit, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (token_hash(token), unit, to_micros(created_at), to_micros(expires_at)),
        )


def session_unit(db: Database, token: str, now: datetime) -> str | None:
    unit = db.scalar(
        "SELECT unit FROM sessions WHERE token_hash = ? AND expires_at > ?",
        (token_hash(token), to_micros(now)),
    )
    return None if unit is None else str(unit)


def end_session(db: Database, token: str) -> bool:
    with db.transaction():
        return db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),)) > 0


def purge_expired_sessions(db: Database, now: datetime) -> int:
    with db.transaction():
        return db.execute("DELETE FROM sessions WHERE expires_at <= ?", (to_micros(now),))


def record_login_failure(db: Database, username: str, at: datetime) -> None:
    with db.transaction():
        db.execute(
            "INSERT INTO login_failures (username, failed_at) VALUES (?, ?)",
            (clean_text(username), to_micros(at)),
        )


def login_failures_since(db: Database, username: str, since: datetime) -> int:
    return int(
        db.scalar(
            "SELECT count(*) FROM login_failures WHERE username = ? AND failed_at >= ?",
            (clean_text(username), to_micros(since)),
        )
    )


def clear_login_failures(db: Database, username: str) -> int:
    with db.transaction():
        return db.execute("DELETE FROM login_failures WHERE username = ?", (clean_text(username),))


def purge_login_failures(db: Database, before: datetime) -> int:
    with db.transaction():
        return db.execute("DELETE FROM login_failures WHERE failed_at < ?", (to_micros(before),))
