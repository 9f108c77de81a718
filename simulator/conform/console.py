"""The console summary of a conformance run, in Vietnamese and English as the rest of the CLI.

    write_summary(result, verdict, out: TextIO, *, colour=False, reports: Sequence[Path] = ())

One table row per group (pass, fail, waived, skip, error), then each failing case with its reason,
rules, clauses and hint; the waived cases with their owner and expiry; the cases that could not
run; the skipped ones; what became of the waivers (stale, expired); notices of waivers about to
expire; the report files written; the reasons the gate failed and the result line with the
exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from simulator.conform.results import PlanResult
from simulator.conform.verdict import STATUSES, CaseVerdict, Status, Verdict
from simulator.domain import PROVINCES_2025

__all__ = ["province_label", "result_line", "write_summary"]

_PROVINCE_NAMES = {province.code: province.name for province in PROVINCES_2025}
_HEADERS = {
    "pass": ("đạt", "pass"),
    "fail": ("k.đạt", "fail"),
    "waived": ("miễn", "waived"),
    "skip": ("b.qua", "skip"),
    "error": ("lỗi", "error"),
}
_ANSI = {"pass": "32", "fail": "31", "waived": "33", "skip": "90", "error": "35"}
_MARKS = {"fail": "✗", "waived": "~", "error": "!", "skip": "-", "pass": "✓"}


def province_label(code: str) -> str:
    name = _PROVINCE_NAMES.get(code)
    return f"{code} {name}" if name else code


def result_line(verdict: Verdict) -> str:
    """ "Kết quả / result: …" with the exit code."""
    if verdict.status == "pass":
        waived = verdict.counts()["waived"]
        extra = f", {waived} miễn trừ / waived" if waived else ""
        word = f"ĐẠT / PASS{extra}"
    elif verdict.status == "nothing ran":
        word = "KHÔNG ĐẠT / FAIL — không ca nào chạy / nothing ran"
    elif verdict.status == "target unreachable":
        word = "KHÔNG KẾT NỐI ĐƯỢC / TARGET UNREACHABLE"
    else:
        word = "KHÔNG ĐẠT / FAIL"
    return f"Kết quả / result: {word} (exit {verdict.exit_code})"


def _case_block(case: CaseVerdict, paint: Callable[[str, str], str]) -> list[str]:
    result = case.case
    lines = [f"  {paint(_MARKS[case.status], case.status)} {result.case_id}  {result.title}"]
    if result.reason:
        lines.append(f"      lý do / reason: {result.reason}")
    if case.note:
        lines.append(f"      ghi chú / note: {case.note}")
    if case.status in ("fail", "waived"):
        if result.rules:
            lines.append(f"      quy tắc / rules: {', '.join(result.rules)}")
        if result.clauses:
            lines.append(f"      điều khoản / clauses: {'; '.join(result.clauses)}")
        if result.hint:
            lines.append(f"      gợi ý / hint: {result.hint}")
    return lines


def write_summary(
    result: PlanResult,
    verdict: Verdict,
    out: TextIO,
    *,
    colour: bool = False,
    reports: Sequence[Path] = (),
) -> None:
    def paint(text: str, status: str) -> str:
        return f"\x1b[{_ANSI[status]}m{text}\x1b[0m" if colour and status in _ANSI else text

    out.write(
        f"portalsim conform — kế hoạch / plan {result.plan_id} · đích / target {result.target} "
        f"· tỉnh / province {province_label(result.province)}\n"
    )
    groups = result.groups()
    width = max([len("nhóm / group"), len("tổng / total"), *(len(group) for group in groups)])
    top = " ".join(f"{_HEADERS[s][0]:>6}" for s in STATUSES)
    bottom = " ".join(f"{_HEADERS[s][1]:>6}" for s in STATUSES)
    out.write(f"{'nhóm / group':<{width}} {top}\n{'':<{width}} {bottom}\n")
    out.write("─" * (width + 1 + len(top)) + "\n")
    for group in groups:
        counts = verdict.counts(group)
        cells = " ".join(
            paint(f"{counts[s] or '·':>6}", s) if counts[s] else f"{'·':>6}" for s in STATUSES
        )
        out.write(f"{group:<{width}} {cells}\n")
    totals = verdict.counts()
    cells = " ".join(f"{totals[s]:>6}" for s in STATUSES)
    out.write(f"{'tổng / total':<{width}} {cells}\n")

    sections: tuple[tuple[Status, str], ...] = (
        ("fail", "Không đạt / failed"),
        ("waived", "Miễn trừ / waived (không tính trượt / do not fail the gate)"),
        ("error", "Không chạy được / could not run"),
        ("skip", "Bỏ qua / skipped"),
    )
    for status, title in sections:
        cases = verdict.with_status(status)
        if cases:
            out.write(f"\n{title}:\n")
            for case in cases:
                out.write("\n".join(_case_block(case, paint)) + "\n")
    remarkable = [use for use in verdict.waivers if use.state in ("expired", "stale", "not run")]
    if remarkable:
        out.write(f"\nMiễn trừ cần xử lý / waivers to act on ({verdict.waiver_file}):\n")
        for use in remarkable:
            out.write(f"  {use.waiver.where} ({use.waiver.subject}): {use.state} — {use.note}\n")
    for note in verdict.notes:
        out.write(f"Lưu ý / notice: {note}\n")
    out.write("\n")
    if reports:
        out.write("Báo cáo / reports: " + ", ".join(str(path) for path in reports) + "\n")
    for reason in verdict.reasons:
        out.write(f"  {reason}\n")
    out.write(result_line(verdict) + "\n")
