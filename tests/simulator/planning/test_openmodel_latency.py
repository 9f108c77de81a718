"""HDR histograms and step results: latency from the intended start, exact merges."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.planning.latency import PERCENTILES, LatencyHistogram
from simulator.planning.openmodel import StepPlan, StepRecorder, StepResult

PLAN = StepPlan(target="http://127.0.0.1:9/", rate=10, duration=1, late_after=0.01)


def test_latency_runs_from_the_intended_start_and_a_late_start_is_counted() -> None:
    """Due at 0, started 0.5 s late, answered 0.1 s later: 600 ms waited, 100 ms of service."""
    recorder = StepRecorder(PLAN)
    recorder.scheduled(2)
    recorder.started(0.0, 0.5)
    recorder.finished(0.0, 0.5, 0.6, None)
    recorder.started(0.1, 0.101)
    recorder.finished(0.1, 0.101, 0.111, "HTTP 503")
    recorder.dropped()
    result = recorder.finish()
    assert abs(result.latency.max_us - 600_000) <= 600  # within the histogram's 0.1 %
    assert abs(result.service.max_us - 100_000) <= 100
    assert (result.sent, result.ok, result.late, result.dropped) == (2, 1, 1, 1)
    assert result.errors == {"HTTP 503": 1}
    assert result.error_share == 1.0  # the failure and the drop, of 2 scheduled
    assert abs(result.lag.max_us - 500_000) <= 500


def test_unanswered_requests_fail_as_timeouts() -> None:
    recorder = StepRecorder(PLAN)
    recorder.scheduled(3)
    for due in (0.0, 0.1, 0.2):
        recorder.started(due, due)
    recorder.finished(0.0, 0.0, 0.01, None)
    recorder.abandoned()
    assert recorder.finish().errors == {"timeout": 2}


def _histogram(values: list[int]) -> LatencyHistogram:
    histogram = LatencyHistogram()
    for value in values:
        histogram.record_us(value)
    return histogram


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=1, max_value=3_600_000_000), min_size=0, max_size=60),
        min_size=1,
        max_size=4,
    )
)
def test_merged_encoded_histograms_equal_one_histogram_of_every_value(
    parts: list[list[int]],
) -> None:
    """Encoded, decoded and added: the same counts, min, max and percentiles as one histogram
    of all the values, and p99 ≤ max."""
    merged = LatencyHistogram.merged(LatencyHistogram.decode(_histogram(p).encode()) for p in parts)
    whole = _histogram([value for part in parts for value in part])
    assert merged == whole
    assert merged.summary() == whole.summary()
    if whole.count:
        assert merged.value_at(99) <= merged.max_us
        assert merged.value_at(99.9) <= merged.max_us
        exact_max = max(value for part in parts for value in part)
        assert exact_max <= merged.max_us <= exact_max * 1.001 + 1


def test_step_results_merge_counts_and_histograms() -> None:
    rng = random.Random(4)
    results, everything = [], []
    for _ in range(3):
        recorder = StepRecorder(PLAN, keep_samples=True)
        recorder.scheduled(100)
        for index in range(100):
            due = index / 100
            recorder.started(due, due + rng.random() * 0.02)
            recorder.finished(
                due, due, due + rng.lognormvariate(-4, 1), None if index % 10 else "x"
            )
        assert recorder.samples is not None
        everything += recorder.samples
        results.append(StepResult.from_message(recorder.finish().to_message()))
    merged = StepResult.merge(results)
    assert (merged.scheduled, merged.sent, merged.ok, merged.processes) == (300, 300, 270, 3)
    assert merged.errors == {"x": 30}
    assert merged.latency == _histogram(everything)
    summary = merged.latency.summary()
    assert set(summary.percentiles_ms) == set(PERCENTILES)
    assert summary.count == 300
