"""`write_batch`: many messages, one transaction, a handful of statements.

Group commit is where the portal's throughput comes from: the cost of a durable commit (a WAL
write on SQLite, a WAL flush and fsync on PostgreSQL) is paid once per batch, not per message.
Within the batch every table gets one `executemany`; on PostgreSQL the whole transaction runs in
pipeline mode, so a batch costs two round trips (BEGIN with the id reservation, then the inserts
with COMMIT) whatever its size.

Journal ids are reserved before the insert, so findings, events and dossiers can point at their
message without a round trip per row: on SQLite the transaction holds the write lock (BEGIN
IMMEDIATE), so the next ids are simply the ones after the highest used; on PostgreSQL they are
drawn from the identity sequence, which is safe with several writer processes. Ids increase
within a batch, in record order; across concurrent PostgreSQL writers they are unique, but
commit order may differ from id order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mock_portal.store._database import Database
from mock_portal.store._json import clean_or_none, clean_text, dumps_text
from mock_portal.store._records import MessageRecord
from mock_portal.store._times import to_micros, to_micros_or_none

_INSERT_JOURNAL = """INSERT INTO journal (id, received_at, unit, province, kind, method, path,
    headers, body, status_code, response, accepted, fault, finding_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""

# A dossier keeps the message that created it; a record without a province keeps the old one.
_UPSERT_DOSSIER = """INSERT INTO dossiers (code, unit, province, status, procedure, applicant,
    received_at, due_at, last_event_at, has_extension, first_journal_id, updated_journal_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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

_INSERT_EVENT = """INSERT INTO dossier_events (dossier, journal_id, status, event_at, recorded_at)
    VALUES (?, ?, ?, ?, ?)"""

_INSERT_FINDING = """INSERT INTO findings (journal_id, rule, severity, unit, province, path,
    value, hint, received_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""

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
        journal: list[tuple[Any, ...]] = []
        dossiers: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        findings: list[tuple[Any, ...]] = []
        for journal_id, record in zip(ids, records, strict=True):
            received_at = to_micros(record.received_at)
            unit = clean_or_none(record.unit)
            province = clean_or_none(record.province)
            journal.append(_journal_row(journal_id, received_at, unit, province, record))
            for state in record.dossier_states:
                dossiers.append(
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
                )
            for event in record.events:
                events.append(
                    (
                        clean_text(event.dossier),
                        journal_id,
                        clean_text(event.status),
                        to_micros(event.event_at),
                        received_at,
                    )
                )
            for finding in record.findings:
                findings.append(
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
                )
        db.executemany(_INSERT_JOURNAL, journal)
        # dossiers before events: an event's foreign key needs its dossier
        if dossiers:
            db.executemany(_UPSERT_DOSSIER, dossiers)
        if events:
            db.executemany(_INSERT_EVENT, events)
        if findings:
            db.executemany(_INSERT_FINDING, findings)
    return ids


def _journal_row(
    journal_id: int, received_at: int, unit: str | None, province: str | None, r: MessageRecord
) -> tuple[Any, ...]:
    return (
        journal_id,
        received_at,
        unit,
        province,
        clean_text(r.kind),
        clean_text(r.method),
        clean_text(r.path),
        dumps_text(dict(r.headers)),
        bytes(r.body),
        r.status_code,
        clean_text(r.response),
        int(r.accepted),
        clean_or_none(r.fault),
        len(r.findings),
    )


def _reserve_journal_ids(db: Database, count: int) -> list[int]:
    if db.backend == "sqlite":
        last = int(db.scalar(_SQLITE_NEXT_ID))
        return list(range(last + 1, last + 1 + count))
    return sorted(int(row[0]) for row in db.query(_POSTGRESQL_NEXT_IDS, (count,)))
