"""The one exception the store raises, so callers never import a database driver to catch one.

These are failures of the tool ("could not store"), not findings about a province: the portal
answers them with a 5xx and the CLI maps them to exit code 4 (infrastructure error).
"""

from __future__ import annotations

from typing import ClassVar


class StoreError(Exception):
    """The database could not be opened, migrated, read or written; the message says which URL."""

    #: exit code of the CLI when this ends a run: 4, target unreachable or infrastructure error
    exit_code: ClassVar[int] = 4


class ConstraintError(StoreError):
    """A write broke a constraint (a foreign key, a CHECK, a duplicate key); nothing was stored.

    Distinct from other failures because the cause is in the data, not the database: a group
    commit that fails with it can retry its records one by one to isolate the bad one.
    """
