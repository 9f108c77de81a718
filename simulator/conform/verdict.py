"""The verdict of a conformance run: which cases pass, which failures are waived, the exit code.

    decide(result: PlanResult, waivers: Waivers, today: date) -> Verdict

Exit codes (DESIGN §4, `simulator.errors`):

- 0: every case that ran passed, or failed under a valid waiver, and no waiver of a case in
  the run has expired;
- 1: a case failed without a valid waiver; a case could not run (error) while the target
  answered others; a waiver of a case in the run has expired; or no case ran at all (an empty
  plan, every case skipped): a run that checked nothing must not pass, and, as for
  `portalsim report`, that is a failed gate rather than a usage error (the options were fine);
- 4: the target never answered: every case that ran is an error and none got an HTTP answer.

(2, a bad option or configuration, and 5, an internal error, are raised before a verdict exists.)

A waiver applies to a case of the result when its case ID and province match the run's. It turns
a `fail` into `waived` until its expiry date (inclusive). An expired waiver fails the gate, whatever
its case did, because the file must be renewed or cleaned; a valid waiver of a case that passed is
*stale* (reported, harmless); waivers do not cover `error` or `skip` (the tool, not the province,
is at fault, or nothing was checked).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from simulator.conform.results import CaseResult, PlanResult
from simulator.conform.waivers import Waiver, Waivers
from simulator.errors import EXIT_GATE_FAILED, EXIT_INFRASTRUCTURE, EXIT_PASS

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "CaseVerdict",
    "Status",
    "Verdict",
    "WaiverUse",
    "decide",
]

Status = Literal["pass", "fail", "waived", "skip", "error"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "waived", "skip", "error")
#: Vietnamese / English labels, as the rest of the CLI shows statuses
STATUS_LABELS: dict[Status, str] = {
    "pass": "đạt / pass",
    "fail": "không đạt / fail",
    "waived": "miễn trừ / waived",
    "skip": "bỏ qua / skip",
    "error": "lỗi chạy / error",
}
WaiverState = Literal["applied", "expired", "stale", "unused", "not run"]
RunStatus = Literal["pass", "fail", "nothing ran", "target unreachable"]


@dataclass(frozen=True, slots=True)
class CaseVerdict:
    case: CaseResult
    status: Status
    #: the waiver of this case and province, if any (applied or not)
    waiver: Waiver | None = None
    #: why the status differs from the outcome, or what the waiver did
    note: str = ""


@dataclass(frozen=True, slots=True)
class WaiverUse:
    """What became of one waiver of the run's province."""

    waiver: Waiver
    state: WaiverState
    fails_gate: bool
    note: str

    def to_json(self) -> dict[str, Any]:
        return {
            **self.waiver.to_json(),
            "state": self.state,
            "fails_gate": self.fails_gate,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    exit_code: int
    status: RunStatus
    #: one line per reason the gate failed (empty on a pass)
    reasons: tuple[str, ...]
    cases: tuple[CaseVerdict, ...]
    waivers: tuple[WaiverUse, ...]
    #: early warnings (a waiver about to expire)
    notes: tuple[str, ...]
    today: dt.date
    waiver_file: str = ""

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_PASS

    def counts(self, group: str | None = None) -> dict[Status, int]:
        counter = Counter(
            case.status for case in self.cases if group is None or case.case.group_id == group
        )
        return {status: counter[status] for status in STATUSES}

    def with_status(self, status: Status) -> list[CaseVerdict]:
        return [case for case in self.cases if case.status == status]

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "exit_code": self.exit_code,
            "reasons": list(self.reasons),
            "decided_on": self.today.isoformat(),
            "counts": self.counts(),
            "waiver_file": self.waiver_file or None,
            "waivers": [use.to_json() for use in self.waivers],
            "notes": list(self.notes),
        }


