"""Group commit: messages that arrive together are stored in one transaction.

Handlers submit a `MessageRecord` and await its future; one writer thread takes whatever is
queued (at least one record, at most `max_batch`), writes it with `Store.write_batch`, and
resolves every future only after the commit. So a success answer always follows a commit, and
under load one fsync serves many messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

from mock_portal.store import ConstraintError, MessageRecord, Store, StoreError

_STOP = object()


class GroupCommitWriter:
    def __init__(self, open_store: Callable[[], Store], max_batch: int = 256) -> None:
        self._open_store = open_store
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="portal-writer", daemon=True)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def stop(self) -> None:
        if self._started:
            self._queue.put(_STOP)
            self._thread.join()
            self._started = False

    def submit(self, record: MessageRecord) -> Future[int]:
        """The journal id of the record, once committed (or the StoreError that stopped it)."""
        future: Future[int] = Future()
        self._queue.put((record, future))
        return future

    async def write(self, record: MessageRecord) -> int:
        return await asyncio.wrap_future(self.submit(record))

    def _run(self) -> None:
        store = self._open_store()
        try:
            while True:
                first = self._queue.get()
                if first is _STOP:
                    return
                batch = [first]
                stop = False
                while len(batch) < self._max_batch:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is _STOP:
                        stop = True
                        break
                    batch.append(item)
                store = self._commit(store, batch)  # type: ignore[arg-type]
                if stop:
                    return
        finally:
            store.close()

    def _commit(self, store: Store, batch: list[tuple[MessageRecord, Future[int]]]) -> Store:
        records = [record for record, _future in batch]
        try:
            ids = store.write_batch(records)
        except ConstraintError:
            # One bad record must not fail its neighbours: store them one by one.
            for record, future in batch:
                self._commit_one(store, record, future)
            return store
        except StoreError as error:
            for _record, future in batch:
                future.set_exception(error)
            return self._reopen(store)
        for (_record, future), journal_id in zip(batch, ids, strict=True):
            future.set_result(journal_id)
        return store

    def _commit_one(self, store: Store, record: MessageRecord, future: Future[int]) -> None:
        try:
            future.set_result(store.write_batch([record])[0])
        except StoreError as error:
            future.set_exception(error)

    def _reopen(self, store: Store) -> Store:
        """A lost connection is opened again for the next batch; the failed one was refused."""
        with contextlib.suppress(StoreError):
            store.close()
        try:
            return self._open_store()
        except StoreError:
            return store
