"""The child process of `test_batch_kill`: the portal's group-commit writer under concurrent
writers, stopped on purpose just before the COMMIT of a batch so the parent can SIGKILL it there.

A batch is one statement in autocommit mode (SQLite's later batches, `mock_portal.store._inbox`;
every PostgreSQL batch, `mock_portal.store._batch_postgresql`): it commits as it ends, with no
moment between its last row and its COMMIT. The child runs that statement in an explicit
transaction instead, so there is one to stop at; what a kill there tests, the batch's rows
written and not committed, is the same.

    python -m tests.mock_portal.durability._batch_child DATABASE_URL PAUSE_AT_BATCH

Eight threads submit records (each with a finding) through `GroupCommitWriter.submit` and print
`ACK <marker>` once their future resolves, i.e. once the portal would answer success. When the
writer reaches the COMMIT of its PAUSE_AT_BATCH-th batch of at least two records, the child
prints `BATCH <marker> <marker> …` (the records of that batch, written but not committed) and
sleeps, holding the transaction open, until it is killed.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from contracts import Finding, Severity
from mock_portal._writer import GroupCommitWriter
from mock_portal.store import (
    VIETNAM,
    MessageRecord,
    Store,
    _batch_postgresql,
    _database,
    _writes,
)

_print_lock = threading.Lock()


def say(line: str) -> None:
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def record(marker: str) -> MessageRecord:
    return MessageRecord(
        received_at=datetime.now(VIETNAM),
        unit=None,
        province=None,
        kind="batch-kill",
        method="POST",
        path="/api/dvcqg/integration",
        headers={"content-type": "application/json"},
        body=marker.encode(),
        status_code=200,
        response='{"error_code":0}',
        accepted=True,
        findings=(Finding("MSG-001", Severity.ERROR, 0, "$", marker, "a finding per record"),),
    )


def main(url: str, pause_at: int) -> None:
    with Store.open(url) as store:
        store.migrate()
    current: list[Sequence[MessageRecord]] = []
    batches = itertools.count(1)
    original_write_batch = _writes.write_batch
    original_transaction = _database.Database.transaction

    def write_batch(db: _database.Database, records: Sequence[MessageRecord]) -> list[int]:
        current[:] = [records]
        return original_write_batch(db, records)

    @contextmanager
    def transaction(self: _database.Database, *, write: bool = True) -> Iterator[None]:
        with original_transaction(self, write=write):
            yield
            # the batch's rows are written, its COMMIT not yet sent: pause the chosen one here
            if write and current and len(current[0]) >= 2 and next(batches) == pause_at:
                say("BATCH " + " ".join(r.body.decode() for r in current[0]))
                time.sleep(3600)

    # A later SQLite batch is one `Database.execute` (`_inbox`), a PostgreSQL batch one
    # `Database.query` (`_batch_postgresql`): wrapped at those seams, which are plain Python
    # however the store's modules are built (mypyc's classes and calls cannot be patched).
    original_execute = _database.Database.execute

    def execute(self: _database.Database, sql: str, params: _database.Params = ()) -> int:
        if not sql.startswith("INSERT INTO journal_inbox"):
            return original_execute(self, sql, params)
        with self.transaction():
            return original_execute(self, sql, params)

    original_query = _database.Database.query
    batch_statement = _batch_postgresql._statement()

    def query(
        self: _database.Database, sql: str, params: _database.Params = ()
    ) -> list[_database.Row]:
        if sql != batch_statement:
            return original_query(self, sql, params)
        with self.transaction():
            return original_query(self, sql, params)

    _writes.write_batch = write_batch  # type: ignore[assignment]
    _database.Database.execute = execute  # type: ignore[method-assign]
    _database.Database.transaction = transaction  # type: ignore[assignment,method-assign]
    _database.Database.query = query  # type: ignore[method-assign]
    # Store.write_batch calls the module's function through its own import: patch that too.
    import mock_portal.store._store as store_module

    store_module.write_batch = write_batch  # type: ignore[assignment]

    writer = GroupCommitWriter(lambda: Store.open(url))
    writer.start()

    def submitter(thread: int) -> None:
        for number in itertools.count():
            marker = f"t{thread}-{number}"
            writer.submit(record(marker)).result()
            say(f"ACK {marker}")

    for thread in range(8):
        threading.Thread(target=submitter, args=(thread,), daemon=True).start()
    time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
