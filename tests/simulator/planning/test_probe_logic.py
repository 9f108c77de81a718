"""The probe's judgement: SLO parsing, rate steps, where it stops, the knee, the headroom."""

from __future__ import annotations

import math

import pytest

from simulator.planning.openmodel import StepPlan, StepRecorder, StepResult
from simulator.planning.probe import (
    Need,
    ProbeResult,
    StepOutcome,
    find_knee,
    run_probe,
    step_rates,
)
from simulator.planning.slo import SloError, parse_slo

GOOD_SLOS = [
    ("p95<500ms,errors<1%", [("p95", False, 500.0), ("errors", False, 0.01)]),
    ("p99 <= 1.5s", [("p99", True, 1500.0)]),
    (
        "p99.9<250000us, max<2s, mean<=40ms",
        [("p99.9", False, 250.0), ("max", False, 2000.0), ("mean", True, 40.0)],
    ),
    ("errors<=0.5%", [("errors", True, 0.005)]),
]
BAD_SLOS = [
    ("", "expected conditions"),
    ("p95>500ms", "not a condition"),
    ("p95<500", "needs a unit"),
    ("p97<500ms", "'p97' is not a figure"),
    ("errors<1", "is a percentage"),
    ("errors<101%", "at most 100"),
    ("p95<500ms,,errors<1%", "expected conditions"),
    ("p95<500ms,p95<1s", "p95 is given twice"),
    ("p95<0ms", "must be positive"),
    ("p95<5 minutes", "needs a unit"),
]


@pytest.mark.parametrize(("text", "conditions"), GOOD_SLOS)
def test_slos_that_parse(text: str, conditions: list[tuple[str, bool, float]]) -> None:
    parsed = parse_slo(text)
    assert [
        (c.metric, c.inclusive, pytest.approx(c.limit)) for c in parsed.conditions
    ] == conditions


@pytest.mark.parametrize(("text", "message"), BAD_SLOS)
def test_slos_that_do_not(text: str, message: str) -> None:
    with pytest.raises(SloError, match=message):
        parse_slo(text)


def test_step_rates() -> None:
    assert step_rates(10, 10, 50) == [10, 20, 30, 40, 50]
    assert step_rates(5, 10, 30) == [5, 15, 25]
    assert step_rates(0.5, 0.1, 0.8) == [0.5, 0.6, 0.7, 0.8]
    for args, message in [
        ((0, 10, 50), "--start 0"),
        ((10, -1, 50), "--step -1"),
        ((10, 10, 5), "--max 5 is below --start 10"),
        ((1, 0.001, 10), "at most 200"),
    ]:
        with pytest.raises(ValueError, match=message):
            step_rates(*args)


def _step(rate: float, latency_ms: float, errors: int = 0, count: int = 100) -> StepResult:
    """A step whose requests all took `latency_ms` (the first `errors` of them failed)."""
    recorder = StepRecorder(StepPlan("http://127.0.0.1:9/", rate, 1.0))
    recorder.scheduled(count)
    for index in range(count):
        recorder.started(0.0, 0.0)
        recorder.finished(0.0, 0.0, latency_ms / 1000, "HTTP 500" if index < errors else None)
    return recorder.finish()


def test_the_probe_stops_at_the_first_step_that_breaks_the_slo() -> None:
    latencies = {10: 20.0, 20: 22.0, 30: 60.0, 40: 700.0, 50: 900.0}
    ran: list[float] = []

    def run_step(rate: float) -> StepResult:
        ran.append(rate)
        return _step(rate, latencies[int(rate)])

    steps = run_probe(step_rates(10, 10, 50), run_step, parse_slo("p95<500ms"))
    assert ran == [10, 20, 30, 40]
    assert [s.meets for s in steps] == [True, True, True, False]
    assert steps[-1].broken[0].startswith("p95<500ms (measured 70")
    result = ProbeResult("http://x/", "get", parse_slo("p95<500ms"), 1.0, "constant", steps)
    assert result.max_sustainable == 30
    assert result.broke
    assert result.knee == 20  # 60 ms > 2 × 20 ms and > 20 + 5 ms


def test_errors_break_the_slo_as_a_share_of_scheduled_requests() -> None:
    objective = parse_slo("errors<1%")
    one = _step(10, 5, errors=1, count=200)
    assert objective.broken(one.latency.summary(), one.error_share) == []
    two = _step(10, 5, errors=2, count=200)
    assert objective.broken(two.latency.summary(), two.error_share) == [
        "errors<1% (measured 1.00%)"
    ]


@pytest.mark.parametrize(
    ("p95s", "knee"),
    [
        ([10, 11, 12, 13], None),  # never doubles
        ([10, 12, 21, 80], 20),  # 21 > 2 × 10 and > 15: the step before it, 20/s
        ([1, 1.5, 2.5, 5.5, 9], 40),  # 2.5 doubles 1 ms but is not 5 ms above it: noise
        ([10], None),
    ],
)
def test_the_knee_is_the_step_before_p95_first_exceeds_twice_the_baseline(
    p95s: list[float], knee: float | None
) -> None:
    steps = [StepOutcome(_step(10 * (i + 1), ms), []) for i, ms in enumerate(p95s)]
    assert find_knee(steps) == knee


def _probe(max_rate: float, broke: bool, need: float | None) -> ProbeResult:
    steps = [StepOutcome(_step(r, 5), []) for r in range(10, int(max_rate) + 1, 10)]
    if broke:
        steps.append(StepOutcome(_step(max_rate + 10, 900), ["p95<500ms"]))
    result = ProbeResult("http://x/", "get", parse_slo("p95<500ms"), 1.0, "constant", steps)
    if need is not None:
        result.need = Need("49", "Quảng Nam", "2026-03", need)
    return result


def test_headroom_is_the_sustainable_rate_over_the_need() -> None:
    assert _probe(30, True, 6.0).headroom == 5.0
    assert _probe(30, True, 6.0).holds_need
    assert _probe(30, True, 60.0).headroom == 0.5
    assert not _probe(30, True, 60.0).holds_need
    assert _probe(30, False, None).headroom is None
    assert _probe(30, False, None).holds_need
    document = _probe(30, False, 15.0).to_json()
    assert document["max_sustainable_is_lower_bound"] is True
    assert document["headroom"] == 2.0
    assert math.isinf(_probe(30, True, 0.0).headroom or 0)
