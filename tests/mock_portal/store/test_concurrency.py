"""Several connections at once: readers beside the writer, and durability across a SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from mock_portal.store import Store

from ._factories import dossier, finding, record

REPO = Path(__file__).resolve().parents[3]


def test_reader_sees_committed_data_while_writer_is_in_a_transaction(
    open_store: Callable[[], Store],
) -> None:
    """A second connection reads without waiting, and sees only what is committed."""
    writer, reader = open_store(), open_store()
    writer.migrate()
    writer.write_batch([record()])
    with writer._db.transaction():
        writer.write_batch([record(), record()])  # joins the open transaction
        assert reader.journal_count() == 1
    assert reader.journal_count() == 3


def test_reader_never_sees_half_a_batch(open_store: Callable[[], Store]) -> None:
    """While a writer thread commits batches, a reader only ever sees whole batches."""
    writer, reader = open_store(), open_store()
    writer.migrate()
    batch, batches = 20, 30
    seen: list[int] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for i in range(batches):
                rows = [record(findings=[finding()], states=[dossier(i)]) for _ in range(batch)]
                writer.write_batch(rows)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    while thread.is_alive():
        seen.append(reader.journal_count())
    thread.join()
    seen.append(reader.journal_count())
    assert errors == []
    assert all(count % batch == 0 for count in seen)
    assert seen == sorted(seen)
    assert seen[-1] == batch * batches
    assert len(reader.findings(limit=10_000)) == batch * batches


_CHILD = """
import sys
from mock_portal.store import Store
from tests.mock_portal.store._factories import finding, record
store = Store.open(sys.argv[1])
while True:
    ids = store.write_batch([record(findings=[finding()]) for _ in range(10)])
    print(ids[-1], flush=True)  # acknowledged: the batch is committed
"""


def test_acknowledged_batches_survive_sigkill(store_url: str, store: Store) -> None:
    """Every batch committed before the process is killed (SIGKILL) is there afterwards."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, store_url], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    acknowledged = [int(child.stdout.readline()) for _ in range(25)]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    ids = {entry.id for entry in store.iter_journal()}
    assert set(acknowledged) <= ids
    assert len(ids) % 10 == 0  # the batch in flight is all there or not at all
    assert store.integrity_check() == []
