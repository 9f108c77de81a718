"""Every store test runs twice: on SQLite in a temporary directory and on PostgreSQL in a fresh
schema (marked `postgres`; skipped when no server is reachable, except on CI)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from mock_portal.store import Store


@pytest.fixture
def store_url(database_url: str) -> str:
    """The URL of an empty database, not yet migrated (see `database_url` one folder up)."""
    return database_url


@pytest.fixture
def open_store(store_url: str) -> Iterator[Callable[[], Store]]:
    """Opens further connections to the test database; all are closed after the test."""
    opened: list[Store] = []

    def factory() -> Store:
        store = Store.open(store_url)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    """A migrated store on the backend under test."""
    store = open_store()
    store.migrate()
    return store
