"""The verdict: waivers applied by province and date, and the exit code of each kind of run."""

from __future__ import annotations

import datetime as dt

import pytest

from simulator.conform.verdict import decide
from simulator.conform.waivers import Waiver, Waivers
from tests.simulator.conform._results import PROVINCE, case, plan_result

EXPIRES = dt.date(2026, 12, 31)


def _waivers(*cases: str, province: str = PROVINCE, expires: dt.date = EXPIRES) -> Waivers:
    entries = tuple(
        Waiver("w.toml", number, case_id, None, province, "Owner A", "known gap", expires)
        for number, case_id in enumerate(cases, start=1)
    )
    return Waivers("w.toml", entries)


def test_all_pass_exits_0() -> None:
    """Every case passed: exit 0, status pass, no reason."""
    verdict = decide(plan_result({"PUSH-001": "pass", "PUSH-003": "pass"}), Waivers.none(), EXPIRES)
    assert (verdict.exit_code, verdict.status, verdict.reasons) == (0, "pass", ())


def test_unwaived_failure_exits_1_naming_the_case() -> None:
    """A failure without a waiver: exit 1, the reason names the case."""
    verdict = decide(plan_result({"PUSH-001": "pass", "PUSH-003": "fail"}), Waivers.none(), EXPIRES)
    assert verdict.exit_code == 1
    assert "PUSH-003" in verdict.reasons[0]


def test_waived_failure_passes_and_is_reported_as_waived() -> None:
    """Until its expiry date (that day included) a waiver turns the failure into `waived`."""
    result = plan_result({"PUSH-001": "pass", "PUSH-003": "fail"})
    verdict = decide(result, _waivers("PUSH-003"), EXPIRES)
    assert verdict.exit_code == 0
    assert [c.status for c in verdict.cases] == ["pass", "waived"]
    assert verdict.counts()["waived"] == 1
    assert verdict.waivers[0].state == "applied"


def test_expired_waiver_fails_the_gate_and_says_so() -> None:
    """The day after its expiry, the waived failure fails again, with the waiver named."""
    result = plan_result({"PUSH-001": "pass", "PUSH-003": "fail"})
    verdict = decide(result, _waivers("PUSH-003"), EXPIRES + dt.timedelta(days=1))
    assert verdict.exit_code == 1
    assert verdict.cases[1].status == "fail"
    assert "waiver expired on 2026-12-31" in verdict.cases[1].note
    assert any("waiver expired" in r and "w.toml, waiver 1" in r for r in verdict.reasons)


def test_expired_waiver_of_a_passing_case_still_fails() -> None:
    """An expired waiver fails the gate even when its case now passes: remove it."""
    verdict = decide(
        plan_result({"PUSH-001": "pass"}), _waivers("PUSH-001"), EXPIRES + dt.timedelta(days=1)
    )
    assert verdict.exit_code == 1
    assert "remove the waiver" in verdict.reasons[0]


def test_waiver_of_a_passing_case_is_stale_not_failing() -> None:
    """A valid waiver of a case that passes is stale: reported, exit 0."""
    verdict = decide(plan_result({"PUSH-001": "pass"}), _waivers("PUSH-001"), EXPIRES)
    assert verdict.exit_code == 0
    assert verdict.waivers[0].state == "stale"


def test_waiver_of_another_province_does_not_apply() -> None:
    """A waiver granted to another province neither waives nor is listed."""
    verdict = decide(
        plan_result({"PUSH-003": "fail"}), _waivers("PUSH-003", province="38"), EXPIRES
    )
    assert verdict.exit_code == 1
    assert verdict.waivers == ()


def test_waiver_of_a_case_not_run_has_no_effect() -> None:
    """A waiver of a case outside the run (even expired) has no effect: 'not run'."""
    verdict = decide(
        plan_result({"PUSH-001": "pass"}), _waivers("PUSH-003"), EXPIRES + dt.timedelta(days=9)
    )
    assert verdict.exit_code == 0
    assert verdict.waivers[0].state == "not run"


def test_waivers_do_not_cover_errors() -> None:
    """A case the tool could not run is not a waivable failure: exit 1."""
    result = plan_result({"PUSH-001": "pass", "PUSH-003": "error"})
    verdict = decide(result, _waivers("PUSH-003"), EXPIRES)
    assert verdict.exit_code == 1
    assert "could not run" in verdict.reasons[0]


@pytest.mark.parametrize("outcomes", [{}, {"PUSH-001": "skip", "PUSH-002": "skip"}])
def test_a_run_that_ran_nothing_never_passes(outcomes: dict[str, str]) -> None:
    """No case, or every case skipped: exit 1, 'no case ran'."""
    verdict = decide(plan_result(outcomes), Waivers.none(), EXPIRES)  # type: ignore[arg-type]
    assert (verdict.exit_code, verdict.status) == (1, "nothing ran")
    assert "no case ran" in verdict.reasons[0]


def test_a_target_that_never_answered_exits_4() -> None:
    """Every case an error and no exchange answered: the target is unreachable."""
    unanswered = (case("PUSH-001", "error", evidence=()),)
    refused = case("PUSH-003", "error", reason="connection refused", evidence=())
    verdict = decide(plan_result(None, refused, *unanswered), Waivers.none(), EXPIRES)
    assert (verdict.exit_code, verdict.status) == (4, "target unreachable")
    assert "never answered" in verdict.reasons[0]
    assert "connection refused" in verdict.reasons[0]


def test_errors_after_the_target_answered_exit_1_not_4() -> None:
    """An error case whose request got an answer (HTML instead of JSON) is a failed gate."""
    answered = case("PUSH-001", "error", reason="answered HTML, not JSON")
    verdict = decide(plan_result(None, answered), Waivers.none(), EXPIRES)
    assert verdict.exit_code == 1
