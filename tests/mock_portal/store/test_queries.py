"""Report queries: finding filters, counts, journal counts, per-province aggregates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contracts import Severity
from mock_portal.store import ProvinceSummary, Store

from ._factories import T0, dossier, finding, record

HANOI_UNIT = "000.00.00.H26"


@pytest.fixture
def seeded(store: Store) -> Store:
    """Two provinces, a message without one, three rules over three hours."""
    store.write_batch(
        [
            record(at=T0, findings=[finding("HS-001"), finding("SC-002")], states=[dossier(1)]),
            record(
                at=T0 + timedelta(hours=1),
                accepted=False,
                findings=[finding("HS-001", Severity.WARNING)],
                states=[dossier(2, status="4")],
            ),
            record(
                at=T0 + timedelta(hours=2),
                unit=HANOI_UNIT,
                province="01",
                kind="CapNhatTienDoHoSoMC",
                fault="timeout",
                findings=[finding("TL-001")],
                states=[dossier(3, unit=HANOI_UNIT, status="4")],
            ),
            record(at=T0, unit=None, province=None, kind="login", accepted=False),
        ]
    )
    return store


def test_findings_filters(seeded: Store) -> None:
    """Each filter narrows the findings; filters combine."""
    assert len(seeded.findings()) == 4
    assert {row.rule for row in seeded.findings(province="01")} == {"TL-001"}
    assert len(seeded.findings(unit=HANOI_UNIT)) == 1
    assert len(seeded.findings(rule="HS-001")) == 2
    assert len(seeded.findings(rule="HS-001", severity="warning")) == 1
    assert len(seeded.findings(since=T0 + timedelta(hours=1))) == 2
    assert len(seeded.findings(until=T0 + timedelta(hours=1))) == 2
    assert len(seeded.findings(province="38", since=T0, until=T0 + timedelta(hours=2))) == 3
    first = seeded.findings()[0].journal_id
    assert {row.rule for row in seeded.findings(journal_id=first)} == {"HS-001", "SC-002"}


def test_findings_paging(seeded: Store) -> None:
    """limit and offset page through findings in id order."""
    everything = seeded.findings()
    assert seeded.findings(limit=2) == everything[:2]
    assert seeded.findings(limit=2, offset=2) == everything[2:]
    assert [row.id for row in everything] == sorted(row.id for row in everything)


def test_finding_counts(seeded: Store) -> None:
    """Findings are counted by any combination of province, unit, rule and severity."""
    assert seeded.finding_counts() == {
        ("01", "TL-001"): 1,
        ("38", "HS-001"): 2,
        ("38", "SC-002"): 1,
    }
    assert seeded.finding_counts(("severity",)) == {("error",): 3, ("warning",): 1}
    assert seeded.finding_counts((), province="38") == {(): 3}
    assert seeded.finding_counts(("rule",), since=T0 + timedelta(hours=2)) == {("TL-001",): 1}


def test_finding_counts_refuses_unknown_column(seeded: Store) -> None:
    """Grouping by anything but the known columns is an error, never SQL."""
    with pytest.raises(ValueError, match="cannot group"):
        seeded.finding_counts(("province; DROP TABLE findings",))


def test_journal_count(seeded: Store) -> None:
    """Journal counts honour province, unit, kind, outcome, fault and time filters."""
    assert seeded.journal_count() == 4
    assert seeded.journal_count(province="38") == 2
    assert seeded.journal_count(unit=HANOI_UNIT) == 1
    assert seeded.journal_count(kind="login") == 1
    assert seeded.journal_count(accepted=False) == 2
    assert seeded.journal_count(faulted=True) == 1
    assert seeded.journal_count(faulted=False, accepted=True) == 1
    assert seeded.journal_count(since=T0 + timedelta(minutes=1)) == 2


def test_dossier_status_counts(seeded: Store) -> None:
    """Dossiers are counted per current status, overall or in one province."""
    assert seeded.dossier_status_counts() == {"2": 1, "4": 2}
    assert seeded.dossier_status_counts("01") == {"4": 1}


def test_province_summary(seeded: Store) -> None:
    """Each province gets its messages, outcomes, dossiers, findings and faults."""
    assert seeded.province_summary() == [
        ProvinceSummary("01", 1, 1, 0, 1, {"4": 1}, {"TL-001": 1}, {"timeout": 1}),
        ProvinceSummary("38", 2, 1, 1, 2, {"2": 1, "4": 1}, {"HS-001": 2, "SC-002": 1}, {}),
        ProvinceSummary(None, 1, 0, 1, 0, {}, {}, {}),
    ]


def test_province_summary_of_empty_store(store: Store) -> None:
    """An empty store summarises to nothing."""
    assert store.province_summary() == []
