"""The portal database a command reads (`portalsim report`, `portalsim verify`)."""

from __future__ import annotations

from pathlib import Path

from mock_portal.store import LATEST_VERSION, Store, StoreError, sqlite_file
from simulator.errors import InfrastructureError, UsageError

__all__ = ["open_portal_database"]


def open_portal_database(database: str) -> Store:
    """The store at `database`, of this portalsim's schema version.

    A URL of no known database, a SQLite file that does not exist, or a database of another
    version: `UsageError` (exit 2).
    A database that cannot be reached or read: `InfrastructureError` (exit 4).
    """
    try:
        path = sqlite_file(database)
    except StoreError as error:  # neither SQLite nor PostgreSQL
        raise UsageError(str(error)) from None
    if path is not None and not Path(path).is_file():
        raise UsageError(f"{database}: no such database file")
    try:
        store = Store.open(database)
    except StoreError as error:
        raise InfrastructureError(str(error)) from None
    try:
        version = store.schema_version()
    except StoreError as error:
        store.close()
        raise InfrastructureError(str(error)) from None
    if version != LATEST_VERSION:
        store.close()
        raise UsageError(
            f"{store.url}: not a portalsim database of this version (schema {version}, "
            f"expected {LATEST_VERSION})",
            hint="portalsim serve --database … migrates an older portal database",
        )
    return store
