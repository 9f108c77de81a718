"""Writers of a validation result: text for people, JSON and JUnit XML for machines."""

from __future__ import annotations

from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

import orjson

from contracts import STATUS_LABELS, Finding, Severity
from simulator.validation import ValidationResult

_STATUS_FIELDS = ("TrangThaiHoSo", "TrangThai")
_MARK = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "·"}
_JUNIT_FAILURE_DETAIL = 50


def show_value(finding: Finding) -> str:
    """The offending value as people read it: statuses with their Vietnamese labels."""
    value = finding.value
    if finding.path.endswith(_STATUS_FIELDS) and isinstance(value, str) and value in STATUS_LABELS:
        return f"{value} ({STATUS_LABELS[value]})"
    if value is None:
        return "(thiếu / missing)"
    return repr(value)


def write_text(result: ValidationResult, out: TextIO) -> None:
    rules = result.profile.rules
    kinds = ", ".join(f"{kind} {count}" for kind, count in result.kinds.most_common())
    out.write(f"portalsim validate — {result.capture} — profile {result.profile.name}\n")
    out.write(
        f"Đã kiểm tra {result.messages} thông điệp / messages checked"
        f"{f' ({kinds})' if kinds else ''}; {result.dossiers} hồ sơ / dossiers\n\n"
    )
    order = sorted(
        result.by_rule,
        key=lambda rule_id: (_severity_rank(rules[rule_id].severity), rule_id),
    )
    for rule_id in order:
        rule = rules[rule_id]
        count = result.by_rule[rule_id]
        out.write(
            f"{_MARK[rule.severity]} {rule.id}  {rule.severity.value:<7}  {count:>6} × "
            f"{rule.title_vi} — {rule.title_en}\n"
        )
        out.write(f"    điều khoản / clause: {rule.clause}\n")
        for finding in result.examples.get(rule_id, []):
            out.write(
                f"    #{finding.message} {finding.path} = {show_value(finding)}: {finding.hint}\n"
            )
        if count > len(result.examples.get(rule_id, [])):
            out.write(f"    … và {count - len(result.examples[rule_id])} nữa / more\n")
        out.write(f"    gợi ý / hint: {rule.hint}\n\n")
    verdict = "ĐẠT / PASS" if result.errors == 0 else "KHÔNG ĐẠT / FAIL"
    out.write(
        f"Kết quả / result: {result.by_severity['error']} lỗi (errors), "
        f"{result.by_severity['warning']} cảnh báo (warnings), "
        f"{result.by_severity['info']} thông tin (info) — {verdict}\n"
    )


def _severity_rank(severity: Severity) -> int:
    return {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[severity]


def write_json(result: ValidationResult, out: TextIO) -> None:
    """`{"profile", "messages", "findings": [...], "summary"}`, findings streamed from the spool."""
    out.write('{"profile": ')
    out.write(orjson.dumps(result.profile.name).decode())
    out.write(f', "messages": {result.messages}, "findings": [')
    for number, finding in enumerate(result.findings()):
        out.write(",\n  " if number else "\n  ")
        out.write(orjson.dumps(finding.to_dict(), default=str).decode())
    out.write('\n], "summary": ')
    out.write(orjson.dumps(result.summary()).decode())
    out.write("}\n")


def write_junit(result: ValidationResult, out: TextIO) -> None:
    """One test case per rule of the profile; error findings fail it, others are printed."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in result.findings():
        details = by_rule.setdefault(finding.rule, [])
        if len(details) < _JUNIT_FAILURE_DETAIL:
            details.append(finding)
    rules = list(result.profile.rules)
    failures = sum(
        1 for rule in rules if rule.severity is Severity.ERROR and result.by_rule[rule.id]
    )
    suite = f"portalsim validate {result.profile.name}"
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name={quoteattr(suite)} tests="{len(rules)}" failures="{failures}">\n')
    out.write(
        f'  <testsuite name={quoteattr(str(result.capture))} tests="{len(rules)}" '
        f'failures="{failures}" errors="0" skipped="0">\n'
    )
    for rule in rules:
        name = f"{rule.id} {rule.title_vi} / {rule.title_en}"
        out.write(
            f"    <testcase classname={quoteattr(result.profile.name)} name={quoteattr(name)}>"
        )
        count = result.by_rule[rule.id]
        lines = "\n".join(
            f"#{f.message} {f.path} = {show_value(f)}: {f.hint}" for f in by_rule.get(rule.id, [])
        )
        if count and rule.severity is Severity.ERROR:
            message = f"{count} finding(s); {rule.clause}"
            out.write(
                f'\n      <failure message={quoteattr(message)} type="{rule.severity.value}">'
                f"{escape(lines)}</failure>\n    "
            )
        elif count:
            out.write(f"\n      <system-out>{escape(lines)}</system-out>\n    ")
        out.write("</testcase>\n")
    out.write("  </testsuite>\n</testsuites>\n")
