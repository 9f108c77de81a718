"""The PostgreSQL server the tests run against, for any test package that needs one.

`postgres_url_or_skip()` gives the server's URL (`PORTALSIM_TEST_POSTGRES_URL`, by default
`postgresql://postgres@127.0.0.1:5432/test`) or, when it cannot be reached, skips the test with
the reason, except on CI (`CI=true`), where a missing server must fail the run instead of
letting the PostgreSQL half of the suite silently vanish. `fresh_schema()` gives each test an
empty schema of its own, so tests never see each other's tables and may run in parallel.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

from mock_portal.store import mask_url

ENV_VAR = "PORTALSIM_TEST_POSTGRES_URL"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get(ENV_VAR) or DEFAULT_URL


@functools.cache
def _unreachable_reason(url: str) -> str | None:
    """Why the server cannot be used (None when it can); asked once per test session."""
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        return " ".join(str(error).split()) or type(error).__name__
    return None


def postgres_url_or_skip() -> str:
    """The test server's URL; skips the test when it is unreachable, fails it on CI."""
    url = postgres_url()
    reason = _unreachable_reason(url)
    if reason is not None:
        message = f"PostgreSQL at {mask_url(url)} is unreachable ({reason}); set {ENV_VAR}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} — CI=true, so the PostgreSQL tests must run", pytrace=False)
        pytest.skip(message)
    return url


def with_search_path(url: str, schema: str) -> str:
    """The URL with libpq `options` setting the search path, so every connection lands there."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A URL whose connections use a new empty schema, dropped with everything in it after."""
    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield with_search_path(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))
