"""Scorecards: bands, the per-rule check counts, and what the store's traffic adds up to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contracts import Finding, Severity
from contracts.profiles import load as load_profile
from mock_portal.scorecard import NO_DATA, Bands, Traffic, scorecard, scorecards
from mock_portal.store import MessageRecord, ProvinceSummary, Store
from simulator.domain import PROVINCES_2025, bundled_provinces
from tests.mock_portal.store._factories import finding, record

RULES = list(load_profile().rules)
THANH_HOA = bundled_provinces().by_code("38")
HANOI = "000.00.00.H26"


def hanoi(*findings: Finding) -> MessageRecord:
    """A dossier sync from Hà Nội with these findings."""
    return record(unit=HANOI, province="01", findings=findings)


def card_of(cards: list[dict[str, Any]], code: str) -> dict[str, Any]:
    (card,) = (card for card in cards if card["province"]["code"] == code)
    return card


def rule_line(card: dict[str, Any], rule: str) -> dict[str, Any]:
    lines: list[dict[str, Any]] = card["rules"]
    (line,) = (line for line in lines if line["rule"] == rule)
    return line


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100.0, "xanh"),
        (90.0, "xanh"),
        (89.9, "vàng"),
        (75.0, "vàng"),
        (74.9, "cam"),
        (50.0, "cam"),
        (49.9, "đỏ"),
        (0.0, "đỏ"),
        (None, NO_DATA),
    ],
)
def test_default_bands(score: float | None, band: str) -> None:
    """Scores fall into xanh ≥ 90, vàng ≥ 75, cam ≥ 50, đỏ below; no score is no data."""
    assert Bands().band(score) == band


def test_thresholds_are_configurable_and_checked() -> None:
    """Thresholds parse from "green,yellow,orange" and must descend within 0..100."""
    bands = Bands.parse("95, 80, 60")
    assert (bands.band(94.0), bands.band(79.0), bands.band(59.0)) == ("vàng", "cam", "đỏ")
    with pytest.raises(ValueError, match="three numbers"):
        Bands.parse("90,75")
    with pytest.raises(ValueError, match="orange ≤ yellow ≤ green"):
        Bands.parse("50,75,90")


def test_checks_follow_the_kinds_a_rule_applies_to() -> None:
    """A rule's checks are the judged messages of its kinds; a rule without kinds checks all."""
    assert THANH_HOA is not None
    traffic = Traffic(
        ProvinceSummary("38", 14, 12, 2, 3, findings={"HS-002": 3, "SC-001": 1}),
        judged_by_kind={"DongBoHoSoMC": 8, "CapNhatTienDoHoSoMC": 2, "login": 2},
        failing={"HS-002": 2, "SC-001": 1},
        error_messages=3,
    )
    card = scorecard(THANH_HOA, traffic, RULES, Bands())
    hs002 = rule_line(card, "HS-002")
    assert (hs002["checks"], hs002["passed"], hs002["failed"], hs002["findings"]) == (8, 6, 2, 3)
    assert rule_line(card, "LC-001")["checks"] == 2
    assert rule_line(card, "SC-001")["checks"] == 12
    assert (card["scored"], card["clean"], card["score"], card["band"]) == (10, 7, 70.0, "cam")


def test_a_silent_province_has_no_data_not_green() -> None:
    """A province that sent nothing, or only logins, has no score and the no-data band."""
    assert THANH_HOA is not None
    silent = scorecard(THANH_HOA, Traffic.silent("38"), RULES, Bands())
    assert (silent["score"], silent["band"], silent["messages"]) == (None, NO_DATA, 0)
    assert all(line["checks"] == 0 for line in silent["rules"])
    logins = Traffic(ProvinceSummary("38", 5, 5, 0, 0), judged_by_kind={"login": 5})
    assert scorecard(THANH_HOA, logins, RULES, Bands())["band"] == NO_DATA


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with Store.open(database_url) as store:
        store.migrate()
        yield store


def test_scorecards_from_stored_traffic(store: Store) -> None:
    """Thanh Hóa clean (with faults) is xanh; Hà Nội with wrong codes is lower; the rest have
    no data; the portal's injected faults are never held against a province."""
    clean = [record() for _ in range(10)] + [record(kind="login")]
    faulted = [record(accepted=False, fault="error:503") for _ in range(5)]
    delayed = [record(fault="latency:40ms") for _ in range(3)]
    wrong = [
        hanoi(finding("HS-001"), finding("HS-001", path="$.data[1].MaHoSo")),
        hanoi(finding("HS-002")),
        hanoi(finding("TT-002")),
        hanoi(finding("LC-007", Severity.WARNING)),
    ]
    store.write_batch(clean + faulted + delayed + wrong + [hanoi() for _ in range(4)])
    cards = scorecards(store, RULES)
    assert len(cards) == 34
    assert [card["province"]["code"] for card in cards] == [p.code for p in PROVINCES_2025]
    thanh_hoa = card_of(cards, "38")
    assert (thanh_hoa["score"], thanh_hoa["band"], thanh_hoa["scored"]) == (100.0, "xanh", 13)
    assert thanh_hoa["faults"] == {
        "injected": 8,
        "refused": 5,
        "by_label": {"error:503": 5, "latency:40ms": 3},
    }
    assert rule_line(thanh_hoa, "SC-001")["checks"] == 14
    hanoi_card = card_of(cards, "01")
    assert (hanoi_card["score"], hanoi_card["band"]) == (62.5, "cam")
    assert hanoi_card["wrong_dossier_codes"] == 2
    assert hanoi_card["wrong_procedure_codes"] == 1
    assert hanoi_card["late_status_updates"] == 1
    hs001 = rule_line(hanoi_card, "HS-001")
    assert (hs001["severity"], hs001["kind"], hs001["clause"]) == (
        "error",
        "schema",
        "TT 01/2018/TT-VPCP Điều 19",
    )
    assert (hs001["checks"], hs001["passed"], hs001["failed"], hs001["findings"]) == (8, 7, 1, 2)
    silent = card_of(cards, "04")
    assert (silent["score"], silent["band"]) == (None, NO_DATA)
