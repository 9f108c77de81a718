"""Message-level counts for scorecards: messages per group, and messages with findings."""

from __future__ import annotations

import pytest

from contracts import Severity
from mock_portal.store import Store

from ._factories import finding, record

HANOI_UNIT = "000.00.00.H26"


@pytest.fixture
def seeded(store: Store) -> Store:
    """Thanh Hóa: a message breaking HS-001 twice, one breaking HS-001 and TT-002, a clean one,
    a login, one refused by an injected fault; Hà Nội: one with a warning."""
    store.write_batch(
        [
            record(findings=[finding("HS-001"), finding("HS-001", path="$.data[1].MaHoSo")]),
            record(findings=[finding("HS-001"), finding("TT-002")]),
            record(),
            record(kind="login"),
            record(accepted=False, fault="error:503", response='{"error_code":10}'),
            record(
                unit=HANOI_UNIT,
                province="01",
                kind="CapNhatTienDoHoSoMC",
                findings=[finding("LC-007", Severity.WARNING)],
            ),
        ]
    )
    return store


def test_message_counts_group_by_journal_columns(seeded: Store) -> None:
    """Messages are counted per province, kind and fault label."""
    assert seeded.message_counts(("province", "kind", "fault")) == {
        ("01", "CapNhatTienDoHoSoMC", None): 1,
        ("38", "DongBoHoSoMC", None): 3,
        ("38", "DongBoHoSoMC", "error:503"): 1,
        ("38", "login", None): 1,
    }
    assert seeded.message_counts(()) == {(): 6}


def test_message_counts_with_findings_count_each_message_once(seeded: Store) -> None:
    """A message with several matching findings counts once; rules and severity filter."""
    assert seeded.message_counts(("province",), rules=["HS-001"]) == {("38",): 2}
    assert seeded.message_counts(("province",), rules=["HS-001", "TT-002"]) == {("38",): 2}
    assert seeded.message_counts(("province",), rules=["TT-002"]) == {("38",): 1}
    assert seeded.message_counts(("province",), severity="error") == {("38",): 2}
    assert seeded.message_counts(("province",), severity="warning") == {("01",): 1}
    assert seeded.message_counts(("province",), rules=[]) == {}


def test_finding_counts_distinct_messages(seeded: Store) -> None:
    """distinct_messages counts the messages having findings of a rule, not the findings."""
    assert seeded.finding_counts(("province", "rule"))[("38", "HS-001")] == 3
    assert seeded.finding_counts(("province", "rule"), distinct_messages=True) == {
        ("01", "LC-007"): 1,
        ("38", "HS-001"): 2,
        ("38", "TT-002"): 1,
    }


def test_message_counts_refuses_unknown_columns(store: Store) -> None:
    """Grouping by a column that is not a journal column is a ValueError naming it."""
    with pytest.raises(ValueError, match="body"):
        store.message_counts(("province", "body"))
