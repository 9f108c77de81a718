"""Plan results made by hand for the tests of verdicts, waivers and outputs.

Cases are taken from the real plan (`simulator.conform.plan`), so IDs, rules and clauses are the
plan's; what they found is set per test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from simulator.conform.plan import plan_case
from simulator.conform.results import CaseResult, Exchange, Outcome, PlanResult

VIETNAM = dt.timezone(dt.timedelta(hours=7))
STARTED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=VIETNAM)
TARGET = "http://127.0.0.1:9/province"
PROVINCE = "52"  # Gia Lai


def exchange(
    *,
    body: str = '{"MaHoSo": "000.00.14.H26-261120-0001"}',
    status: int | None = 200,
    answer: str = '{"error_code": 0}',
    url: str = f"{TARGET}/dvcqg/push",
) -> Exchange:
    return Exchange(
        method="POST",
        url=url,
        request_headers={"Content-Type": "application/json", "Authorization": "Bearer s3cr3t"},
        request_body=body,
        status=status,
        response_headers={"Content-Type": "application/json"} if status else {},
        response_body=answer if status else "",
        elapsed_ms=12.5,
    )


def case(
    case_id: str,
    outcome: Outcome = "pass",
    *,
    reason: str = "",
    hint: str = "",
    evidence: tuple[Exchange, ...] | None = None,
) -> CaseResult:
    planned = plan_case(case_id)
    assert planned is not None, case_id
    return CaseResult(
        case_id=planned.id,
        group_id=planned.group,
        title=planned.title,
        description=planned.description,
        rules=planned.rules,
        clauses=planned.clauses,
        outcome=outcome,
        reason=reason or ("" if outcome == "pass" else f"{case_id} {outcome}"),
        hint=hint,
        evidence=(exchange(),) if evidence is None else evidence,
        started_at=STARTED,
        duration_s=0.25,
    )


def plan_result(
    outcomes: Mapping[str, Outcome] | None = None,
    *cases: CaseResult,
    province: str = PROVINCE,
) -> PlanResult:
    """A result with `cases`, or with one case per entry of `outcomes`."""
    made = list(cases) + [case(case_id, outcome) for case_id, outcome in (outcomes or {}).items()]
    return PlanResult(
        plan_id="tt01-2018-province",
        target=TARGET,
        province=province,
        started_at=STARTED,
        finished_at=STARTED + dt.timedelta(seconds=3),
        cases=tuple(made),
    )
