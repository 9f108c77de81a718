"""Group commit: messages that arrive together are stored in one transaction.

Handlers submit a `MessageRecord` and await its future; one writer thread takes whatever is
queued (at least one record, at most `max_batch`), writes it with `Store.write_batch`, and
resolves every future only after the commit. So a success answer always follows a commit, and
under load one fsync serves many messages.

Handlers awaiting `write` are woken once per batch, not once per message: the writer hands the
outcomes of a whole batch to their event loop in one `call_soon_threadsafe`, which sets every
future there, so a batch costs the loop one wake-up and the writer one pass for the GIL.
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


class _LoopWaiter:
    """A handler awaiting its record in an event loop (`write`)."""

    __slots__ = ("future", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future[int]) -> None:
        self.loop = loop
        self.future = future


_Waiter = Future[int] | _LoopWaiter
_Outcome = int | StoreError


class GroupCommitWriter:
    def __init__(self, open_store: Callable[[], Store], max_batch: int = 256) -> None:
        self._open_store = open_store
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._run, name="portal-writer", daemon=True)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._worker.start()

    def stop(self) -> None:
        if self._started:
            self._queue.put(_STOP)
            self._worker.join()
            self._started = False

    def submit(self, record: MessageRecord) -> Future[int]:
        """The journal id of the record, once committed (or the StoreError that stopped it)."""
        future: Future[int] = Future()
        self._queue.put((record, future))
        return future

    async def write(self, record: MessageRecord) -> int:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        self._queue.put((record, _LoopWaiter(loop, future)))
        return await future

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

    def _commit(self, store: Store, batch: list[tuple[MessageRecord, _Waiter]]) -> Store:
        records = [record for record, _waiter in batch]
        try:
            ids = store.write_batch(records)
        except ConstraintError:
            # One bad record must not fail its neighbours: store them one by one.
            _deliver([(waiter, self._commit_one(store, record)) for record, waiter in batch])
            return store
        except StoreError as error:
            _deliver([(waiter, error) for _record, waiter in batch])
            return self._reopen(store)
        _deliver(
            [(waiter, journal_id) for (_record, waiter), journal_id in zip(batch, ids, strict=True)]
        )
        return store

    def _commit_one(self, store: Store, record: MessageRecord) -> _Outcome:
        try:
            return store.write_batch([record])[0]
        except StoreError as error:
            return error

    def _reopen(self, store: Store) -> Store:
        """A lost connection is opened again for the next batch; the failed one was refused."""
        with contextlib.suppress(StoreError):
            store.close()
        try:
            return self._open_store()
        except StoreError:
            return store


def _deliver(outcomes: list[tuple[_Waiter, _Outcome]]) -> None:
    """Resolve the waiters of a batch: thread futures at once, each loop's in one callback."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[int], _Outcome]]] = {}
    for waiter, outcome in outcomes:
        if isinstance(waiter, _LoopWaiter):
            by_loop.setdefault(waiter.loop, []).append((waiter.future, outcome))
        else:
            _resolve(waiter, outcome)
    for loop, settled in by_loop.items():
        # A closed loop has nobody left waiting (the server is gone).
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, settled)


def _settle(settled: list[tuple[asyncio.Future[int], _Outcome]]) -> None:
    """In the event loop: set each future still awaited (a cancelled handler has gone)."""
    for future, outcome in settled:
        if not future.done():
            _resolve(future, outcome)


def _resolve(future: Future[int] | asyncio.Future[int], outcome: _Outcome) -> None:
    if isinstance(outcome, StoreError):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
