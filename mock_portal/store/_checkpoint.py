"""SQLite's WAL checkpoints on a thread of their own, off the commit path.

In WAL mode SQLite appends commits to the `-wal` file and copies them into the database file at
a checkpoint. By default the connection whose commit makes the WAL pass 1,000 pages runs that
checkpoint inside its COMMIT: for the portal's group-commit writer, about one batch in a hundred
took 7-10 ms (more on a busy disk) instead of 0.4 ms, and every request of that batch waited
for it, which made the portal's p99 latency.

`WalCheckpointer` runs a PASSIVE checkpoint every `interval` seconds on its own connection. A
passive checkpoint never blocks the writer nor readers: it copies what is committed so far, and
once it has caught up with the log, the writer's next transaction starts the WAL again from
the beginning (SQLite restarts the log itself when every frame is in the database file and no
reader still uses them). So the WAL stays below the 1,000 pages that would make the writer
checkpoint itself; if the checkpointer ever falls behind, SQLite's own checkpoint in the
writer's commit still bounds the WAL, as before. Durability is unchanged: a commit is in the
WAL when COMMIT returns, checkpointed or not.

PostgreSQL and in-memory SQLite databases need none (`for_url` gives None).
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress

from mock_portal.store._database import sqlite_connection, sqlite_file

#: seconds between checkpoints: at the portal's rates, a few hundred WAL pages at most
DEFAULT_INTERVAL = 0.2


class WalCheckpointer:
    """A daemon thread that checkpoints one SQLite database file until stopped."""

    def __init__(self, path: str, interval: float = DEFAULT_INTERVAL) -> None:
        self._path = path
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        #: checkpoints run so far (for tests and diagnostics)
        self.checkpoints = 0

    @classmethod
    def for_url(cls, url: str, interval: float = DEFAULT_INTERVAL) -> WalCheckpointer | None:
        """A checkpointer for a SQLite file URL; None for PostgreSQL or `:memory:`."""
        path = sqlite_file(url)
        return cls(path, interval) if path is not None else None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="portal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the checkpoint in progress, if any (one last one runs)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping.set()
            thread.join()

    def checkpoint(self, connection: sqlite3.Connection) -> None:
        # PASSIVE: copy what no reader still needs, never wait for the writer or readers.
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
        self.checkpoints += 1

    def _run(self) -> None:
        try:
            connection = sqlite_connection(self._path)
        except sqlite3.Error:
            return  # the writer's own checkpoints still bound the WAL
        try:
            while True:
                stopping = self._stopping.wait(self._interval)
                # A failed checkpoint (a busy disk, a lock) is retried at the next interval.
                with suppress(sqlite3.Error):
                    self.checkpoint(connection)
                if stopping:
                    return
        finally:
            connection.close()
