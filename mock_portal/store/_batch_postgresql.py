"""PostgreSQL: a batch of messages in ONE statement, so the writer thread waits for the GIL once.

Why: the writer thread gives up Python's lock (the GIL) whenever psycopg waits for the server
and must win it back before going on. While the event loop is busy validating requests it hands
the lock over only every `sys.getswitchinterval()` (5 ms), so a batch written as BEGIN, an id
reservation, a few INSERTs per table and COMMIT (pipelined, but driven from Python one result
at a time) waited for the loop many times however small it was. SQLite has the same remedy
(`_inbox`).

How: one statement in autocommit mode, so it is one transaction, all of it or none of it, and
one round trip. Each table's rows travel as one JSON array of arrays (orjson writes it in a
fraction of a millisecond; psycopg's own array parameters cost it ~60 µs a message in Python),
the request bodies, which are bytes, as one `bytea` parameter with each row's offset and length.
The statement's text and parameter types are the same for every batch, so psycopg prepares it
once and the server parses it once. Data-modifying CTEs turn the arrays into rows of journal,
dossiers, dossier_events and findings; PostgreSQL checks foreign keys at the end of the
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
from mock_portal.store._json import dumps_bytes
from mock_portal.store._records import MessageRecord
from mock_portal.store._tables import DOSSIERS, EVENTS, FINDINGS, JOURNAL, Table

#: the columns that name a message: they carry the record's position in the batch (1, 2, …)
#: until the statement replaces it with the record's journal id (journal's own `id` included)
_JOURNAL_ID_COLUMNS = frozenset({"id", "journal_id", "first_journal_id", "updated_journal_id"})
#: the columns whose JSON text is cast to a number (the others are text)
_NUMBER_COLUMNS = {
    "received_at": "bigint",
    "due_at": "bigint",
    "last_event_at": "bigint",
    "event_at": "bigint",
    "recorded_at": "bigint",
    "status_code": "integer",
    "accepted": "integer",
    "finding_count": "integer",
    "has_extension": "integer",
}
_TEXT_COLUMNS = frozenset(
    {
        "unit",
        "province",
        "kind",
        "method",
        "path",
        "headers",
        "response",
        "fault",
        "code",
        "status",
        "procedure",
        "applicant",
        "dossier",
        "rule",
        "severity",
        "value",
        "hint",
    }
)
#: the journal's request bytes: not JSON, so they travel as one `bytea` parameter, all bodies
#: one after the other, and the row holds `[offset, length]`
_BODY = "body"
_TABLES = (JOURNAL, DOSSIERS, EVENTS, FINDINGS)


def write_postgresql_batch(
    db: Database, records: Sequence[MessageRecord], rows_of: RowsOf
) -> list[int]:
    """Store the batch with one statement; returns the journal ids in record order.

    A broken constraint stores nothing (`ConstraintError`), as any other error.
    """
    journal: list[list[Any]] = []
    bodies: list[bytes] = []
    offset = 0
    dossiers: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    findings: list[tuple[Any, ...]] = []
    for position, record in enumerate(records, start=1):
        rows = rows_of(position, record)
        row = list(rows.journal)
        body = row[_BODY_INDEX]
        row[_BODY_INDEX] = [offset, len(body)]
        offset += len(body)
        bodies.append(body)
        journal.append(row)
        dossiers.extend(rows.dossiers)
        events.extend(rows.events)
        findings.extend(rows.findings)
    params = (
        _json(journal),
        b"".join(bodies),
        _json(merged_upserts(dossiers)),
        _json(events),
        _json(findings),
    )
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


def _json(rows: Sequence[Sequence[Any]]) -> str:
    """The rows as a JSON array of arrays (text: psycopg would send bytes as `bytea`)."""
    return dumps_bytes(rows).decode()


def table_name(table: Table) -> str:
    """The table of `INSERT INTO table (…)`."""
    return table.head.split()[2]


def column_names(table: Table) -> list[str]:
    """The columns named in the table's `INSERT INTO table (…)`, in order."""
    names = table.head[table.head.index("(") + 1 : table.head.rindex(")")]
    return [name.strip() for name in names.split(",")]


_BODY_INDEX = column_names(JOURNAL).index(_BODY)
_CODE, _PROVINCE, _FIRST_JOURNAL_ID = (
    column_names(DOSSIERS).index(name) for name in ("code", "province", "first_journal_id")
)


@lru_cache(maxsize=1)
def _statement() -> str:
    """The batch's statement; its parameters are the JSON rows of the journal, the bodies, then
    the JSON rows of dossiers, events and findings (the same text for every batch)."""
    inserts = ",\n".join(f"{table_name(table)}_rows AS ({_insert(table)})" for table in _TABLES)
    return f"""WITH given AS MATERIALIZED (
        SELECT ?::jsonb AS journal, ?::bytea AS bodies, ?::jsonb AS dossiers,
            ?::jsonb AS dossier_events, ?::jsonb AS findings,
            pg_get_serial_sequence('journal', 'id')::regclass AS journal_ids
    ),
    ids AS MATERIALIZED (
        SELECT array_agg(id ORDER BY id) AS ids FROM (
            SELECT nextval(given.journal_ids) AS id
            FROM given, generate_series(1, jsonb_array_length(given.journal))
        ) AS drawn
    ),
    {inserts}
    SELECT drawn.id FROM ids, unnest(ids.ids) WITH ORDINALITY AS drawn(id, position)
    ORDER BY drawn.position"""


def _insert(table: Table) -> str:
    """INSERT … SELECT from the table's JSON rows, in batch order (so serial ids of events and
    findings increase in record order), positions replaced by journal ids."""
    names = column_names(table)
    if len(names) != table.columns:
        raise AssertionError(f"{table.head!r} names {len(names)} columns, not {table.columns}")
    values = ", ".join(_value(name, index) for index, name in enumerate(names))
    return (
        f"{table.head} SELECT {values} FROM given, ids,"
        f" jsonb_array_elements(given.{table_name(table)}) WITH ORDINALITY AS batch(row, position)"
        f" ORDER BY batch.position{table.tail}"
    )


def _value(name: str, index: int) -> str:
    """The SQL of column `name`, element `index` of a JSON row."""
    if name in _JOURNAL_ID_COLUMNS:
        return f"ids.ids[(batch.row ->> {index})::integer]"
    if name in _NUMBER_COLUMNS:
        return f"(batch.row ->> {index})::{_NUMBER_COLUMNS[name]}"
    if name in _TEXT_COLUMNS:
        return f"batch.row ->> {index}"
    if name == _BODY:
        offset, length = f"(batch.row -> {index} ->> 0)", f"(batch.row -> {index} ->> 1)"
        return f"substring(given.bodies FROM {offset}::integer + 1 FOR {length}::integer)"
    raise AssertionError(f"no SQL type known for column {name!r}")
