"""SQLite's later batches: one statement per batch, the same rows as the careful path.

The writer thread must win Python's lock back once per statement; one statement per batch is
what keeps a busy event loop from stretching every commit (`mock_portal.store._inbox`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mock_portal.store import ConstraintError, DossierEvent, Store

from ._factories import (
    T0,
    dossier,
    finding,
    record,
    stored_rows,
    tricky_batches,
    writes_as_later_batch,
)


def _sqlite(tmp_path: Path, name: str) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / name}")
    store.migrate()
    return store


def test_later_batches_store_what_the_careful_path_stores(tmp_path: Path) -> None:
    """Row for row, byte for byte: the same tables whichever path a batch took."""
    careful, fast = _sqlite(tmp_path, "careful.db"), _sqlite(tmp_path, "fast.db")
    for batch in tricky_batches():
        careful.write_batch(batch)
        careful.close()  # a new connection: its first batch takes the careful path again
        careful = _sqlite(tmp_path, "careful.db")
    writes_as_later_batch(fast)
    statements: list[str] = []
    fast._db._conn.set_trace_callback(statements.append)
    for batch in tricky_batches():
        fast.write_batch(batch)
    # Python's trace repeats a statement's text for each statement its trigger runs; the
    # inbox's creation comes once, before the first batch
    batch_statements = {sql for sql in statements if not sql.startswith("CREATE TEMP")}
    assert len(batch_statements) == 2, "a later batch is one statement"
    assert all(sql.startswith("INSERT INTO journal_inbox") for sql in batch_statements)
    assert stored_rows(fast) == stored_rows(careful)
    assert fast.integrity_check() == []
    careful.close()
    fast.close()


def test_ids_taken_by_another_writer_send_the_batch_the_careful_way(tmp_path: Path) -> None:
    """Two writers on one file (`serve --workers 2`): a batch whose ids the other took is
    refused whole, then stored the careful way; nothing lost, nothing twice."""
    first, second = _sqlite(tmp_path, "shared.db"), Store.open(f"sqlite:///{tmp_path}/shared.db")
    writes_as_later_batch(first)
    writes_as_later_batch(second)  # both expect the journal's next id to be 1
    ids_first = first.write_batch([record(), record(findings=[finding()])])
    ids_second = second.write_batch([record(states=[dossier(1)]), record()])
    ids_next = second.write_batch([record()])  # its own ids are known again: fast once more
    assert ids_first == [1, 2]
    assert ids_second == [3, 4]
    assert ids_next == [5]
    assert [entry.id for entry in first.iter_journal()] == [1, 2, 3, 4, 5]
    assert first.get_dossier(dossier(1).code) is not None
    assert first.integrity_check() == []
    first.close()
    second.close()


def test_a_bad_row_in_a_later_batch_stores_nothing(tmp_path: Path) -> None:
    """A foreign key broken in the one statement leaves no row of the batch behind, and the
    careful path then names the broken constraint."""
    store = _sqlite(tmp_path, "bad.db")
    store.write_batch([record(states=[dossier(1)])])  # first batch: careful; later ones fast
    orphan = DossierEvent("000.00.00.H56-260302-9999", "4", T0)
    with pytest.raises(ConstraintError):
        store.write_batch([record(findings=[finding()]), record(events=[orphan])])
    assert store.journal_count() == 1
    assert store.findings() == []
    assert store.write_batch([record()]) == [2]
    store.close()


def test_ids_stay_above_every_id_used_after_a_reset(tmp_path: Path) -> None:
    """A writer whose count is behind another's, after a reset emptied the journal, must not
    hand out ids the journal used before: the statement is refused and the careful path gives
    ids above every id ever used (exports of successive runs never collide)."""
    first, second = _sqlite(tmp_path, "reset.db"), Store.open(f"sqlite:///{tmp_path}/reset.db")
    writes_as_later_batch(first)
    writes_as_later_batch(second)
    assert second.write_batch([record()]) == [1]
    assert first.write_batch([record(), record(), record()]) == [2, 3, 4]  # careful: 1 taken
    first.reset()
    # `second` counts on from 2, which the journal used before the reset
    assert second.write_batch([record(), record()]) == [5, 6]
    assert first.write_batch([record()]) == [7]
    assert [entry.id for entry in first.iter_journal()] == [5, 6, 7]
    first.close()
    second.close()


def test_a_batch_over_the_parameter_limit_takes_the_careful_path(tmp_path: Path) -> None:
    """On a SQLite built with the old limit of 999 parameters a statement, a large batch does
    not fit one statement: it is stored the careful way, whole."""
    store = _sqlite(tmp_path, "limit.db")
    store._db._conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    writes_as_later_batch(store)
    ids = store.write_batch([record(findings=[finding()]) for _ in range(100)])
    assert ids == list(range(1, 101))
    assert len(store.findings(limit=1000)) == 100
    store.close()


def test_a_sqlite_that_cannot_make_the_inbox_stores_every_batch_the_careful_way(
    tmp_path: Path,
) -> None:
    """If the view or its trigger cannot be created, batches still go through, carefully."""
    store = _sqlite(tmp_path, "noinbox.db")
    # a TEMP table of the view's name: the view is never made and the trigger is refused
    store._db.execute("CREATE TEMP TABLE journal_inbox (c0)")
    writes_as_later_batch(store)
    assert store.write_batch([record(), record()]) == [1, 2]
    assert store.write_batch([record(states=[dossier(1)])]) == [3]
    assert store.get_dossier(dossier(1).code) is not None
    store.close()
