"""Crash durability of `portalsim serve` on SQLite and PostgreSQL (see `_crash` for the method).

Default run: two seeded kill points per backend, one database each. `-m slow`: ten kill
points per backend, and SQLite served by two worker processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._figures import record_figures
from tests._postgres import fresh_schema, postgres_url_or_skip
from tests.mock_portal.durability._crash import CrashFigures, run_crash_rounds

SEED = 20260302


def _record(name: str, figures: CrashFigures) -> None:
    record_figures("durability", {name: figures.as_json()})


def test_sqlite_keeps_every_acknowledged_message_through_kills(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/portal.db"
    figures = run_crash_rounds(database, tmp_path, backend="sqlite", rounds=2, seed=SEED)
    _record("sqlite", figures)
    assert figures.stored_of_acked == figures.acked_messages > 0


@pytest.mark.postgres
def test_postgresql_keeps_every_acknowledged_message_through_kills(tmp_path: Path) -> None:
    with fresh_schema(postgres_url_or_skip()) as url:
        figures = run_crash_rounds(url, tmp_path, backend="postgresql", rounds=2, seed=SEED)
    _record("postgresql", figures)
    assert figures.stored_of_acked == figures.acked_messages > 0


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sqlite_through_many_kills(tmp_path: Path, workers: int) -> None:
    database = f"sqlite:///{tmp_path}/portal.db"
    figures = run_crash_rounds(
        database, tmp_path, backend="sqlite", rounds=10, seed=SEED + workers, workers=workers
    )
    _record(f"sqlite_slow_{workers}_workers", figures)
    assert figures.stored_of_acked == figures.acked_messages > 0


@pytest.mark.slow
@pytest.mark.postgres
def test_postgresql_through_many_kills(tmp_path: Path) -> None:
    with fresh_schema(postgres_url_or_skip()) as url:
        figures = run_crash_rounds(url, tmp_path, backend="postgresql", rounds=10, seed=SEED + 7)
    _record("postgresql_slow", figures)
    assert figures.stored_of_acked == figures.acked_messages > 0
