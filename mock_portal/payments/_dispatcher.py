"""The platform's outbound calls run on an event loop of their own, in one background thread.

Callbacks outlive the request that caused them (a payment settled on the payer's page is
confirmed to the province afterwards, with retries spread over seconds or minutes), so they
cannot live on a request's event loop: with several servers, or a test client that runs its
loop only during a request, nothing would drive them. The dispatcher owns a thread, its loop,
one `httpx.AsyncClient` and one store connection; `submit` hands it a coroutine from any thread
and returns a `concurrent.futures.Future`. `stop` cancels whatever is still running (a pending
retry sleeps no longer than the portal lives), closes the client and joins the thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from mock_portal.store import Store

T = TypeVar("T")
Job = Callable[[Store, httpx.AsyncClient], Awaitable[T]]

#: how long `stop` waits for cancelled calls to wind up
_STOP_TIMEOUT_S = 10.0


class Dispatcher:
    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._store: Store | None = None
        self._http: httpx.AsyncClient | None = None
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._loop is not None and not self._stopped

    def start(self) -> None:
        """Start the thread (idempotent); calls can be submitted once this returns."""
        with self._lock:
            if self._thread is not None or self._stopped:
                return
            ready = threading.Event()
            failure: list[BaseException] = []
            self._thread = threading.Thread(
                target=self._run, args=(ready, failure), name="portalsim-payments", daemon=True
            )
            self._thread.start()
            ready.wait()
            if failure:
                self._thread.join()
                self._thread = None
                raise failure[0]

    def submit(self, job: Job[T]) -> concurrent.futures.Future[T]:
        """Run `job(store, http)` on the dispatcher's loop; starts the dispatcher if need be."""
        if self._loop is None:
            self.start()
        loop = self._loop
        if loop is None or self._stopped:
            raise RuntimeError("the payment platform's dispatcher has stopped")
        store, http = self._store, self._http
        assert store is not None
        assert http is not None
        return asyncio.run_coroutine_threadsafe(_call(job, store, http), loop)

    def stop(self) -> None:
        """Cancel the calls in flight, close the client and the store, end the thread."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError, concurrent.futures.TimeoutError):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(_STOP_TIMEOUT_S)
        with contextlib.suppress(RuntimeError):  # the loop may be closed already
            loop.call_soon_threadsafe(loop.stop)
        thread.join(_STOP_TIMEOUT_S)

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            self._store = Store.open(self._database_url)
            # No proxies from the environment: callback URLs are the provinces' own addresses.
            self._http = httpx.AsyncClient(follow_redirects=False, trust_env=False)
        except BaseException as error:  # handed to `start`, which raises it
            failure.append(error)
            loop.close()
            ready.set()
            return
        self._loop = loop
        ready.set()
        try:
            loop.run_forever()
        finally:
            self._store.close()
            loop.close()

    async def _shutdown(self) -> None:
        current = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()


async def _call(job: Job[T], store: Store, http: httpx.AsyncClient) -> T:
    return await job(store, http)
