"""The conformance run for machines: `results.json` and `junit.xml`.

    render_json(result: PlanResult, verdict: Verdict) -> bytes
    render_junit(result: PlanResult, verdict: Verdict) -> str

JSON::

    {"report": "portalsim conform", "plan": "tt01-2018-province", "target": "http://…",
     "province": {"code": "52", "name": "Gia Lai"},
     "verdict": {"status": "fail", "exit_code": 1, "reasons": [...], "decided_on": "2026-11-22",
                 "counts": {"pass": …, "fail": …, "waived": …, "skip": …, "error": …},
                 "waiver_file": "waivers.toml" | null,
                 "waivers": [{entry, case, rule, province, owner, reason, expires,
                              state: applied|expired|stale|unused|not run, fails_gate, note}],
                 "notes": [...]},
     "groups": [{"group": "PUSH", "counts": {…}}],
     "cases": [{"case_id", "group_id", "title", "outcome" (what the case found),
                "status" (after waivers: pass|fail|waived|skip|error), "note",
                "waiver": {…} | null, "rules", "clauses", "reason", "hint"}],
     "result": {…PlanResult.to_json(): every case with its evidence, credentials redacted…}}

`portalsim` reads a `results.json` back with `load_result` (its "result" member), so every
output can be re-rendered from it.

JUnit XML (valid against the common JUnit schema of CI systems, the one of Jenkins' xUnit
plugin): a `testsuite` per group, a `testcase` per plan case (`classname` = group, `name` = case
ID and title, `time` = its duration): `failure` (message = reason; body = rules, clauses, hint)
for a failure, `error` for a case that could not run, `skipped` (with the reason) for a skipped
case and for a waived failure (message "miễn trừ / waived until …"), so CI dashboards do not
count an accepted failure as a new one. The evidence goes to the case's `system-out`. The rules
and clauses of each case are `property` elements of its suite (`PUSH-004.rules`,
`PUSH-004.clauses`): the schema has no properties on a test case.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson

from simulator.conform.console import province_label
from simulator.conform.evidence import exchange_text, redact_result
from simulator.conform.results import PlanResult
from simulator.conform.verdict import CaseVerdict, Verdict
from simulator.domain import PROVINCES_2025

__all__ = ["REPORT_NAME", "render_json", "render_junit"]

REPORT_NAME = "portalsim conform"
_PROVINCE_NAMES = {province.code: province.name for province in PROVINCES_2025}
#: characters XML 1.0 cannot hold, even escaped (a binary body must not break the file)
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_json(result: PlanResult, verdict: Verdict) -> bytes:
    document: dict[str, Any] = {
        "report": REPORT_NAME,
        "plan": result.plan_id,
        "target": result.target,
        "province": {"code": result.province, "name": _PROVINCE_NAMES.get(result.province)},
        "verdict": verdict.to_json(),
        "groups": [{"group": group, "counts": verdict.counts(group)} for group in result.groups()],
        "cases": [
            {
                "case_id": case.case.case_id,
                "group_id": case.case.group_id,
                "title": case.case.title,
                "outcome": case.case.outcome,
                "status": case.status,
                "note": case.note,
                "waiver": None if case.waiver is None else case.waiver.to_json(),
                "rules": list(case.case.rules),
                "clauses": list(case.case.clauses),
                "reason": case.case.reason,
                "hint": case.case.hint,
            }
            for case in verdict.cases
        ],
        # credentials out, as in every output: results.json is a CI artifact too
        "result": redact_result(result).to_json(),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", value))


def _details(case: CaseVerdict) -> str:
    result = case.case
    lines = [result.description] if result.description else []
    if result.reason:
        lines.append(f"lý do / reason: {result.reason}")
    if result.rules:
        lines.append(f"quy tắc / rules: {', '.join(result.rules)}")
    if result.clauses:
        lines.append(f"điều khoản / clauses: {'; '.join(result.clauses)}")
    if result.hint:
        lines.append(f"gợi ý / hint: {result.hint}")
    if case.note:
        lines.append(f"ghi chú / note: {case.note}")
    return "\n".join(lines)


def _evidence(case: CaseVerdict) -> str:
    exchanges = case.case.evidence
    if not exchanges:
        return ""
    blocks = [
        f"--- bằng chứng / evidence {number}/{len(exchanges)} ---\n{exchange_text(exchange)}"
        for number, exchange in enumerate(exchanges, start=1)
    ]
    return "\n\n".join(blocks)


def _testcase(case: CaseVerdict) -> str:
    result = case.case
    head = (
        f"    <testcase classname={_attr(result.group_id)} "
        f'name={_attr(f"{result.case_id} {result.title}")} time="{result.duration_s:.3f}" '
        f"timestamp={_attr(result.started_at.isoformat())}>"
    )
    reason = result.reason or case.status
    children: list[str] = []
    if case.status == "fail":
        children.append(
            f"<failure message={_attr(reason)} type={_attr(','.join(result.rules) or 'fail')}>"
            f"{_text(_details(case))}</failure>"
        )
    elif case.status == "error":
        children.append(
            f'<error message={_attr(reason)} type="error">{_text(_details(case))}</error>'
        )
    elif case.status == "skip":
        children.append(f"<skipped message={_attr(reason)}/>")
    elif case.status == "waived":
        children.append(f"<skipped message={_attr(f'miễn trừ / waived: {case.note}')}/>")
    out = _evidence(case)
    if case.status == "waived":
        out = f"{_details(case)}\n\n{out}".strip()
    if out:
        children.append(f"<system-out>{_text(out)}</system-out>")
    if not children:
        return f"{head}</testcase>"
    return head + "\n      " + "\n      ".join(children) + "\n    </testcase>"


def _property(name: str, value: str) -> str:
    return f"      <property name={_attr(name)} value={_attr(value)}/>"


def render_junit(result: PlanResult, verdict: Verdict) -> str:
    suites: list[str] = []
    for group in result.groups():
        cases = [case for case in verdict.cases if case.case.group_id == group]
        counts = verdict.counts(group)
        properties = [
            _property("plan", result.plan_id),
            _property("target", result.target),
            _property("province", province_label(result.province)),
        ]
        for case in cases:
            properties.append(_property(f"{case.case.case_id}.rules", " ".join(case.case.rules)))
            properties.append(
                _property(f"{case.case.case_id}.clauses", "; ".join(case.case.clauses))
            )
        time = sum(case.case.duration_s for case in cases)
        started = min(case.case.started_at for case in cases)
        suites.append(
            f'  <testsuite name={_attr(group)} tests="{len(cases)}" '
            f'failures="{counts["fail"]}" errors="{counts["error"]}" '
            f'skipped="{counts["skip"] + counts["waived"]}" time="{time:.3f}" '
            f"timestamp={_attr(started.isoformat())}>\n"
            "    <properties>\n"
            + "\n".join(properties)
            + "\n    </properties>\n"
            + "\n".join(_testcase(case) for case in cases)
            + "\n  </testsuite>"
        )
    totals = verdict.counts()
    name = f"{REPORT_NAME} {result.plan_id} {province_label(result.province)}"
    elapsed = (result.finished_at - result.started_at).total_seconds()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name={_attr(name)} tests="{len(verdict.cases)}" '
        f'failures="{totals["fail"]}" errors="{totals["error"]}" time="{elapsed:.3f}">\n'
        + "".join(suite + "\n" for suite in suites)
        + "</testsuites>\n"
    )
