"""`portalsim rules --coverage`: the rules each plan case verifies, and the rules no case covers."""

from __future__ import annotations

import io
import json

from contracts.profiles import load as load_profile
from simulator.cli import run
from simulator.conform import plan as plans
from simulator.conform.coverage import plan_coverage
from simulator.conform.plan import PLAN, PlanCase, PlanGroup


def _run(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_json_lists_every_case_and_every_rule_with_its_cases() -> None:
    """Each case of the plan with its rules; each rule of the profile with the cases naming it."""
    code, out, _err = _run("rules", "--coverage", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert [c["case"] for c in document["cases"]] == [case.id for case in PLAN.cases()]
    push_004 = next(c for c in document["cases"] if c["case"] == "PUSH-004")
    assert push_004["rules"] == list(PLAN.case("PUSH-004").rules)  # type: ignore[union-attr]
    rules = {entry["rule"]: entry["cases"] for entry in document["rules"]}
    assert set(rules) == {rule.id for rule in load_profile().rules}
    assert "PUSH-004" in rules["HS-001"]
    for rule_id in document["uncovered"]:
        assert rules[rule_id] == []
        assert all(rule_id not in case.rules for case in PLAN.cases())
    summary = document["summary"]
    assert summary["covered"] + summary["uncovered"] == summary["rules"]


def test_text_names_the_uncovered_rules_and_the_share_covered() -> None:
    """The text view lists each uncovered rule and the count and share of rules covered."""
    code, out, _err = _run("rules", "--coverage")
    coverage = plan_coverage(PLAN, load_profile().rules, "tt01-2018")
    assert code == 0
    assert "PUSH-004      HS-001" in out
    section = out[out.index("rules no case covers") :]
    for rule in coverage.uncovered:
        assert rule.id in section
    assert f"{coverage.covered}/{len(coverage.rules)} quy tắc được phủ / rules covered" in out


def test_a_rule_the_profile_lacks_is_reported_not_hidden() -> None:
    """A plan naming an unknown rule shows it as unknown; the rule named by no case is uncovered."""
    rules = [rule for rule in load_profile().rules if rule.id in ("HS-001", "HS-002")]
    case = PlanCase("X-001", "X", "t", "t", "d", ("HS-001", "ZZ-404"), ())
    plan = plans.TestPlan("tiny", "tiny", (PlanGroup("X", "x", "x", "x", (case,)),))
    coverage = plan_coverage(plan, rules, "tt01-2018")
    assert coverage.unknown == ("ZZ-404",)
    assert [rule.id for rule in coverage.uncovered] == ["HS-002"]
    assert coverage.by_rule["HS-001"] == ("X-001",)
