"""write_batch: one transaction per batch, ids in order, state and bytes kept exactly.

Every test runs with the batch as a connection's first (on SQLite the careful path: BEGIN
IMMEDIATE, the ids read under the write lock) and as a later one (on SQLite one statement
through `_inbox`); both must store exactly the same.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Literal

import pytest

from contracts import Severity
from mock_portal.store import VIETNAM, ConstraintError, DossierEvent, Store

from ._factories import PROVINCE, T0, UNIT, dossier, finding, record, writes_as_later_batch


@pytest.fixture(params=["first batch", "later batch"])
def store(request: pytest.FixtureRequest, open_store: Callable[[], Store]) -> Store:
    """A migrated store whose next write_batch is its connection's first, or a later one."""
    store = open_store()
    store.migrate()
    if request.param == "later batch":
        writes_as_later_batch(store)
    return store


def test_returns_journal_ids_in_order(store: Store) -> None:
    """Ids come back in record order, increasing, and continue in the next batch."""
    first = store.write_batch([record(), record(), record()])
    second = store.write_batch([record()])
    assert first == sorted(first)
    assert len(set(first)) == 3
    assert second[0] > first[-1]
    assert [entry.id for entry in store.iter_journal()] == [*first, *second]


def test_empty_batch_writes_nothing(store: Store) -> None:
    """An empty batch is a no-op."""
    assert store.write_batch([]) == []
    assert store.journal_count() == 0


def test_batch_is_atomic(store: Store) -> None:
    """A record breaking a constraint mid-batch leaves nothing of the batch stored."""
    store.write_batch([record(states=[dossier(1)])])
    good = record(states=[dossier(2)], findings=[finding()])
    # an event for a dossier the portal has never seen breaks a foreign key
    bad = record(events=[DossierEvent("000.00.00.H56-260302-9999", "4", T0)])
    with pytest.raises(ConstraintError):
        store.write_batch([good, bad, good])
    assert store.journal_count() == 1
    assert store.findings() == []
    assert store.get_dossier(dossier(2).code) is None
    assert store.write_batch([good]) != []  # the store carries on


def test_finding_rows_carry_message_context(store: Store) -> None:
    """A stored finding names its message, unit, province and time."""
    [journal_id] = store.write_batch([record(findings=[finding("HS-002", Severity.WARNING)])])
    [row] = store.findings()
    assert (row.journal_id, row.unit, row.province) == (journal_id, UNIT, PROVINCE)
    assert (row.rule, row.severity, row.received_at) == ("HS-002", Severity.WARNING, T0)
    assert row.as_finding() == replace(finding("HS-002", Severity.WARNING), message=journal_id)


def test_dossier_state_round_trips(store: Store) -> None:
    """A DossierState comes back equal, times aware and in Asia/Ho_Chi_Minh."""
    state = replace(dossier(1), has_extension=True, due_at=None)
    store.write_batch([record(states=[state])])
    stored = store.get_dossier(state.code)
    assert stored == state
    assert stored is not None
    assert stored.received_at is not None
    assert stored.received_at.tzinfo == VIETNAM
    assert stored.received_at.microsecond == 123456


def test_naive_times_are_vietnam_local(store: Store) -> None:
    """A naive datetime is read as Asia/Ho_Chi_Minh wall time, the wire's zone."""
    naive = datetime(2026, 3, 2, 8, 15)
    store.write_batch([record(states=[replace(dossier(1), received_at=naive)])])
    stored = store.get_dossier(dossier(1).code)
    assert stored is not None
    assert stored.received_at == naive.replace(tzinfo=VIETNAM)


def test_later_state_wins_and_first_message_is_kept(store: Store) -> None:
    """Upserts update a dossier in order and remember the message that created it."""
    first, _ = store.write_batch(
        [record(states=[dossier(1, status="2")]), record(states=[dossier(1, status="4")])]
    )
    [last] = store.write_batch([record(states=[dossier(1, status="9")])])
    stored = store.get_dossier(dossier(1).code)
    assert stored is not None
    assert stored.status == "9"
    ids = store._db.query_one(
        "SELECT first_journal_id, updated_journal_id FROM dossiers WHERE code = ?",
        (dossier(1).code,),
    )
    assert ids == (first, last)
    assert store.dossier_owner(dossier(1).code) == UNIT
    assert store.dossier_owner("000.00.00.H56-260302-0404") is None


