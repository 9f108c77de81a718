"""The WAL checkpointer: SQLite's checkpoints on their own thread, off the writer's commits."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from mock_portal.store import Store, WalCheckpointer

from ._factories import dossier, finding, record


def _checkpointed_journal_rows(path: Path, tmp_path: Path) -> int:
    """Journal rows in the database file itself, not counting what is only in the WAL."""
    copy = tmp_path / "file-only.sqlite3"
    shutil.copyfile(path, copy)  # without the -wal file beside it
    with sqlite3.connect(copy) as reader:
        return int(reader.execute("SELECT count(*) FROM journal").fetchone()[0])


def test_only_sqlite_files_get_one() -> None:
    """PostgreSQL and in-memory SQLite have no WAL file to checkpoint."""
    assert WalCheckpointer.for_url("postgresql://postgres@127.0.0.1:5432/test") is None
    assert WalCheckpointer.for_url(":memory:") is None
    assert WalCheckpointer.for_url("sqlite:///portal.sqlite3") is not None


def test_commits_are_checkpointed_while_the_writer_goes_on(tmp_path: Path) -> None:
    """What the writer commits reaches the database file without the writer checkpointing:
    the checkpointer catches up with the log while batches keep coming, and stops promptly."""
    path = tmp_path / "portal.sqlite3"
    store = Store.open(str(path))
    store.migrate()
    store.write_batch([record()])
    # The writer's own checkpoints off, so any copying is the checkpointer's.
    store._db.execute("PRAGMA wal_autocheckpoint = 0")
    checkpointer = WalCheckpointer.for_url(f"sqlite:///{path}", interval=0.01)
    assert checkpointer is not None
    checkpointer.start()
    try:
        for n in range(30):
            store.write_batch(
                [record(states=[dossier(n * 10 + k + 1)], findings=[finding()]) for k in range(10)]
            )
        deadline = time.monotonic() + 10
        while checkpointer.checkpoints < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        started = time.monotonic()
        checkpointer.stop()
        assert time.monotonic() - started < 5
    assert checkpointer.checkpoints >= 3
    # the last checkpoint, at stop, copied everything committed into the database file
    assert _checkpointed_journal_rows(path, tmp_path) == 301
    store.close()
