"""`write_batch`: many messages, one transaction, one statement where it can.

Group commit is where the portal's throughput comes from: the cost of a durable commit (a WAL
write on SQLite, a WAL flush and fsync on PostgreSQL) is paid once per batch, not per message.

- PostgreSQL: the whole batch is one statement (`_batch_postgresql`), ids drawn from the
  journal's identity sequence within it, which is safe with several writer processes.
- SQLite: a connection's later batches are one statement too (`_inbox`). Its first batch, and
  any after a refusal, takes the careful path below: within the transaction every table gets
  multi-row `VALUES (…), (…), …` in power-of-two chunks (37 rows: 32 + 4 + 1), so the statement
  texts repeat and stay in the driver's statement cache. Beyond SQLite's own work this spares
  the writer thread Python's lock (the GIL): it gives it up for every statement SQLite steps and
  must win it back from the busy event loop each time, so a statement per row made a batch wait
  for the loop again and again.

Journal ids are reserved before the insert, so findings, events and dossiers can point at their
message without a round trip per row: the careful path's transaction holds SQLite's write lock
(BEGIN IMMEDIATE), so the next ids are simply the ones after the highest used. Ids increase
within a batch, in record order; across concurrent PostgreSQL writers they are unique, but
commit order may differ from id order.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

from mock_portal.store._batch_postgresql import write_postgresql_batch
from mock_portal.store._database import Database
from mock_portal.store._inbox import LAST_JOURNAL_ID, RecordRows, sqlite_inbox
from mock_portal.store._json import clean_or_none, clean_text, dumps_text
from mock_portal.store._records import MessageRecord
from mock_portal.store._tables import DOSSIERS, EVENTS, FINDINGS, JOURNAL, Table
from mock_portal.store._times import to_micros, to_micros_or_none

#: SQLite parameters per statement: under its historical default limit (999), so any build works
_SQLITE_PARAMETERS = 999

_SQLITE_NEXT_ID = f"SELECT {LAST_JOURNAL_ID}"


def write_batch(db: Database, records: Sequence[MessageRecord]) -> list[int]:
    """Store every record of the batch in one transaction; returns their journal ids in order.

    If any row breaks a constraint, nothing of the batch is stored (`ConstraintError`).
    """
    if not records:
        return []
    if db.backend == "postgresql":
        return write_postgresql_batch(db, records, record_rows)
    ids = sqlite_inbox(db).write(records, record_rows)
    if ids is not None:
        return ids
    with db.transaction():
        ids = _reserve_journal_ids(db, len(records))
        journal: list[tuple[Any, ...]] = []
        dossiers: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        findings: list[tuple[Any, ...]] = []
        for journal_id, record in zip(ids, records, strict=True):
            rows = record_rows(journal_id, record)
            journal.append(rows.journal)
            dossiers.extend(rows.dossiers)
            events.extend(rows.events)
            findings.extend(rows.findings)
        _insert(db, JOURNAL, journal)
        # dossiers before events: an event's foreign key needs its dossier; SQLite upserts the
        # rows of one statement in order, so the later state of a code wins as it should
        _insert(db, DOSSIERS, dossiers)
        _insert(db, EVENTS, events)
        _insert(db, FINDINGS, findings)
    sqlite_inbox(db).continue_after(ids[-1])
    return ids


def record_rows(journal_id: int, record: MessageRecord) -> RecordRows:
    """The rows one message adds, in the tables' column order (see the `Table`s above)."""
    received_at = to_micros(record.received_at)
    unit = clean_or_none(record.unit)
    province = clean_or_none(record.province)
    journal = (
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
    dossiers = [
        (
            clean_text(state.code),
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
        for state in record.dossier_states
    ]
    events = [
        (
            clean_text(event.dossier),
            journal_id,
            clean_text(event.status),
            to_micros(event.event_at),
            received_at,
        )
        for event in record.events
    ]
    findings = [
        (
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
        for finding in record.findings
    ]
    return RecordRows(journal, dossiers, events, findings)


def _insert(db: Database, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """INSERT `rows` with a few multi-row statements (see the module's docstring)."""
    chunks = _power_of_two_chunks(len(rows), _SQLITE_PARAMETERS // table.columns)
    start = 0
    for chunk in chunks:
        values = list(chain.from_iterable(rows[start : start + chunk]))
        db.executemany(_values_statement(table, chunk), (values,))
        start += chunk


def _power_of_two_chunks(rows: int, limit: int) -> list[int]:
    """37 rows, at most 64 a statement: 32 + 4 + 1."""
    chunks = []
    while rows:
        chunk = 1 << (min(rows, limit).bit_length() - 1)
        chunks.append(chunk)
        rows -= chunk
    return chunks


@lru_cache(maxsize=128)
def _values_statement(table: Table, rows: int) -> str:
    row = "(" + ", ".join("?" * table.columns) + ")"
    return f"{table.head} VALUES {', '.join([row] * rows)}{table.tail}"


def _reserve_journal_ids(db: Database, count: int) -> list[int]:
    last = int(db.scalar(_SQLITE_NEXT_ID))
    return list(range(last + 1, last + 1 + count))