def test_events_are_kept_as_history(store: Store) -> None:
    """Status events are recorded per dossier and listed oldest first."""
    code = dossier(1).code
    later = DossierEvent(code, "4", T0 + timedelta(hours=2))
    earlier = DossierEvent(code, "2", T0)
    store.write_batch([record(states=[dossier(1)], events=[later, earlier])])
    assert store.dossier_events(code) == [earlier, later]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_vietnamese_body_is_byte_exact(store: Store, form: Literal["NFC", "NFD"]) -> None:
    """A body with 'Nguyễn Văn An' in NFC or NFD comes back with the very same bytes."""
    name = unicodedata.normalize(form, "Nguyễn Văn An")
    body = ('{"ChuHoSo":"' + name + '"}').encode()
    store.write_batch([record(body=body)])
    [entry] = store.iter_journal()
    assert entry.body == body
    assert entry.body.decode("utf-8") == '{"ChuHoSo":"' + name + '"}'


def test_invalid_utf8_body_is_kept(store: Store) -> None:
    """Bytes that are not UTF-8 are stored and returned untouched."""
    body = b'{"x":"\xff\xfe\x00"}'
    store.write_batch([record(body=body)])
    [entry] = store.iter_journal()
    assert entry.body == body


def test_hostile_text_does_not_fail_the_batch(store: Store) -> None:
    """NUL and lone surrogates in text fields are journaled, not a failed batch."""
    rec = record(path="/api/dvcqg/integration\x00x", response="ok \ud800")
    rec = replace(rec, headers={"x-evil": "\x00\ud800"})
    ids = store.write_batch([rec, record(findings=[finding(hint="a\x00b")])])
    entry, second = store.iter_journal()
    assert [entry.id, second.id] == ids
    assert entry.headers == {"x-evil": "\x00\ud800"}  # JSON escapes keep even these
    assert entry.path == "/api/dvcqg/integration\ufffdx"
    assert entry.response == "ok ?"
    assert second.findings[0].hint == "a\ufffdb"


def test_odd_finding_values_are_stored(store: Store) -> None:
    """Finding values of any shape (big numbers, nested, non-JSON) are kept as JSON."""
    values = [10**30, {"a": [1, None, True]}, "Nguyễn", None]
    store.write_batch([record(findings=[finding(value=v) for v in values])])
    assert [row.value for row in store.findings()] == values
    store.write_batch([record(findings=[finding(value={1, 2} - {2})])])
    assert store.findings(offset=4)[0].value == "{1}"


def test_large_batch_keeps_every_row_with_its_message(store: Store) -> None:
    """A batch larger than one INSERT statement takes (rows are chunked) loses nothing and
    mixes nothing up: every message keeps its own findings, dossier and event, in order."""
    count = 150  # several statements per table: 128 + 16 + 4 + 2 journal rows, more findings
    records = [
        record(
            body=b'{"n":%d}' % n,
            states=[dossier(n + 1)],
            events=[DossierEvent(dossier(n + 1).code, "2", T0)],
            findings=[finding(f"R-{n}-{k}") for k in range(3)],
        )
        for n in range(count)
    ]
    ids = store.write_batch(records)
    assert ids == sorted(ids)
    assert len(set(ids)) == count
    entries = list(store.iter_journal())
    assert [entry.id for entry in entries] == ids
    for n, entry in enumerate(entries):
        assert entry.body == b'{"n":%d}' % n
        assert [row.rule for row in entry.findings] == [f"R-{n}-{k}" for k in range(3)]
    for n, journal_id in enumerate(ids):
        code = dossier(n + 1).code
        assert store.get_dossier(code) == dossier(n + 1)
        assert store.dossier_events(code) == [DossierEvent(code, "2", T0)]
        assert store._db.query_one(
            "SELECT first_journal_id, updated_journal_id FROM dossiers WHERE code = ?", (code,)
        ) == (journal_id, journal_id)
