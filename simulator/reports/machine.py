"""Reports for machines: `scorecard.json` and `junit.xml`.

JSON (`render_json`)::

    {"report": "portalsim scorecard", "profile": "tt01-2018", "verdict": "pass",
     "bands": {"xanh": 90.0, "vàng": 75.0, "cam": 50.0},
     "summary": {"provinces": 34, "with_data": 34, "by_band": {…}, "messages": …, "scored": …,
                 "clean": …, "dossiers": …, "findings": {"error": …, "warning": …, "info": …},
                 "by_rule": {"HS-002": 12, …}, "by_family": {"HS": 14, …}},
     "gate": {"thresholds": {"max-errors": 0}, "breaches": ["all provinces: max-errors=0 (…)"],
              "waivers": [{"rule", "province", "owner", "reason", "expires",
                           "state": "applied" | "stale" | "expired", "findings", "note"}],
              "decided_on": "2026-11-22"},       # the last two only when the gate has waivers
     "rules": {"HS-002": {"severity": "error", "kind": …, "clause": …, "title_vi": …,
                          "title_en": …, "hint": …}, …},
     "run": {…what portalsim run stored, or null…},
     "scorecards": [{…one per province, as GET /admin/scorecards, its rule lines cut to
                     rule, severity, checks, passed, failed, findings…,
                     "examples": {"HS-002": [{"journal_id", "path", "value", "hint"}, …]}}]}

`verdict` is "pass", "fail" (a gate threshold broken) or "nothing checked".

JUnit XML (`render_junit`): a test suite per province, a test case per rule of the profile:
failed when the province has error findings of the rule (with example findings), skipped when
no message of the province was subject to it, passed otherwise (warnings and info findings in
`system-out`). With a gate, one more suite "gate": a test case per threshold (failed when broken,
the breach as its message) and per waiver (failed when expired).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson

from simulator.reports.gate import Gate
from simulator.reports.model import Report

__all__ = ["render_json", "render_junit"]

#: what each scorecard keeps of a rule line; the rule itself is described once under "rules"
_LINE_KEYS = ("rule", "severity", "checks", "passed", "failed", "findings")


def render_json(report: Report) -> bytes:
    gate: dict[str, Any] | None = (
        None
        if report.gate is None
        else {
            "thresholds": report.gate.to_json(),
            "breaches": [str(breach) for breach in report.breaches],
        }
    )
    if gate is not None and report.waivers:
        gate["waivers"] = [outcome.to_json() for outcome in report.waivers]
        gate["decided_on"] = report.decided_on.isoformat() if report.decided_on else None
    cards = []
    for card in report.scorecards:
        code = card["province"]["code"]
        examples = {
            line["rule"]: [
                example.to_json() for example in report.examples.get((code, line["rule"]), [])
            ]
            for line in card["rules"]
            if line["findings"]
        }
        lines = [{key: line[key] for key in _LINE_KEYS} for line in card["rules"]]
        cards.append({**card, "rules": lines, "examples": examples})
    document: dict[str, Any] = {
        "report": "portalsim scorecard",
        "profile": report.profile,
        "verdict": report.verdict,
        "bands": report.bands.to_dict(),
        "summary": report.summary(),
        "gate": gate,
        "rules": {
            rule.id: {
                "severity": rule.severity.value,
                "kind": rule.kind.value,
                "clause": rule.clause,
                "title_vi": rule.title_vi,
                "title_en": rule.title_en,
                "hint": rule.hint,
            }
            for rule in report.rules.values()
        },
        "run": report.run,
        "scorecards": cards,
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _gate_suite(report: Report, gate: Gate) -> tuple[str, dict[str, int]]:
    """A suite "gate": a case per threshold, failed when broken, and a case per waiver, failed
    when expired."""
    names = {card["province"]["code"]: card["province"]["name"] for card in report.scorecards}
    broken: dict[tuple[str, str], list[str]] = {}
    for breach in report.breaches:
        broken.setdefault((breach.scope, breach.threshold), []).append(str(breach))
    cases: list[str] = []
    failures = 0
    for scope, threshold in gate.thresholds(names):
        head = (
            f'    <testcase classname="portalsim.gate" name={quoteattr(f"{scope}: {threshold}")}>'
        )
        breaches = broken.get((scope, threshold))
        if breaches is None:
            cases.append(f"{head}</testcase>")
        else:
            failures += 1
            message = quoteattr("; ".join(breaches))
            cases.append(f'{head}\n      <failure message={message} type="gate"/>\n    </testcase>')
    for outcome in report.waivers:
        waiver = outcome.waiver
        name = f"waiver {waiver.rule} province {waiver.province} {waiver.province_name}"
        head = f'    <testcase classname="portalsim.gate" name={quoteattr(name)}>'
        text = escape(f"{outcome}\nlý do / reason: {waiver.reason}")
        if outcome.state == "expired":
            failures += 1
            cases.append(
                f'{head}\n      <failure message={quoteattr(outcome.note)} type="waiver">'
                f"{text}</failure>\n    </testcase>"
            )
        else:
            cases.append(f"{head}\n      <system-out>{text}</system-out>\n    </testcase>")
    if not report.checked:
        failures += 1
        cases.append(
            '    <testcase classname="portalsim.gate" name="something was checked">\n'
            '      <failure message="nothing was checked" type="gate"/>\n    </testcase>'
        )
    counts = {"tests": len(cases), "failures": failures, "skipped": 0}
    suite = (
        f'  <testsuite name="gate" tests="{len(cases)}" failures="{failures}" errors="0" '
        f'skipped="0">\n' + "\n".join(cases) + "\n  </testsuite>"
    )
    return suite, counts


def render_junit(report: Report) -> str:
    suites: list[str] = []
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for card in report.scorecards:
        province = card["province"]
        code = province["code"]
        cases: list[str] = []
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for line in card["rules"]:
            rule = report.rules[line["rule"]]
            counts["tests"] += 1
            name = f"{rule.id} {rule.title_vi} / {rule.title_en}"
            head = (
                f"    <testcase classname={quoteattr(f'portalsim.{code}')} name={quoteattr(name)}>"
            )
            examples = "\n".join(e.line() for e in report.examples.get((code, rule.id), []))
            if line["checks"] == 0 and not line["findings"]:
                counts["skipped"] += 1
                cases.append(f'{head}<skipped message="no message checked"/></testcase>')
            elif line["findings"] and line["severity"] == "error":
                counts["failures"] += 1
                message = (
                    f"{line['findings']} finding(s) in {line['failed']} of {line['checks']} "
                    f"message(s); {rule.clause}"
                )
                detail = f"{examples}\ngợi ý / hint: {rule.hint}"
                failure = f"<failure message={quoteattr(message)} type={quoteattr(rule.id)}>"
                cases.append(f"{head}\n      {failure}{escape(detail)}</failure>\n    </testcase>")
            elif line["findings"]:
                text = f"{line['findings']} {line['severity']} finding(s)\n{examples}"
                cases.append(
                    f"{head}\n      <system-out>{escape(text)}</system-out>\n    </testcase>"
                )
            else:
                cases.append(f"{head}</testcase>")
        for key in totals:
            totals[key] += counts[key]
        title = f"{code} {province['name']}"
        suites.append(
            f"  <testsuite name={quoteattr(title)} "
            f'tests="{counts["tests"]}" failures="{counts["failures"]}" errors="0" '
            f'skipped="{counts["skipped"]}">\n' + "\n".join(cases) + "\n  </testsuite>"
        )
    if report.gate is not None:
        suite, counts = _gate_suite(report, report.gate)
        suites.append(suite)
        for key in totals:
            totals[key] += counts[key]
    name = f"portalsim scorecard {report.profile}"
    # no `skipped` on the root: the common JUnit schema (Jenkins' xUnit) allows it on suites only
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name={quoteattr(name)} tests="{totals["tests"]}" '
        f'failures="{totals["failures"]}" errors="0">\n' + "\n".join(suites) + "\n</testsuites>\n"
    )
