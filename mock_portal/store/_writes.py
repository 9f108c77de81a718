"""`write_batch`: many messages, one transaction, a handful of statements.

Group commit is where the portal's throughput comes from: the cost of a durable commit (a WAL
write on SQLite, a WAL flush and fsync on PostgreSQL) is paid once per batch, not per message.
Within the batch every table gets a few multi-row INSERTs (`VALUES (…), (…), …`) rather than a
statement per row: rows are split into power-of-two chunks (37 rows: 32 + 4 + 1), so a batch is
a handful of statements whose texts repeat and stay in the drivers' statement caches. That
matters beyond the database's own work: the writer thread gives up Python's lock (the GIL) for
every statement SQLite steps, and must win it back from the busy event loop each time, so a
statement per row made a batch wait for the loop again and again. On PostgreSQL the whole
transaction runs in pipeline mode, so a batch costs two round trips (BEGIN with the id
reservation, then the inserts with COMMIT) whatever its size.

Journal ids are reserved before the insert, so findings, events and dossiers can point at their
message without a round trip per row: on SQLite the transaction holds the write lock (BEGIN
IMMEDIATE), so the next ids are simply the ones after the highest used; on PostgreSQL they are
drawn from the identity sequence, which is safe with several writer processes. Ids increase
within a batch, in record order; across concurrent PostgreSQL writers they are unique, but
commit order may differ from id order.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from mock_portal.store._database import Database
from mock_portal.store._json import clean_or_none, clean_text, dumps_text
from mock_portal.store._records import MessageRecord
from mock_portal.store._times import to_micros, to_micros_or_none

_JOURNAL = """INSERT INTO journal (id, received_at, unit, province, kind, method, path,
    headers, body, status_code, response, accepted, fault, finding_count) VALUES """
_JOURNAL_COLUMNS = 14

_DOSSIERS = """INSERT INTO dossiers (code, unit, province, status, procedure, applicant,
    received_at, due_at, last_event_at, has_extension, first_journal_id, updated_journal_id)
    VALUES """
_DOSSIER_COLUMNS = 12
# A dossier keeps the message that created it; a record without a province keeps the old one.
_DOSSIER_CONFLICT = """
    ON CONFLICT (code) DO UPDATE SET
        unit = excluded.unit,
        province = coalesce(excluded.province, dossiers.province),
        status = excluded.status,
        procedure = excluded.procedure,
        applicant = excluded.applicant,
        received_at = excluded.received_at,
        due_at = excluded.due_at,
        last_event_at = excluded.last_event_at,
        has_extension = excluded.has_extension,
        updated_journal_id = excluded.updated_journal_id"""

_EVENTS = """INSERT INTO dossier_events (dossier, journal_id, status, event_at, recorded_at)
    VALUES """
_EVENT_COLUMNS = 5

_FINDINGS = """INSERT INTO findings (journal_id, rule, severity, unit, province, path,
    value, hint, received_at) VALUES """
_FINDING_COLUMNS = 9

#: parameters per statement: under SQLite's historical default limit (999), so any build works
_MAX_PARAMETERS = 999

_SQLITE_NEXT_ID = """SELECT max(
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0),
    coalesce((SELECT max(id) FROM journal), 0))"""

_POSTGRESQL_NEXT_IDS = """SELECT nextval(pg_get_serial_sequence('journal', 'id'))
    FROM generate_series(1, ?)"""


def write_batch(db: Database, records: Sequence[MessageRecord]) -> list[int]:
    """Store every record of the batch in one transaction; returns their journal ids in order.

    If any row breaks a constraint, nothing of the batch is stored (`ConstraintError`).
    """
    if not records:
        return []
    # PostgreSQL: BEGIN and the id reservation in one round trip, the inserts and COMMIT in one.
    with db.pipelined_transaction():
        ids = _reserve_journal_ids(db, len(records))
        # Flat parameter lists, a row's values one after the other, as multi-row VALUES take them.
        journal: list[Any] = []
        dossiers: list[Any] = []
        events: list[Any] = []
        findings: list[Any] = []
        codes: set[str] = set()
        repeated_code = False
        for journal_id, record in zip(ids, records, strict=True):
            received_at = to_micros(record.received_at)
            unit = clean_or_none(record.unit)
            province = clean_or_none(record.province)
            journal += (
                journal_id,
                received_at,
                unit,
                province,
                clean_text(record.kind),
                clean_text(record.method),
                clean_text(record.path),
                dumps_text(dict(record.headers)),
                bytes(record.body),
                record.status_code,
                clean_text(record.response),
                int(record.accepted),
                clean_or_none(record.fault),
                len(record.findings),
            )
            for state in record.dossier_states:
                code = clean_text(state.code)
                repeated_code = repeated_code or code in codes
                codes.add(code)
                dossiers += (
                    code,
                    clean_text(state.unit),
                    province,
                    clean_text(state.status),
                    clean_text(state.procedure),
                    clean_text(state.applicant),
                    to_micros_or_none(state.received_at),
                    to_micros_or_none(state.due_at),
                    to_micros_or_none(state.last_event_at),
                    int(state.has_extension),
                    journal_id,
                    journal_id,
                )
            for event in record.events:
                events += (
                    clean_text(event.dossier),
                    journal_id,
                    clean_text(event.status),
                    to_micros(event.event_at),
                    received_at,
                )
            for finding in record.findings:
                findings += (
                    journal_id,
                    clean_text(finding.rule),
                    str(finding.severity),
                    unit,
                    province,
                    clean_text(finding.path),
                    dumps_text(finding.value),
                    clean_text(finding.hint),
                    received_at,
                )
        _insert(db, _JOURNAL, _JOURNAL_COLUMNS, journal)
        # dossiers before events: an event's foreign key needs its dossier
        if repeated_code:
            # One statement may not upsert a row twice (PostgreSQL refuses): a row at a time,
            # in record order, so the later state of a code wins as it should.
            _insert(db, _DOSSIERS, _DOSSIER_COLUMNS, dossiers, _DOSSIER_CONFLICT, most_rows=1)
        else:
            _insert(db, _DOSSIERS, _DOSSIER_COLUMNS, dossiers, _DOSSIER_CONFLICT)
        _insert(db, _EVENTS, _EVENT_COLUMNS, events)
        _insert(db, _FINDINGS, _FINDING_COLUMNS, findings)
    return ids


def _insert(
    db: Database,
    head: str,
    columns: int,
    values: list[Any],
    tail: str = "",
    *,
    most_rows: int | None = None,
) -> None:
    """INSERT the rows of `values` (flat, `columns` per row) with a few multi-row statements."""
    rows = len(values) // columns
    limit = most_rows or _MAX_PARAMETERS // columns
    start = 0
    while rows:
        # the largest power of two that fits both the rows left and the parameter limit
        chunk = 1 << (min(rows, limit).bit_length() - 1)
        end = start + chunk * columns
        db.executemany(_statement(head, columns, chunk, tail), (values[start:end],))
        start, rows = end, rows - chunk


@lru_cache(maxsize=256)
def _statement(head: str, columns: int, rows: int, tail: str) -> str:
    row = "(" + ", ".join("?" * columns) + ")"
    return head + ", ".join([row] * rows) + tail


def _reserve_journal_ids(db: Database, count: int) -> list[int]:
    if db.backend == "sqlite":
        last = int(db.scalar(_SQLITE_NEXT_ID))
        return list(range(last + 1, last + 1 + count))
    return sorted(int(row[0]) for row in db.query(_POSTGRESQL_NEXT_IDS, (count,)))
