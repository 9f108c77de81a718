"""Which rules of a profile the conformance plan verifies, case by case, and which it does not.

    plan_coverage(plan: TestPlan, rules: Iterable[Rule], profile: str) -> Coverage
    write_coverage(coverage, out)                          # text, `portalsim rules --coverage`
    Coverage.to_json() -> dict                             # `--format json`

A rule is covered when at least one case of the plan names it among the rules it verifies. Rules
the plan names but the profile lacks are listed as unknown (a plan bug, shown rather than
hidden).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from contracts import Rule
from simulator.conform.plan import TestPlan

__all__ = ["CaseCoverage", "Coverage", "plan_coverage", "write_coverage"]


@dataclass(frozen=True, slots=True)
class CaseCoverage:
    case_id: str
    group_id: str
    title: str
    rules: tuple[str, ...]
    clauses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    profile: str
    plan: str
    cases: tuple[CaseCoverage, ...]
    #: every rule of the profile, in profile order
    rules: tuple[Rule, ...]
    #: rule ID → the cases verifying it (empty: not covered)
    by_rule: dict[str, tuple[str, ...]]
    #: rule IDs the plan names that the profile does not have
    unknown: tuple[str, ...]

    @property
    def uncovered(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if not self.by_rule[rule.id])

    @property
    def covered(self) -> int:
        return len(self.rules) - len(self.uncovered)

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "plan": self.plan,
            "summary": {
                "rules": len(self.rules),
                "covered": self.covered,
                "uncovered": len(self.uncovered),
                "cases": len(self.cases),
            },
            "cases": [
                {
                    "case": case.case_id,
                    "group": case.group_id,
                    "title": case.title,
                    "rules": list(case.rules),
                    "clauses": list(case.clauses),
                }
                for case in self.cases
            ],
            "rules": [
                {
                    "rule": rule.id,
                    "severity": rule.severity.value,
                    "kind": rule.kind.value,
                    "title_en": rule.title_en,
                    "cases": list(self.by_rule[rule.id]),
                }
                for rule in self.rules
            ],
            "uncovered": [rule.id for rule in self.uncovered],
            "unknown": list(self.unknown),
        }


def plan_coverage(plan: TestPlan, rules: Iterable[Rule], profile: str) -> Coverage:
    ordered = tuple(rules)
    by_rule: dict[str, list[str]] = {rule.id: [] for rule in ordered}
    unknown: dict[str, None] = {}
    cases = []
    for planned in plan.cases():
        cases.append(
            CaseCoverage(planned.id, planned.group, planned.title, planned.rules, planned.clauses)
        )
        for rule_id in planned.rules:
            if rule_id in by_rule:
                by_rule[rule_id].append(planned.id)
            else:
                unknown[rule_id] = None
    return Coverage(
        profile=profile,
        plan=plan.id,
        cases=tuple(cases),
        rules=ordered,
        by_rule={rule_id: tuple(ids) for rule_id, ids in by_rule.items()},
        unknown=tuple(unknown),
    )


def write_coverage(coverage: Coverage, out: TextIO) -> None:
    out.write(
        f"Độ phủ của kế hoạch / plan coverage — {coverage.plan} "
        f"(profile {coverage.profile})\n\n"
        "Ca kiểm thử và quy tắc / cases and the rules they verify:\n"
    )
    width = max(len(case.case_id) for case in coverage.cases) if coverage.cases else 8
    for case in coverage.cases:
        rules = " ".join(case.rules) or "— (hành vi giao thức / protocol behaviour, no rule)"
        out.write(f"  {case.case_id:<{width}}  {rules}\n")
    out.write("\nQuy tắc và ca kiểm thử / rules and the cases verifying them:\n")
    for rule in coverage.rules:
        cases = coverage.by_rule[rule.id]
        shown = ", ".join(cases) if cases else "— chưa có ca nào / no case"
        out.write(f"  {rule.id:<8}{rule.severity.value:<9}{shown}\n")
    uncovered = coverage.uncovered
    if uncovered:
        out.write(f"\nQuy tắc chưa có ca nào / rules no case covers ({len(uncovered)}):\n")
        for rule in uncovered:
            out.write(
                f"  {rule.id:<8}{rule.severity.value:<9}{rule.kind.value:<13}{rule.title_vi} — "
                f"{rule.title_en}\n"
            )
    if coverage.unknown:
        out.write(
            "\nQuy tắc không có trong profile / rules the plan names that the profile lacks: "
            + ", ".join(coverage.unknown)
            + "\n"
        )
    total = len(coverage.rules)
    share = 100 * coverage.covered / total if total else 0.0
    out.write(
        f"\n{coverage.covered}/{total} quy tắc được phủ / rules covered ({share:.1f} %) "
        f"by {len(coverage.cases)} ca / cases\n"
    )
