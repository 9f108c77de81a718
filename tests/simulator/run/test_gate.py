"""The gate: thresholds from --gate items or a TOML file, checked against scorecards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.reports.gate import Gate, GateError, parse_gate

RULES = ["HS-001", "HS-002", "LC-007", "ID-003"]


def _card(code: str, name: str, score: float | None, **findings: int) -> dict[str, Any]:
    severities = {"HS-001": "error", "HS-002": "error", "LC-007": "warning", "ID-003": "warning"}
    return {
        "province": {"code": code, "name": name},
        "score": score,
        "rules": [
            {
                "rule": rule,
                "severity": severities[rule],
                "findings": findings.get(rule.replace("-", "_"), 0),
            }
            for rule in RULES
        ],
    }


CARDS = [
    _card("38", "Thanh Hóa", 80.0, HS_002=3, LC_007=2),
    _card("52", "Gia Lai", 95.0, ID_003=1),
    _card("01", "Hà Nội", None),
]


def test_items_on_the_command_line() -> None:
    """Comma-separated and repeated items merge; each broken threshold is one breach."""
    gate = parse_gate(["max-errors=0,min-score=90", "HS=2", "LC-007=5"])
    assert gate is not None
    assert [str(b) for b in gate.evaluate(CARDS)] == [
        "all provinces: max-errors=0 (3 error findings: 38 Thanh Hóa 3)",
        "all provinces: min-score=90 (38 Thanh Hóa scores 80)",
        "all provinces: HS=2 (3 findings: 38 Thanh Hóa 3)",
    ]


def test_a_toml_gate_with_province_thresholds(tmp_path: Path) -> None:
    """Top-level thresholds, a [rules] table, and a province's own thresholds."""
    path = tmp_path / "gate.toml"
    path.write_text(
        'max-warnings = 10\n[rules]\n"HS-002" = 5\n[provinces."52"]\nmax-warnings = 0\n'
        'rules = { "ID" = 0 }\n',
        encoding="utf-8",
    )
    gate = parse_gate([str(path)])
    assert gate is not None
    assert [str(b) for b in gate.evaluate(CARDS)] == [
        "province 52 Gia Lai: max-warnings=0 (1 warning findings)",
        "province 52 Gia Lai: ID=0 (1 findings)",
    ]
    assert Gate.from_json(gate.to_json()) == gate


def test_no_gate_without_specs() -> None:
    """No --gate: None (the run reports; nothing decides but whether anything was checked)."""
    assert parse_gate([]) is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("max-errors=-1", "whole number"),
        ("max-errors=lots", "not a number"),
        ("min-score=120", "at most 100"),
        ("speed=3", "unknown threshold"),
        ("=3", "KEY=VALUE"),
    ],
)
def test_bad_items_are_refused_naming_them(spec: str, message: str) -> None:
    """Each bad item: a GateError that says what is wrong."""
    with pytest.raises(GateError, match=message):
        parse_gate([spec])


def test_a_missing_or_broken_gate_file_is_refused(tmp_path: Path) -> None:
    """A file that cannot be read or is not TOML names itself."""
    with pytest.raises(GateError, match="cannot read"):
        parse_gate([str(tmp_path / "missing.toml")])
    broken = tmp_path / "broken.toml"
    broken.write_text("max-errors = [", encoding="utf-8")
    with pytest.raises(GateError, match="not a TOML gate file"):
        parse_gate([str(broken)])


def test_unknown_rules_and_provinces_are_refused() -> None:
    """A rule or family the profile lacks, or a province that is not one, is a GateError."""
    gate = parse_gate(["XX-999=0"])
    assert gate is not None
    with pytest.raises(GateError, match="neither a rule nor a rule family"):
        gate.check(RULES, ["38", "52"])
    assert parse_gate(["HS=0"]) is not None
    with pytest.raises(GateError, match="'99'"):
        Gate.from_json({"provinces": {"99": {"max-errors": 0}}}).check(RULES, ["38"])
