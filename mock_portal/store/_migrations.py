"""The schema, as numbered migrations applied in order and recorded in `schema_version`.

A migration is never edited once released: a change is a new migration appended to
`MIGRATIONS`. Each runs in its own transaction (DDL is transactional on both backends), so a
crash leaves the schema at a whole version. Two processes may start at once: on PostgreSQL an
advisory lock serialises them, on SQLite BEGIN IMMEDIATE does; the loser then sees the version
the winner recorded and skips it.

Conventions: times are BIGINT microseconds since the epoch, UTC; booleans are INTEGER 0/1; JSON
is TEXT; raw bytes are BLOB/BYTEA. `{serial_pk}` and `{blob}` are filled in from the dialect.

Tables (version 1):

- `units(code PK, name, province, parent, password_hash, callback_url, created_at)` — provisioned
  units (agencies) that may log in; `parent` is the unit above in the agency tree.
- `sessions(token_hash PK, unit → units, created_at, expires_at)` — login sessions; the SHA-256
  (hex) of the token is stored, never the token, so a copy of the database grants no access.
- `login_failures(username, failed_at)` — failed logins, counted over a window for throttling.
- `journal(id, received_at, unit, province, kind, method, path, headers, body, status_code,
  response, accepted, fault, finding_count)` — every inbound message: `headers` a JSON object,
  `body` the exact request bytes, `response` the answer's text, `fault` the label of a fault the
  portal injected on purpose (NULL when none), `finding_count` how many findings it has.
- `findings(id, journal_id → journal, rule, severity, unit, province, path, value, hint,
  received_at)` — conformance problems; unit, province and time are copied from the journal so
  reports filter and group without a join. `value` is JSON.
- `dossiers(code PK, unit, province, status, procedure, applicant, received_at, due_at,
  last_event_at, has_extension, first_journal_id → journal, updated_journal_id → journal)` —
  `contracts.DossierState` plus where it came from.
- `dossier_events(id, dossier → dossiers, journal_id → journal, status, event_at, recorded_at)` —
  the status history: `event_at` as the province stated it, `recorded_at` when it arrived.
- `fault_profiles(scope PK, profile, updated_at)` — fault injection per unit, or '*' for all;
  `profile` is JSON.
- `settings(key PK, value)` — small operator settings, e.g. the operator token's hash.

Version 2 adds the payment platform's `payment_transactions` and `payment_callbacks` (described
in `_schema_payments.py`).
Version 3 adds the single sign-on provider's `sso_keys`, `sso_codes` and `sso_tokens`
(described in `_schema_sso.py`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from mock_portal.store._database import Database
from mock_portal.store._errors import StoreError
from mock_portal.store._schema_payments import PAYMENT_STATEMENTS
from mock_portal.store._schema_sso import SSO_STATEMENTS
from mock_portal.store._times import to_micros


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    #: DDL templates, one statement each
    statements: tuple[str, ...]


_INITIAL = (
    """CREATE TABLE units (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        province TEXT NOT NULL,
        parent TEXT,
        password_hash TEXT NOT NULL,
        callback_url TEXT,
        created_at BIGINT NOT NULL
    )""",
    "CREATE INDEX units_province ON units (province)",
    """CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        unit TEXT NOT NULL REFERENCES units (code) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    )""",
    "CREATE INDEX sessions_unit ON sessions (unit)",
    "CREATE INDEX sessions_expires_at ON sessions (expires_at)",
    """CREATE TABLE login_failures (
        username TEXT NOT NULL,
        failed_at BIGINT NOT NULL
    )""",
    "CREATE INDEX login_failures_username ON login_failures (username, failed_at)",
    """CREATE TABLE journal (
        id {serial_pk},
        received_at BIGINT NOT NULL,
        unit TEXT,
        province TEXT,
        kind TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        headers TEXT NOT NULL,
        body {blob} NOT NULL,
        status_code INTEGER NOT NULL,
        response TEXT NOT NULL,
        accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
        fault TEXT,
        finding_count INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX journal_province_received_at ON journal (province, received_at)",
    "CREATE INDEX journal_unit ON journal (unit)",
    "CREATE INDEX journal_kind ON journal (kind)",
    """CREATE TABLE findings (
        id {serial_pk},
        journal_id BIGINT NOT NULL REFERENCES journal (id),
        rule TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
        unit TEXT,
        province TEXT,
        path TEXT NOT NULL,
        value TEXT NOT NULL,
        hint TEXT NOT NULL,
        received_at BIGINT NOT NULL
    )""",
    "CREATE INDEX findings_journal_id ON findings (journal_id)",
    "CREATE INDEX findings_province_rule ON findings (province, rule)",
    "CREATE INDEX findings_rule ON findings (rule)",
    "CREATE INDEX findings_unit ON findings (unit)",
    "CREATE INDEX findings_received_at ON findings (received_at)",
    """CREATE TABLE dossiers (
        code TEXT PRIMARY KEY,
        unit TEXT NOT NULL,
        province TEXT,
        status TEXT NOT NULL,
        procedure TEXT NOT NULL,
        applicant TEXT NOT NULL,
        received_at BIGINT,
        due_at BIGINT,
        last_event_at BIGINT,
        has_extension INTEGER NOT NULL DEFAULT 0 CHECK (has_extension IN (0, 1)),
        first_journal_id BIGINT REFERENCES journal (id),
        updated_journal_id BIGINT REFERENCES journal (id)
    )""",
    "CREATE INDEX dossiers_province_status ON dossiers (province, status)",
    "CREATE INDEX dossiers_unit ON dossiers (unit)",
    "CREATE INDEX dossiers_first_journal_id ON dossiers (first_journal_id)",
    "CREATE INDEX dossiers_updated_journal_id ON dossiers (updated_journal_id)",
    """CREATE TABLE dossier_events (
        id {serial_pk},
        dossier TEXT NOT NULL REFERENCES dossiers (code),
        journal_id BIGINT NOT NULL REFERENCES journal (id),
        status TEXT NOT NULL,
        event_at BIGINT NOT NULL,
        recorded_at BIGINT NOT NULL
    )""",
    "CREATE INDEX dossier_events_dossier ON dossier_events (dossier, event_at)",
    "CREATE INDEX dossier_events_journal_id ON dossier_events (journal_id)",
    """CREATE TABLE fault_profiles (
        scope TEXT PRIMARY KEY,
        profile TEXT NOT NULL,
        updated_at BIGINT NOT NULL
    )""",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _INITIAL),
    Migration(2, "payment platform", PAYMENT_STATEMENTS),
    Migration(3, "single sign-on", SSO_STATEMENTS),
)
LATEST_VERSION = MIGRATIONS[-1].version

