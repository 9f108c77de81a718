"""Reading the store back whole, to check it: every dossier row, every status event, and the
structural checks `Store.integrity_check` runs beyond the database's own.

These reads exist for verification (after a crash, before trusting a database), not for the
request path: they walk whole tables, page by page, so memory stays at one page per query.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from contracts import DossierState
from mock_portal.store._database import Database
from mock_portal.store._errors import StoreError
from mock_portal.store._times import from_micros, from_micros_or_none

_PAGE = 1000


@dataclass(frozen=True, slots=True)
class StoredDossier:
    """A dossier row: the lifecycle state plus where it came from."""

    state: DossierState
    province: str | None
    #: the journal entry that created it, and the last one that changed it
    first_journal_id: int | None
    updated_journal_id: int | None


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A row of the status history, with the journal entry that caused it."""

    dossier: str
    journal_id: int
    status: str
    event_at: datetime
    recorded_at: datetime


_DOSSIER_PAGE = """SELECT code, unit, status, procedure, applicant, received_at, due_at,
    last_event_at, has_extension, province, first_journal_id, updated_journal_id
    FROM dossiers WHERE code > ? ORDER BY code LIMIT ?"""

_EVENT_PAGE = """SELECT id, dossier, journal_id, status, event_at, recorded_at
    FROM dossier_events WHERE id > ? ORDER BY id LIMIT ?"""


def iter_dossiers(db: Database) -> Iterator[StoredDossier]:
    """Every dossier, ordered by code (keyset pages: no long-lived cursor)."""
    last = ""
    while True:
        rows = db.query(_DOSSIER_PAGE, (last, _PAGE))
        for row in rows:
            state = DossierState(
                code=row[0],
                unit=row[1],
                status=row[2],
                procedure=row[3],
                applicant=row[4],
                received_at=from_micros_or_none(row[5]),
                due_at=from_micros_or_none(row[6]),
                last_event_at=from_micros_or_none(row[7]),
                has_extension=bool(row[8]),
            )
            yield StoredDossier(state, row[9], row[10], row[11])
        if len(rows) < _PAGE:
            return
        last = rows[-1][0]


def iter_events(db: Database) -> Iterator[StoredEvent]:
    """Every status event, in insertion (id) order."""
    last = 0
    while True:
        rows = db.query(_EVENT_PAGE, (last, _PAGE))
        for _id, dossier, journal_id, status, event_at, recorded_at in rows:
            yield StoredEvent(
                dossier, int(journal_id), status, from_micros(event_at), from_micros(recorded_at)
            )
        if len(rows) < _PAGE:
            return
        last = int(rows[-1][0])


#: (what is wrong, a query counting the rows it is wrong for). SQLite's `foreign_key_check`
#: covers these there; PostgreSQL enforces them, so any row found means a disabled trigger,
#: a constraint dropped by hand or a damaged index, which is exactly what a check is for.
_ORPHANS = (
    (
        "findings point at a missing journal entry",
        "SELECT count(*) FROM findings f WHERE NOT EXISTS"
        " (SELECT 1 FROM journal j WHERE j.id = f.journal_id)",
    ),
    (
        "status events point at a missing dossier",
        "SELECT count(*) FROM dossier_events e WHERE NOT EXISTS"
        " (SELECT 1 FROM dossiers d WHERE d.code = e.dossier)",
    ),
    (
        "status events point at a missing journal entry",
        "SELECT count(*) FROM dossier_events e WHERE NOT EXISTS"
        " (SELECT 1 FROM journal j WHERE j.id = e.journal_id)",
    ),
    (
        "dossiers point at a missing journal entry",
        "SELECT count(*) FROM dossiers d WHERE (d.first_journal_id IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM journal j WHERE j.id = d.first_journal_id))"
        " OR (d.updated_journal_id IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM journal j WHERE j.id = d.updated_journal_id))",
    ),
    (
        "sessions belong to a missing unit",
        "SELECT count(*) FROM sessions s WHERE NOT EXISTS"
        " (SELECT 1 FROM units u WHERE u.code = s.unit)",
    ),
)


def postgresql_problems(db: Database) -> list[str]:
    """Orphan rows, constraints not validated, and (with the amcheck extension) damaged
    B-tree indexes, in the current schema of a PostgreSQL store."""
    problems = []
    for what, sql in _ORPHANS:
        count = int(db.scalar(sql))
        if count:
            problems.append(f"{count} {what}")
    unvalidated = db.query(
        "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c"
        " JOIN pg_namespace n ON n.oid = c.connamespace"
        " WHERE n.nspname = current_schema() AND NOT c.convalidated ORDER BY 1, 2"
    )
    problems += [f"constraint {name} on {table} is not validated" for table, name in unvalidated]
    problems += _amcheck_problems(db)
    return problems


def _amcheck_problems(db: Database) -> list[str]:
    """`bt_index_check` on every B-tree index of the schema, when amcheck is installed (it
    needs a superuser to install, so its absence is not a problem of the store)."""
    schema = db.scalar(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = 'amcheck'"
    )
    if schema is None:
        return []
    indexes = db.query(
        "SELECT i.indexrelid::regclass::text FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_am a ON a.oid = c.relam"
        " WHERE n.nspname = current_schema() AND a.amname = 'btree' ORDER BY 1"
    )
    check = '"' + str(schema).replace('"', '""') + '".bt_index_check'
    problems = []
    for (index,) in indexes:
        try:
            db.execute(f"SELECT {check}(?::regclass, true)", (index,))
        except StoreError as error:  # amcheck reports damage as an error
            problems.append(f"index {index}: {' '.join(str(error).split())}")
    return problems


def schema_version_problems(db: Database, latest: int) -> list[str]:
    """Each migration recorded exactly once, 1 to `latest` with no gap."""
    rows = db.query("SELECT version, count(*) FROM schema_version GROUP BY version ORDER BY 1")
    problems = [f"migration {version} recorded {n} times" for version, n in rows if n != 1]
    versions = [int(version) for version, _n in rows]
    if versions != list(range(1, latest + 1)):
        problems.append(f"migrations recorded: {versions}, expected 1 to {latest}")
    return problems