def _case_verdict(case: CaseResult, waiver: Waiver | None, today: dt.date) -> CaseVerdict:
    if waiver is None or case.outcome in ("skip", "error"):
        note = "" if waiver is None else "a waiver covers failures, not skips or tool errors"
        return CaseVerdict(case, case.outcome, waiver, note)
    if case.outcome == "pass":
        return CaseVerdict(case, "pass", waiver, "passes: its waiver is no longer needed")
    if waiver.expired(today):
        return CaseVerdict(case, "fail", waiver, f"waiver expired on {waiver.expires.isoformat()}")
    return CaseVerdict(
        case,
        "waived",
        waiver,
        f"waived until {waiver.expires.isoformat()} by {waiver.owner}: {waiver.reason}",
    )


def _waiver_use(waiver: Waiver, case: CaseResult | None, today: dt.date) -> WaiverUse:
    expired = waiver.expired(today)
    ended = f"expired on {waiver.expires.isoformat()} (owner {waiver.owner})"
    if case is None:
        return WaiverUse(waiver, "not run", False, "its case was not part of this run")
    if expired:
        fix = (
            "the case passes: remove the waiver"
            if case.outcome == "pass"
            else "fix the case or renew the waiver"
        )
        return WaiverUse(waiver, "expired", True, f"{ended}; {fix}")
    if case.outcome == "pass":
        return WaiverUse(waiver, "stale", False, "the case passes: remove the waiver")
    if case.outcome == "fail":
        return WaiverUse(waiver, "applied", False, f"valid until {waiver.expires.isoformat()}")
    return WaiverUse(waiver, "unused", False, f"the case did not fail ({case.outcome})")


def _ids(cases: Sequence[CaseVerdict], limit: int = 12) -> str:
    ids = [case.case.case_id for case in cases]
    return ", ".join(ids[:limit]) + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


def decide(result: PlanResult, waivers: Waivers, today: dt.date) -> Verdict:
    """The verdict of `result` under `waivers` on `today` (the calendar day in Việt Nam)."""
    mine = waivers.for_province(result.province)
    by_case = {waiver.case: waiver for waiver in mine}
    cases = tuple(_case_verdict(case, by_case.get(case.case_id), today) for case in result.cases)
    results = {case.case_id: case for case in result.cases}
    uses = tuple(_waiver_use(waiver, results.get(waiver.case or ""), today) for waiver in mine)

    def verdict(code: int, status: RunStatus, reasons: Sequence[str]) -> Verdict:
        return Verdict(
            code, status, tuple(reasons), cases, uses, waivers.notes, today, waivers.source
        )

    ran = [case for case in cases if case.status != "skip"]
    if not ran:
        skipped = f" ({len(cases)} skipped)" if cases else ""
        return verdict(
            EXIT_GATE_FAILED,
            "nothing ran",
            [f"không ca nào chạy / no case ran{skipped}: nothing was checked"],
        )
    if all(case.status == "error" for case in ran) and not any(
        case.case.reached_target for case in ran
    ):
        first = ran[0].case.reason or "no answer"
        return verdict(
            EXIT_INFRASTRUCTURE,
            "target unreachable",
            [f"the target {result.target} never answered ({len(ran)} case(s)): {first}"],
        )
    reasons = []
    failed = [case for case in cases if case.status == "fail"]
    if failed:
        reasons.append(f"{len(failed)} ca không đạt / case(s) failed: {_ids(failed)}")
    errors = [case for case in cases if case.status == "error"]
    if errors:
        reasons.append(f"{len(errors)} ca không chạy được / case(s) could not run: {_ids(errors)}")
    for use in uses:
        if use.fails_gate:
            reasons.append(
                f"miễn trừ hết hạn / waiver expired: {use.waiver.where} ({use.waiver.subject}): "
                f"{use.note}"
            )
    if reasons:
        return verdict(EXIT_GATE_FAILED, "fail", reasons)
    return verdict(EXIT_PASS, "pass", [])
