"""Opening databases: URLs, pragmas, clear errors, one SQL dialect for both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_portal.store import Store, StoreError, mask_url
from mock_portal.store._database import Database, parse_url, to_pyformat


def test_plain_path_opens_sqlite(tmp_path: Path) -> None:
    """A bare file path means an SQLite database at that path."""
    with Store.open(str(tmp_path / "plain.db")) as store:
        assert store.backend == "sqlite"
        assert store.migrate() >= 1
    assert (tmp_path / "plain.db").exists()


def test_sqlite_url_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sqlite:///rel/x.db is relative to the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rel").mkdir()
    with Store.open("sqlite:///rel/x.db"):
        pass
    assert (tmp_path / "rel" / "x.db").exists()


def test_sqlite_url_absolute_path(tmp_path: Path) -> None:
    """sqlite:////abs/x.db (four slashes) is an absolute path."""
    assert parse_url(f"sqlite:///{tmp_path}/x.db").location == f"{tmp_path}/x.db"
    with Store.open(f"sqlite:///{tmp_path}/x.db"):
        pass
    assert (tmp_path / "x.db").exists()


@pytest.mark.parametrize("url", [":memory:", "sqlite://", "sqlite:///:memory:"])
def test_memory_urls(url: str) -> None:
    """The in-memory spellings open a private SQLite database that works like a file."""
    with Store.open(url) as store:
        store.migrate()
        store.set_setting("k", "v")
        assert store.get_setting("k") == "v"


def test_sqlite_pragmas(tmp_path: Path) -> None:
    """A file database runs in WAL mode, synchronous=NORMAL, with foreign keys enforced."""
    db = Database.open(str(tmp_path / "p.db"))
    try:
        assert db.scalar("PRAGMA journal_mode") == "wal"
        assert db.scalar("PRAGMA synchronous") == 1  # NORMAL
        assert db.scalar("PRAGMA foreign_keys") == 1
        assert db.scalar("PRAGMA busy_timeout") > 0
    finally:
        db.close()


def test_unsupported_scheme_names_url_and_masks_password() -> None:
    """An unknown scheme is a StoreError naming the URL, with the password hidden."""
    with pytest.raises(StoreError) as caught:
        Store.open("mysql://portal:s3cret@db.example/portal")
    message = str(caught.value)
    assert "mysql://portal:***@db.example/portal" in message
    assert "s3cret" not in message


def test_missing_directory_is_store_error(tmp_path: Path) -> None:
    """A path in a directory that does not exist says which directory."""
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(str(tmp_path / "nowhere" / "x.db"))


def test_not_a_database_is_store_error(tmp_path: Path) -> None:
    """A file that is not an SQLite database is refused with its name in the message."""
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, just some text" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        Store.open(str(junk))


def test_malformed_sqlite_url_is_store_error() -> None:
    """sqlite: without a path explains the expected spelling."""
    with pytest.raises(StoreError, match="sqlite:///relative"):
        Store.open("sqlite://host/x.db")


def test_unreachable_postgres_is_store_error_with_masked_password() -> None:
    """A server that refuses connections is a StoreError naming the URL, never the password."""
    url = "postgresql://portal:s3cret@127.0.0.1:1/portal?connect_timeout=3"
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = str(caught.value)
    assert "cannot connect to" in message
    assert "postgresql://portal:***@127.0.0.1:1/portal" in message
    assert "s3cret" not in message


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        ("postgresql://h/db?user=u&password=pw", "postgresql://h/db?user=u&password=***"),
        ("/var/lib/portal.db", "/var/lib/portal.db"),
    ],
)
def test_mask_url(url: str, masked: str) -> None:
    """Passwords in the user-info part or the query string are masked; nothing else is."""
    assert mask_url(url) == masked


def test_placeholders_translate_for_psycopg() -> None:
    """`?` becomes `%s` and a literal `%` is doubled, so psycopg reads the SQL as written."""
    assert to_pyformat("a = ? AND b LIKE 'x%'") == "a = %s AND b LIKE 'x%%'"


def test_postgres_scheme_aliases() -> None:
    """postgres:// and postgresql+psycopg:// both select PostgreSQL."""
    assert parse_url("postgres://u@h/db").backend == "postgresql"
    assert parse_url("postgresql+psycopg://u@h/db").location == "postgresql://u@h/db"


def test_failed_transaction_rolls_back_everything(store: Store) -> None:
    """An error inside a transaction undoes every statement of it, nested ones included."""
    db = store._db

    def failing_work() -> None:
        with db.transaction():
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("a", "1"))
            with db.transaction():
                db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("b", "2"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_work()
    assert store.get_setting("a") is None
    assert store.get_setting("b") is None
    store.set_setting("c", "3")  # the connection is usable afterwards
    assert store.get_setting("c") == "3"


def test_write_cannot_nest_in_read_transaction(store: Store) -> None:
    """Nesting a write in a read-only snapshot is a programming error, caught at once."""
    db = store._db

    def nest() -> None:
        with db.transaction(write=False), db.transaction():
            pass

    with pytest.raises(RuntimeError, match="cannot nest"):
        nest()
    store.set_setting("after", "ok")  # the read transaction was ended
    assert store.get_setting("after") == "ok"
