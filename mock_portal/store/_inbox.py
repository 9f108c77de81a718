"""SQLite: a whole batch of messages in ONE statement, so the writer thread waits for the GIL once.

Why: the writer thread gives up Python's lock (the GIL) while SQLite steps a statement and must
win it back before the next one. While the event loop is busy validating requests it hands the
lock over only every `sys.getswitchinterval()` (5 ms), so a batch of BEGIN, a query, a few
INSERTs per table and COMMIT — about ten hand-backs — took 5 ms or more however small it was,
and the portal's throughput was the writer's cadence, not its CPU (measured: 17 messages took
0.9 ms with an idle loop and 56 ms beside a busy one).

How: every connection of the writer has a TEMP view `journal_inbox` whose INSTEAD OF INSERT
trigger writes one message's rows into the journal, dossiers, dossier_events and findings. Its
17 columns are the journal row's 14 (the body bound as a BLOB, kept byte-exact) and the
message's dossier states, events and findings as three JSON arrays, which the trigger reads with
`json_each` and `json_extract`, outside the GIL. A batch is one multi-row `INSERT INTO
journal_inbox VALUES (…), (…), …`; in autocommit mode one statement is one transaction: all of
it or none of it.

Journal ids: the trigger inserts the ids this writer assigns, counting on from the last batch,
and refuses (RAISE ABORT) an id not above every id the journal has used, live or deleted (as
`sqlite_sequence` remembers them after a reset), so ids only grow, in commit order, as on the
careful path. The first batch of a connection, and any batch after a refusal, takes the careful
path of `_writes.write_batch` (BEGIN IMMEDIATE, the next id read under the write lock): when
another process took the ids meanwhile (`--workers` sharing one file), nothing of the refused
statement is stored and the careful path stores the batch instead. So does a batch of more
rows than the connection's parameter limit allows in one statement, and every batch when this
SQLite cannot create the inbox.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from mock_portal.store._database import Database
from mock_portal.store._errors import ConstraintError, StoreError
from mock_portal.store._json import dumps_text
from mock_portal.store._records import MessageRecord
from mock_portal.store._tables import DOSSIERS, EVENTS, FINDINGS, JOURNAL, Table


@dataclass(frozen=True, slots=True)
class RecordRows:
    """The rows one message adds to each table, in `_tables` column order."""

    journal: tuple[Any, ...]
    dossiers: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    findings: list[tuple[Any, ...]]


RowsOf = Callable[[int, MessageRecord], RecordRows]


class SqliteInbox:
    """The one-statement batch write of one SQLite connection, and the next journal id."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._next_id: int | None = None
        self._created = False
        self._usable = True

    def continue_after(self, journal_id: int) -> None:
        """The careful path stored ids up to `journal_id`: the next batch can go fast."""
        self._next_id = journal_id + 1

    def write(self, records: Sequence[MessageRecord], rows_of: RowsOf) -> list[int] | None:
        """The journal ids of the stored batch, or None: nothing stored, take the careful path."""
        first = self._next_id
        if first is None or not self._usable or not self._fits(len(records)):
            return None
        self._next_id = None  # until this batch is known to be stored
        ids = list(range(first, first + len(records)))
        params: list[Any] = []
        for journal_id, record in zip(ids, records, strict=True):
            rows = rows_of(journal_id, record)
            params.extend(rows.journal)
            # every value is already text, an int or None (`record_rows` cleaned them)
            params.append(_json(rows.dossiers))
            params.append(_json(rows.events))
            params.append(_json(rows.findings))
        if not self._create():
            return None
        try:
            self._db.execute(_batch_statement(len(records)), params)
        except ConstraintError:
            # ids taken by another writer, or a bad row: nothing stored; the careful path
            # stores the batch or says which constraint it breaks
            return None
        self._next_id = first + len(records)
        return ids

    def _fits(self, records: int) -> bool:
        """Whether the batch's parameters fit one statement (SQLite before 3.32 allowed 999)."""
        return records * _INBOX_COLUMNS <= self._db.parameter_limit()

    def _create(self) -> bool:
        """The view and its trigger, once; False for good when this SQLite cannot make them."""
        if not self._created:
            try:
                self._db.execute(_VIEW)
                self._db.execute(_trigger())
            except StoreError:
                self._usable = False
                return False
            self._created = True
        return True


_INBOXES: weakref.WeakKeyDictionary[Database, SqliteInbox] = weakref.WeakKeyDictionary()


def sqlite_inbox(db: Database) -> SqliteInbox:
    """The inbox of this connection (its TEMP objects live and die with the connection)."""
    inbox = _INBOXES.get(db)
    if inbox is None:
        inbox = _INBOXES[db] = SqliteInbox(db)
    return inbox


#: the highest journal id ever used, including deleted rows (a reset keeps `sqlite_sequence`)
LAST_JOURNAL_ID = """max(
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0),
    coalesce((SELECT max(id) FROM journal), 0))"""

#: the journal's columns, then the message's dossier states, events and findings as JSON arrays
_CHILDREN = ("dossiers", "events", "findings")
_INBOX_COLUMNS = JOURNAL.columns + len(_CHILDREN)
_VIEW = "CREATE TEMP VIEW IF NOT EXISTS journal_inbox AS SELECT " + ", ".join(
    f"NULL AS c{index}" for index in range(_INBOX_COLUMNS)
)


def _json(rows: list[tuple[Any, ...]]) -> str | None:
    return dumps_text(rows) if rows else None


@lru_cache(maxsize=1)
def _trigger() -> str:
    journal = ", ".join(f"NEW.c{index}" for index in range(JOURNAL.columns))
    children = ";\n".join(
        _from_json(table, f"NEW.c{JOURNAL.columns + offset}")
        for offset, table in enumerate((DOSSIERS, EVENTS, FINDINGS))
    )
    return f"""CREATE TEMP TRIGGER IF NOT EXISTS journal_inbox_insert
    INSTEAD OF INSERT ON journal_inbox
    BEGIN
        SELECT RAISE(ABORT, 'journal id already used') WHERE NEW.c0 <= {LAST_JOURNAL_ID};
        {JOURNAL.head} VALUES ({journal});
        {children};
    END"""


def _from_json(table: Table, rows: str) -> str:
    """INSERT … SELECT the rows of a JSON array (none for NULL), in order: a later state wins."""
    # json_extract, not `->>`: SQLite has the operator only since 3.38
    columns = ", ".join(f"json_extract(row.value, '$[{index}]')" for index in range(table.columns))
    # `WHERE true`: SQLite's grammar needs it between a SELECT and an upsert's ON CONFLICT
    return f"{table.head} SELECT {columns} FROM json_each({rows}) AS row WHERE true{table.tail}"


@lru_cache(maxsize=512)
def _batch_statement(rows: int) -> str:
    row = "(" + ", ".join(["?"] * _INBOX_COLUMNS) + ")"
    return "INSERT INTO journal_inbox VALUES " + ", ".join([row] * rows)
