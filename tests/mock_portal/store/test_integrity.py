"""`Store.integrity_check` beyond the database's own checks: orphan rows on PostgreSQL (where a
disabled trigger or a hand-dropped constraint lets them in), migrations recorded once, amcheck."""

from __future__ import annotations

import pytest

from mock_portal.store import LATEST_VERSION, Store


def _journal_row(store: Store) -> None:
    store._db.execute(
        "INSERT INTO journal (id, received_at, kind, method, path, headers, body, status_code,"
        " response, accepted, finding_count) VALUES (1, 0, 'k', 'POST', '/', '{}', ?, 200, '', 1,"
        " 0)",
        (b"",),
    )


@pytest.mark.postgres
def test_orphan_rows_are_reported_on_postgresql(store: Store) -> None:
    if store.backend != "postgresql":
        pytest.skip("SQLite's PRAGMA foreign_key_check covers orphans")
    _journal_row(store)
    # Foreign keys are triggers on PostgreSQL: with them off, orphans get in as after damage.
    for table in ("dossiers", "dossier_events"):
        store._db.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    store._db.execute(
        "INSERT INTO dossiers (code, unit, status, procedure, applicant, first_journal_id,"
        " updated_journal_id) VALUES ('D-1', 'u', '2', 'p', 'a', 1, 99)"
    )
    store._db.execute(
        "INSERT INTO dossier_events (dossier, journal_id, status, event_at, recorded_at)"
        " VALUES ('D-2', 1, '2', 0, 0)"
    )
    assert store.integrity_check() == [
        "1 status events point at a missing dossier",
        "1 dossiers point at a missing journal entry",
    ]


def test_migrations_recorded_with_a_gap_are_reported(store: Store) -> None:
    store._db.execute("DELETE FROM schema_version WHERE version = 2")
    recorded = [version for version in range(1, LATEST_VERSION + 1) if version != 2]
    assert store.integrity_check() == [
        f"migrations recorded: {recorded}, expected 1 to {LATEST_VERSION}"
    ]


@pytest.mark.postgres
def test_amcheck_finds_nothing_in_a_sound_store(store: Store) -> None:
    """With amcheck installed (anywhere in the database), every B-tree index is checked."""
    if store.backend != "postgresql":
        pytest.skip("amcheck is a PostgreSQL extension")
    try:
        store._db.execute("CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public")
    except Exception as error:  # the server may lack contrib or the role the privilege
        pytest.skip(f"amcheck cannot be installed here: {error}")
    _journal_row(store)
    assert store.integrity_check() == []
