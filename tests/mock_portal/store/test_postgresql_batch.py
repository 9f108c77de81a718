"""PostgreSQL batches: one statement, one round trip, the rows the careful path stores.

The writer thread must win Python's lock back after each round trip to the server; one
statement per batch is what keeps a busy event loop from stretching every commit
(`mock_portal.store._batch_postgresql`). What it stores is compared table by table with what
SQLite's careful path (BEGIN IMMEDIATE, dossier upserts one at a time) stores for the same
batches, and with what PostgreSQL stores when every record is a batch of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from mock_portal.store import ConstraintError, DossierEvent, Store
from tests._postgres import fresh_schema, postgres_url_or_skip

from ._factories import T0, dossier, finding, record, stored_rows, tricky_batches

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema."""
    with fresh_schema(postgres_url_or_skip()) as url:
        yield url


@pytest.fixture
def postgres(postgres_url: str) -> Iterator[Store]:
    """A migrated store in a fresh PostgreSQL schema."""
    with Store.open(postgres_url) as store:
        store.migrate()
        yield store


@pytest.fixture
def second_postgres() -> Iterator[Store]:
    """Another migrated store in a schema of its own, to compare with."""
    with fresh_schema(postgres_url_or_skip()) as url, Store.open(url) as store:
        store.migrate()
        yield store


def test_stores_what_the_sqlite_careful_path_stores(postgres: Store, tmp_path: Path) -> None:
    """Row for row, byte for byte: the same tables as SQLite's careful path."""
    sqlite = Store.open(f"sqlite:///{tmp_path / 'careful.db'}")
    sqlite.migrate()
    for batch in tricky_batches():
        postgres.write_batch(batch)
        sqlite.write_batch(batch)
        sqlite.close()  # a new connection: its first batch takes the careful path again
        sqlite = Store.open(f"sqlite:///{tmp_path / 'careful.db'}")
    assert stored_rows(postgres) == stored_rows(sqlite)
    sqlite.close()


def test_a_batch_stores_what_its_records_one_by_one_store(
    postgres: Store, second_postgres: Store
) -> None:
    """A batch leaves the tables as writing its records one after the other does: a dossier
    named twice in one batch ends in its later state, province and first message merged."""
    for batch in tricky_batches():
        postgres.write_batch(batch)
        for one in batch:
            second_postgres.write_batch([one])
    assert stored_rows(postgres) == stored_rows(second_postgres)
    code = dossier(2).code
    assert postgres._db.query_one(
        "SELECT first_journal_id, updated_journal_id FROM dossiers WHERE code = ?", (code,)
    ) == (4, 8)
    stored = postgres.get_dossier(code)
    assert stored is not None
    assert stored.status == "5"
    assert postgres._db.scalar("SELECT province FROM dossiers WHERE code = ?", (code,)) == "26"


def test_ids_increase_in_record_order(postgres: Store, postgres_url: str) -> None:
    """Journal ids come back in record order, increasing, as do the ids of their findings and
    events; ids another writer drew from the sequence meanwhile are skipped, not reused."""
    first = postgres.write_batch([record(body=b"%d" % n) for n in range(3)])
    with Store.open(postgres_url) as other:  # another writer process draws ids too
        other.write_batch([record()] * 7)
    records = [
        record(
            body=b"%d" % n,
            states=[dossier(n)],
            events=[DossierEvent(dossier(n).code, "2", T0)],
            findings=[finding(f"R-{n}-{k}") for k in range(2)],
        )
        for n in range(40)
    ]
    ids = postgres.write_batch(records)
    assert first == [1, 2, 3]
    assert ids == list(range(11, 51))
    entries = list(postgres.iter_journal())
    assert [(entry.id, entry.body) for entry in entries[10:]] == [
        (journal_id, b"%d" % n) for n, journal_id in enumerate(ids)
    ]
    events = postgres._db.query("SELECT journal_id FROM dossier_events ORDER BY id")
    findings = postgres._db.query("SELECT journal_id, rule FROM findings ORDER BY id")
    assert [journal_id for (journal_id,) in events] == ids
    assert findings == [(ids[n], f"R-{n}-{k}") for n in range(40) for k in range(2)]


def test_a_batch_is_one_statement_in_one_round_trip(postgres: Store, tmp_path: Path) -> None:
    """Each batch sends one statement and waits for the server once, whatever its size and
    whichever tables it fills; the server parses it once (psycopg prepares a statement, one
    text with the same parameter types, at its sixth execution)."""
    for records in ([record()], [record(findings=[finding()])] * 3, [record(states=[dossier()])]):
        postgres.write_batch(records)
        postgres.write_batch(records)
    trace = tmp_path / "libpq.trace"
    pgconn = postgres._db._conn.pgconn
    with trace.open("w") as out:
        pgconn.trace(out.fileno())
        pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            for size in (1, 17, 100):
                postgres.write_batch([record(states=[dossier(size)], findings=[finding()])] * size)
        finally:
            pgconn.untrace()
    # lines of "F|B <tab> length <tab> message <tab> details", F the messages sent
    lines = [line.split("\t") for line in trace.read_text().splitlines()]
    sent = [line[2] for line in lines if len(line) > 2 and line[0] == "F"]
    assert sent.count("Bind") == 3, "one statement per batch"
    assert sent.count("Sync") == 3, "one round trip per batch"
    assert "Parse" not in sent, "one statement text for every batch size, prepared once"


def test_a_broken_foreign_key_stores_nothing(postgres: Store) -> None:
    """An event of a dossier never seen fails the one statement whole; the store carries on."""
    postgres.write_batch([record(states=[dossier(1)])])
    orphan = DossierEvent("000.00.00.H56-260302-9999", "4", T0)
    with pytest.raises(ConstraintError):
        postgres.write_batch(
            [record(states=[dossier(2)], findings=[finding()]), record(events=[orphan])]
        )
    assert postgres.journal_count() == 1
    assert postgres.findings() == []
    assert postgres.get_dossier(dossier(2).code) is None
    assert postgres.write_batch([record()]) == [4]  # the refused batch's ids are not reused


def test_rows_may_point_at_rows_later_in_the_statement(postgres: Store) -> None:
    """Foreign keys are checked as the statement ends: an event may name a dossier that a later
    record of the same batch creates."""
    code = dossier(3).code
    ids = postgres.write_batch(
        [record(events=[DossierEvent(code, "2", T0)]), record(states=[dossier(3)])]
    )
    assert postgres.dossier_events(code) == [DossierEvent(code, "2", T0)]
    assert postgres._db.query_one(
        "SELECT first_journal_id, updated_journal_id FROM dossiers WHERE code = ?", (code,)
    ) == (ids[1], ids[1])
