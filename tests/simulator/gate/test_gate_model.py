"""The gate's thresholds by severity and its waivers, on scorecards made by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from simulator.reports.gate import Gate, GateError, parse_gate

GATES = Path(__file__).parent / "data" / "gates"
SEVERITY = {"HS-002": "error", "HS-005": "info", "NG-003": "warning"}


def _card(code: str, name: str, **findings: int) -> dict[str, Any]:
    lines = [
        {"rule": rule, "severity": severity, "findings": findings.get(rule.replace("-", "_"), 0)}
        for rule, severity in SEVERITY.items()
    ]
    return {"province": {"code": code, "name": name}, "score": 90.0, "rules": lines}


CARDS = [_card("38", "Thanh Hóa", HS_002=2, NG_003=4), _card("01", "Hà Nội", HS_005=1)]


def test_severity_items_count_only_that_severity() -> None:
    """`HS.error` counts HS errors only; `NG.warning` the warnings of the NG family."""
    gate = parse_gate(["HS.error=1,HS.info=1,NG.warning=3"])
    assert gate is not None
    assert [str(b) for b in gate.evaluate(CARDS)] == [
        "all provinces: HS.error=1 (2 findings: 38 Thanh Hóa 2)",
        "all provinces: NG.warning=3 (4 findings: 38 Thanh Hóa 4)",
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [("HS.fatal=0", "unknown threshold"), ("HS.error=x", "not a number")],
)
def test_bad_severity_items_are_refused(spec: str, message: str) -> None:
    """A severity that is not error, warning or info, or a bad count: GateError naming it."""
    with pytest.raises(GateError, match=message):
        parse_gate([spec])


def test_a_stored_gate_with_waivers_reads_back_the_same() -> None:
    """What `portalsim run` stores (to_json) reads back with the same thresholds and waivers,
    and judges the same."""
    gate = parse_gate([str(GATES / "fail-expired-waiver.toml"), "HS.error=3"])
    assert gate is not None
    stored = Gate.from_json(gate.to_json())
    assert stored.overall == gate.overall
    keep = ("rule", "province", "owner", "reason", "expires")
    assert [[getattr(w, k) for k in keep] for w in stored.waivers] == [
        [getattr(w, k) for k in keep] for w in gate.waivers
    ]
    day = dt.date(2026, 11, 22)
    assert [b.threshold for b in stored.evaluate(CARDS, day)] == [
        b.threshold for b in gate.evaluate(CARDS, day)
    ]


def test_a_waiver_of_an_unknown_rule_is_refused_by_check() -> None:
    """The profile decides which rules a waiver may name."""
    gate = parse_gate([str(GATES / "bad-unknown-rule.toml")])
    assert gate is not None
    with pytest.raises(GateError, match="unknown rule"):
        gate.check(SEVERITY, ["38", "01"])
