"""Migrations: versioned, idempotent, safe when several processes start at once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from mock_portal.store import LATEST_VERSION, Store, StoreError


def test_migrate_twice_is_idempotent(open_store: Callable[[], Store]) -> None:
    """A second migrate changes nothing and keeps the data."""
    store = open_store()
    assert store.schema_version() == 0
    assert store.migrate() == LATEST_VERSION
    store.set_setting("kept", "yes")
    assert store.migrate() == LATEST_VERSION
    assert store.get_setting("kept") == "yes"
    rows = store._db.query("SELECT version FROM schema_version ORDER BY version")
    assert [row[0] for row in rows] == list(range(1, LATEST_VERSION + 1))


def test_concurrent_migrations(open_store: Callable[[], Store]) -> None:
    """Four connections migrating the same empty database at once all succeed, once each."""
    stores = [open_store() for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    results: list[int | BaseException] = []

    def run(store: Store) -> None:
        barrier.wait()
        try:
            results.append(store.migrate())
        except BaseException as error:  # reported below, with the other threads' outcomes
            results.append(error)

    threads = [threading.Thread(target=run, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [LATEST_VERSION] * len(stores)
    assert stores[0]._db.scalar("SELECT count(*) FROM schema_version") == LATEST_VERSION


def test_newer_schema_is_refused(store: Store) -> None:
    """A database migrated by a newer portalsim is not touched by this one."""
    store._db.execute(
        "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
        (LATEST_VERSION + 1, "from the future", 0),
    )
    with pytest.raises(StoreError, match="newer than this portalsim"):
        store.migrate()


def test_integrity_check_passes_on_fresh_store(store: Store) -> None:
    """A freshly migrated database has no problems."""
    assert store.integrity_check() == []


def test_integrity_check_reports_missing_migrations(open_store: Callable[[], Store]) -> None:
    """An unmigrated database is reported, not crashed on."""
    assert open_store().integrity_check() == [f"schema version is 0, expected {LATEST_VERSION}"]


def test_integrity_check_reports_finding_count_mismatch(store: Store) -> None:
    """A journal row whose finding_count disagrees with its findings is reported."""
    store._db.execute(
        "INSERT INTO journal (received_at, kind, method, path, headers, body, status_code,"
        " response, accepted, finding_count) VALUES (0, 'k', 'POST', '/', '{}', ?, 200, '', 1, 3)",
        (b"",),
    )
    assert store.integrity_check() == ["journal 1 says 3 findings but has 0"]
