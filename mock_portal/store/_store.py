"""`Store`: the mock portal's storage, one API over SQLite and PostgreSQL.

A `Store` is one connection (see `_database` for thread ownership). The portal opens one for its
writer thread, which alone calls `write_batch` (group commit), and one or more for reads; every
`Store.open` of the same file or server sees the others' committed data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, BinaryIO

from contracts import DossierState
from mock_portal.store import _accounts, _audit, _journal, _queries, _timeline
from mock_portal.store._audit import StoredDossier, StoredEvent
from mock_portal.store._database import BackendName, Database
from mock_portal.store._json import dumps_text, loads
from mock_portal.store._migrations import LATEST_VERSION, current_version, migrate
from mock_portal.store._payments import PaymentTables
from mock_portal.store._records import (
    DossierEvent,
    FindingRow,
    JournalEntry,
    MessageRecord,
    ProvinceSummary,
    Unit,
)
from mock_portal.store._sso import SsoTables
from mock_portal.store._times import to_micros
from mock_portal.store._writes import write_batch

_RUN_TABLES = ("findings", "dossier_events", "dossiers", "journal", "sessions", "login_failures")
#: the SSO provider's run data (its signing keys stay, like settings)
_SSO_RUN_TABLES = ("sso_tokens", "sso_codes")
#: the payment platform's run data (attempts before the transactions they belong to)
_PAYMENT_RUN_TABLES = ("payment_callbacks", "payment_transactions")


class Store:
    """The portal's units, sessions, dossiers, journal and findings, in one database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect to `url` (a path, sqlite:///…, :memory:, postgresql://…); `StoreError` if not."""
        return cls(Database.open(url))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def backend(self) -> BackendName:
        return self._db.backend

    @property
    def url(self) -> str:
        """The database URL, password masked."""
        return self._db.url

    # schema -------------------------------------------------------------------------------

    def migrate(self) -> int:
        """Bring the schema up to date (idempotent, safe to race); returns its version."""
        return migrate(self._db)

    def schema_version(self) -> int:
        return current_version(self._db)

    def integrity_check(self) -> list[str]:
        """Problems found in the database; empty when all is well.

        Both backends: the schema at the latest version with each migration recorded once, and
        every journal entry's finding count matching its findings. SQLite: `PRAGMA
        integrity_check` and `foreign_key_check`. PostgreSQL: no orphan rows, every constraint
        validated, and `bt_index_check` on every index when the amcheck extension is installed.
        Whether dossiers agree with the journal is `mock_portal.replay.verify_store`.
        """
        problems: list[str] = []
        version = current_version(self._db)
        if version != LATEST_VERSION:
            problems.append(f"schema version is {version}, expected {LATEST_VERSION}")
            return problems
        problems += _audit.schema_version_problems(self._db, LATEST_VERSION)
        if self._db.backend == "sqlite":
            rows = self._db.query("PRAGMA integrity_check")
            problems += [str(row[0]) for row in rows if row[0] != "ok"]
            for table, rowid, parent, _ in self._db.query("PRAGMA foreign_key_check"):
                problems.append(f"{table} row {rowid} points at a missing {parent} row")
        else:
            problems += _audit.postgresql_problems(self._db)
        mismatched = self._db.query(
            "SELECT j.id, j.finding_count, coalesce(f.n, 0) FROM journal j"
            " LEFT JOIN (SELECT journal_id, count(*) AS n FROM findings GROUP BY journal_id) f"
            " ON f.journal_id = j.id WHERE j.finding_count <> coalesce(f.n, 0) ORDER BY j.id"
            " LIMIT 10"
        )
        problems += [f"journal {i} says {n} findings but has {m}" for i, n, m in mismatched]
        return problems

    # units, sessions, throttling ----------------------------------------------------------

    def upsert_unit(self, unit: Unit) -> None:
        _accounts.upsert_unit(self._db, unit)

    def get_unit(self, code: str) -> Unit | None:
        return _accounts.get_unit(self._db, code)

    def list_units(self) -> list[Unit]:
        return _accounts.list_units(self._db)

    def create_session(
        self, token: str, unit: str, expires_at: datetime, *, now: datetime | None = None
    ) -> None:
        """Remember a login; only the token's SHA-256 is stored."""
        _accounts.create_session(self._db, token, unit, expires_at, now or datetime.now(UTC))

    def session_unit(self, token: str, now: datetime) -> str | None:
        """The unit a live session belongs to; None for an unknown or expired token."""
        return _accounts.session_unit(self._db, token, now)

    def end_session(self, token: str) -> bool:
        """Log out; True when the session existed."""
        return _accounts.end_session(self._db, token)

    def purge_expired_sessions(self, now: datetime) -> int:
        return _accounts.purge_expired_sessions(self._db, now)

    def record_login_failure(self, username: str, at: datetime) -> None:
        _accounts.record_login_failure(self._db, username, at)

    def login_failures_since(self, username: str, since: datetime) -> int:
        return _accounts.login_failures_since(self._db, username, since)

    def clear_login_failures(self, username: str) -> int:
        return _accounts.clear_login_failures(self._db, username)

    def purge_login_failures(self, before: datetime) -> int:
        """Forget failures older than any throttling window, so the table stays small."""
        return _accounts.purge_login_failures(self._db, before)

    # messages -----------------------------------------------------------------------------

    def write_batch(self, records: Sequence[MessageRecord]) -> list[int]:
        """Journal, findings and dossier changes of every record in ONE transaction.

        Returns the journal ids in record order. All or nothing: on any error (a
        `ConstraintError` when a record breaks a constraint) nothing of the batch is stored.
        """
        return write_batch(self._db, records)

    def get_dossier(self, code: str) -> DossierState | None:
        return _queries.get_dossier(self._db, code)

    def dossier_owner(self, code: str) -> str | None:
        """The unit a dossier belongs to, None when the portal has never seen it."""
        owner = self._db.scalar("SELECT unit FROM dossiers WHERE code = ?", (code,))
        return None if owner is None else str(owner)

    def dossier_events(self, code: str) -> list[DossierEvent]:
        """A dossier's status history, oldest first."""
        return _queries.dossier_events(self._db, code)

    def iter_dossiers(self) -> Iterator[StoredDossier]:
        """Every dossier row, by code, for verification (`mock_portal.replay`)."""
        return _audit.iter_dossiers(self._db)

    def iter_dossier_events(self) -> Iterator[StoredEvent]:
        """Every status event with its journal entry, in insertion order, for verification."""
        return _audit.iter_events(self._db)

    # reports ------------------------------------------------------------------------------

    def findings(
        self,
        province: str | None = None,
        unit: str | None = None,
        rule: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        severity: str | None = None,
        journal_id: int | None = None,
    ) -> list[FindingRow]:
        """Findings matching every filter given, oldest first; `until` is exclusive."""
        return _queries.findings(
            self._db,
            province=province,
            unit=unit,
            rule=rule,
            severity=severity,
            journal_id=journal_id,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )

    def finding_counts(
        self,
        group_by: Sequence[str] = ("province", "rule"),
        *,
        province: str | None = None,
        unit: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        distinct_messages: bool = False,
    ) -> dict[tuple[str | None, ...], int]:
        """Finding counts keyed by the values of `group_by` (province, unit, rule, severity);
        with `distinct_messages`, the number of messages having such findings instead."""
        return _queries.finding_counts(
            self._db,
            tuple(group_by),
            province=province,
            unit=unit,
            since=since,
            until=until,
            distinct_messages=distinct_messages,
        )

    def message_counts(
        self,
        group_by: Sequence[str] = ("province",),
        *,
        rules: Sequence[str] | None = None,
        severity: str | None = None,
    ) -> dict[tuple[Any, ...], int]:
        """Journaled messages keyed by the values of `group_by` (province, unit, kind, fault,
        accepted); with `rules` or `severity`, only messages with at least one finding of those
        rules / that severity, each counted once. For scorecards, which judge messages."""
        return _queries.message_counts(self._db, tuple(group_by), rules=rules, severity=severity)

    def journal_count(
        self,
        province: str | None = None,
        unit: str | None = None,
        kind: str | None = None,
        accepted: bool | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        faulted: bool | None = None,
    ) -> int:
        """Journaled messages matching every filter given."""
        return _queries.journal_count(
            self._db,
            province=province,
            unit=unit,
            kind=kind,
            accepted=accepted,
            faulted=faulted,
            since=since,
            until=until,
        )

    def dossier_status_counts(self, province: str | None = None) -> dict[str, int]:
        return _queries.dossier_status_counts(self._db, province)

    def last_journal_id(self) -> int:
        """The newest journal entry's id, 0 when empty (live pages poll it)."""
        return _timeline.last_journal_id(self._db)

    def journal_timeline(
        self, province: str, points: int = 120
    ) -> tuple[datetime | None, int, list[tuple[int, str | None, int]]]:
        """A province's messages per time bucket and fault label (`_timeline`)."""
        return _timeline.journal_timeline(self._db, province, points)

    def province_summary(self) -> list[ProvinceSummary]:
        """Per-province aggregates, from one consistent snapshot."""
        return _queries.province_summary(self._db)

    def iter_journal(self, since_id: int = 0, batch: int = 1000) -> Iterator[JournalEntry]:
        """Stream the journal in id order, `batch` entries per query, findings attached."""
        return _journal.iter_journal(self._db, since_id, batch)

    def export_ndjson(self, out: BinaryIO, since_id: int = 0) -> int:
        """Write the journal NDJSON format (see `_journal`) to `out`; returns lines written."""
        return _journal.export_ndjson(self._db, out, since_id)

    # single sign-on ------------------------------------------------------------------------

    @property
    def sso(self) -> SsoTables:
        """The SSO provider's signing keys, authorization codes and access tokens."""
        return SsoTables(self._db)

    # payment platform -----------------------------------------------------------------------

    @property
    def payments(self) -> PaymentTables:
        """The payment platform's transactions and its attempts to confirm them."""
        return PaymentTables(self._db)

    # faults and settings ------------------------------------------------------------------

    def set_fault_profile(self, scope: str, profile: dict[str, Any]) -> None:
        """Inject faults for one unit (its code) or every unit ('*')."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO fault_profiles (scope, profile, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (scope) DO UPDATE SET"
                " profile = excluded.profile, updated_at = excluded.updated_at",
                (scope, dumps_text(profile), to_micros(datetime.now(UTC))),
            )

    def fault_profiles(self) -> dict[str, dict[str, Any]]:
        rows = self._db.query("SELECT scope, profile FROM fault_profiles ORDER BY scope")
        return {scope: loads(profile) for scope, profile in rows}

    def clear_fault_profile(self, scope: str) -> bool:
        with self._db.transaction():
            return self._db.execute("DELETE FROM fault_profiles WHERE scope = ?", (scope,)) > 0

    def get_setting(self, key: str) -> str | None:
        value = self._db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return None if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def reset(self, keep_units: bool = True) -> None:
        """Delete the run's data (journal, findings, dossiers, events, sessions, login failures,
        SSO codes and tokens, payment transactions and their callbacks) in one transaction;
        units too unless `keep_units`. Fault profiles, settings and the SSO signing keys stay.

        Journal ids are not reused afterwards, so exports of successive runs never collide.
        """
        tables = (
            _RUN_TABLES + _SSO_RUN_TABLES + _PAYMENT_RUN_TABLES + (() if keep_units else ("units",))
        )
        with self._db.transaction():
            for table in tables:
                self._db.execute(f"DELETE FROM {table}")
