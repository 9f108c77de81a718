"""PostgreSQL: a batch of messages in ONE statement, so the writer thread waits for the GIL once.

Why: the writer thread gives up Python's lock (the GIL) whenever psycopg waits for the server
and must win it back before going on. While the event loop is busy validating requests it hands
the lock over only every `sys.getswitchinterval()` (5 ms), so a batch written as BEGIN, an id
reservation, a few INSERTs per table and COMMIT (pipelined, but driven from Python one result
at a time) waited for the loop many times however small it was. SQLite has the same remedy
(`_inbox`).

How: one statement in autocommit mode, so it is one transaction, all of it or none of it, and
one round trip. Each column of each table travels as one typed array parameter (`?::text[]`,
bodies as `bytea[]`, byte-exact), so the statement's text is the same for every batch size and
psycopg prepares it (once for each combination of the arrays' types, which depend on which
tables a batch fills: an empty array is untyped). Data-modifying CTEs `unnest` the arrays into
journal, dossiers, dossier_events and findings; PostgreSQL checks foreign keys at the end of the
statement, so the order of the CTEs does not matter.

Journal ids: drawn in the statement from the journal's identity sequence (safe with several
writer processes) and handed out in increasing order by record position; `_writes.record_rows`
is called with the record's position (1, 2, …) as its journal id, and every journal-id column is
mapped through the array of drawn ids. The statement returns the ids in record order.

A dossier twice in one batch: one statement may not upsert a row twice (PostgreSQL refuses), so
the states of one code are merged here into what upserting them one after the other gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from mock_portal.store._database import Database
from mock_portal.store._inbox import RowsOf
from mock_portal.store._records import MessageRecord
from mock_portal.store._tables import DOSSIERS, EVENTS, FINDINGS, JOURNAL, Table

#: the columns that name a message: they carry the record's position in the batch (1, 2, …)
#: until the statement replaces it with the record's journal id (journal's own `id` included)
_JOURNAL_ID_COLUMNS = frozenset({"id", "journal_id", "first_journal_id", "updated_journal_id"})
#: the SQL type of each column a message writes, for its array parameter
_COLUMN_TYPES = {
    **dict.fromkeys(_JOURNAL_ID_COLUMNS, "integer"),
    "received_at": "bigint",
    "due_at": "bigint",
    "last_event_at": "bigint",
    "event_at": "bigint",
    "recorded_at": "bigint",
    "status_code": "integer",
    "accepted": "integer",
    "finding_count": "integer",
    "has_extension": "integer",
    "body": "bytea",
    "unit": "text",
    "province": "text",
    "kind": "text",
    "method": "text",
    "path": "text",
    "headers": "text",
    "response": "text",
    "fault": "text",
    "code": "text",
    "status": "text",
    "procedure": "text",
    "applicant": "text",
    "dossier": "text",
    "rule": "text",
    "severity": "text",
    "value": "text",
    "hint": "text",
}
_TABLES = (JOURNAL, DOSSIERS, EVENTS, FINDINGS)


def write_postgresql_batch(
    db: Database, records: Sequence[MessageRecord], rows_of: RowsOf
) -> list[int]:
    """Store the batch with one statement; returns the journal ids in record order.

    A broken constraint stores nothing (`ConstraintError`), as any other error.
    """
    journal: list[tuple[Any, ...]] = []
    dossiers: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    findings: list[tuple[Any, ...]] = []
    for position, record in enumerate(records, start=1):
        rows = rows_of(position, record)
        journal.append(rows.journal)
        dossiers.extend(rows.dossiers)
        events.extend(rows.events)
        findings.extend(rows.findings)
    params: list[Any] = [len(records)]
    tables = (journal, merged_upserts(dossiers), events, findings)
    for table, table_rows in zip(_TABLES, tables, strict=True):
        params.extend(_columns(table_rows, table.columns))
    return [int(journal_id) for (journal_id,) in db.query(_statement(), params)]


def merged_upserts(dossiers: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """One row per dossier code: what upserting the rows one after the other would leave.

    The later state wins; the province is the latest one given (the upsert then keeps a stored
    one if none is); a new dossier remembers the message that first named it (the upsert keeps
    an existing dossier's own). Codes keep the order of their first appearance.
    """
    merged: dict[str, tuple[Any, ...]] = {}
    for row in dossiers:
        earlier = merged.get(row[_CODE])
        if earlier is not None:
            later = list(row)
            if later[_PROVINCE] is None:
                later[_PROVINCE] = earlier[_PROVINCE]
            later[_FIRST_JOURNAL_ID] = earlier[_FIRST_JOURNAL_ID]
            row = tuple(later)
        merged[row[_CODE]] = row
    return list(merged.values())


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """The rows' values column by column: one array parameter per column."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*rows, strict=True)]


def table_name(table: Table) -> str:
    """The table of `INSERT INTO table (…)`."""
    return table.head.split()[2]


def column_names(table: Table) -> list[str]:
    """The columns named in the table's `INSERT INTO table (…)`, in order."""
    names = table.head[table.head.index("(") + 1 : table.head.rindex(")")]
    return [name.strip() for name in names.split(",")]


_CODE, _PROVINCE, _FIRST_JOURNAL_ID = (
    column_names(DOSSIERS).index(name) for name in ("code", "province", "first_journal_id")
)


@lru_cache(maxsize=1)
def _statement() -> str:
    """The batch's statement: its parameters are the batch's size, then every table's columns
    as arrays, in `_tables` order (the same text for every batch, so psycopg prepares it)."""
    inserts = ",\n".join(f"{table_name(table)}_rows AS ({_insert(table)})" for table in _TABLES)
    return f"""WITH ids AS MATERIALIZED (
        SELECT array_agg(id ORDER BY id) AS ids FROM (
            SELECT nextval(pg_get_serial_sequence('journal', 'id')) AS id
            FROM generate_series(1, ?)
        ) AS drawn
    ),
    {inserts}
    SELECT drawn.id FROM ids, unnest(ids.ids) WITH ORDINALITY AS drawn(id, position)
    ORDER BY drawn.position"""


def _insert(table: Table) -> str:
    """INSERT … SELECT from the table's column arrays, rows in batch order (so serial ids of
    events and findings increase in record order), positions replaced by journal ids."""
    names = column_names(table)
    if len(names) != table.columns:
        raise AssertionError(f"{table.head!r} names {len(names)} columns, not {table.columns}")
    arrays = ", ".join(f"?::{_COLUMN_TYPES[name]}[]" for name in names)
    aliases = ", ".join(f"c{index}" for index in range(len(names)))
    values = ", ".join(
        f"ids.ids[batch.c{index}]" if name in _JOURNAL_ID_COLUMNS else f"batch.c{index}"
        for index, name in enumerate(names)
    )
    return (
        f"{table.head} SELECT {values} FROM ids, unnest({arrays}) WITH ORDINALITY"
        f" AS batch({aliases}, position) ORDER BY batch.position{table.tail}"
    )