#: every table the migrations create, children before parents (the order `reset` deletes in)
TABLES = (
    "findings",
    "dossier_events",
    "dossiers",
    "journal",
    "sessions",
    "login_failures",
    "units",
    "fault_profiles",
    "settings",
    "payment_callbacks",
    "payment_transactions",
    "sso_keys",
    "sso_codes",
    "sso_tokens",
)

_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)"""

# one key for every portalsim process sharing a PostgreSQL database
_LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"portalsim.store.migrate").digest()[:8], "big", signed=True
)


def current_version(db: Database) -> int:
    """The highest applied migration, 0 for an empty database."""
    if not _table_exists(db, "schema_version"):
        return 0
    return int(db.scalar("SELECT coalesce(max(version), 0) FROM schema_version"))


def migrate(db: Database) -> int:
    """Apply every missing migration, in order; idempotent. Returns the schema version."""
    for migration in MIGRATIONS:
        with db.transaction():
            if db.backend == "postgresql":
                db.execute("SELECT pg_advisory_xact_lock(?)", (_LOCK_KEY,))
            db.execute(_VERSION_TABLE)
            applied = int(db.scalar("SELECT coalesce(max(version), 0) FROM schema_version"))
            if applied > LATEST_VERSION:
                raise StoreError(
                    f"{db.url}: schema version {applied} is newer than this portalsim knows "
                    f"({LATEST_VERSION}); upgrade portalsim"
                )
            if applied >= migration.version:
                continue
            for template in migration.statements:
                db.execute(template.format(serial_pk=db.dialect.serial_pk, blob=db.dialect.blob))
            db.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, to_micros(datetime.now(UTC))),
            )
    return current_version(db)


def _table_exists(db: Database, name: str) -> bool:
    if db.backend == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = (
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?"
        )
    return bool(db.scalar(sql, (name,)))
