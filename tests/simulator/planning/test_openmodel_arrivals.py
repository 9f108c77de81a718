"""The open model's arrival sequences: counts, spacing, ramps, seeded Poisson, exact splits."""

from __future__ import annotations

import itertools
import math
import statistics

import pytest

from simulator.planning.arrivals import ArrivalPlan, arrival_times


def test_a_constant_rate_gives_rate_times_duration_evenly_spaced_arrivals() -> None:
    times = arrival_times(ArrivalPlan(rate=50, duration=4))
    assert len(times) == 200
    assert times[0] == 0.0
    assert all(b - a == pytest.approx(0.02) for a, b in itertools.pairwise(times))
    assert times[-1] < 4


@pytest.mark.parametrize(("rate", "duration", "count"), [(1000, 1, 1000), (0.5, 7, 4), (3, 0.1, 1)])
def test_a_constant_rate_rounds_the_count_up(rate: float, duration: float, count: int) -> None:
    assert len(arrival_times(ArrivalPlan(rate=rate, duration=duration))) == count


def test_a_ramp_gives_the_area_under_the_rate_and_speeds_up() -> None:
    """0 → 100/s over 10 s: 500 arrivals, 50 in the first half's … quarter of them."""
    times = arrival_times(ArrivalPlan(rate=0, end_rate=100, duration=10))
    assert len(times) == 500
    assert sum(1 for t in times if t < 5) == 125  # Λ(5) = 100·25/20
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[10] > gaps[100] > gaps[400]
    assert 1 / gaps[-1] == pytest.approx(100, rel=0.02)  # the rate at the end


def test_a_falling_ramp() -> None:
    times = arrival_times(ArrivalPlan(rate=100, end_rate=20, duration=5))
    assert len(times) == 300  # (100 + 20) / 2 · 5
    assert sum(1 for t in times if t < 2.5) > sum(1 for t in times if t >= 2.5)


def test_poisson_arrivals_repeat_with_their_seed_and_have_exponential_gaps() -> None:
    plan = ArrivalPlan(rate=200, duration=20, arrivals="poisson", seed=7)
    times = arrival_times(plan)
    assert times == arrival_times(plan)
    assert times != arrival_times(ArrivalPlan(rate=200, duration=20, arrivals="poisson", seed=8))
    # 4000 expected; the count's standard deviation is √4000 ≈ 63
    assert abs(len(times) - 4000) < 4 * math.sqrt(4000)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert statistics.mean(gaps) == pytest.approx(1 / 200, rel=0.05)
    # exponential: the standard deviation equals the mean (evenly spaced would have none)
    assert statistics.stdev(gaps) == pytest.approx(statistics.mean(gaps), rel=0.1)


def test_a_ramping_poisson_process_follows_the_ramp() -> None:
    times = arrival_times(ArrivalPlan(10, 20, 300, arrivals="poisson", seed=3))
    assert abs(len(times) - 3100) < 4 * math.sqrt(3100)
    first, last = sum(1 for t in times if t < 2), sum(1 for t in times if t >= 18)
    assert last > 4 * first  # ≈ 50·2 … ≈ 290·2


@pytest.mark.parametrize("arrivals", ["constant", "poisson"])
def test_processes_share_the_sequence_exactly(arrivals: str) -> None:
    """Each process takes every n-th arrival: together they are the one-process sequence."""
    plan = ArrivalPlan(rate=300, duration=3, end_rate=600, arrivals=arrivals, seed=5)
    whole = arrival_times(plan)
    parts = [arrival_times(plan, part=k, parts=3) for k in range(3)]
    assert sorted(t for part in parts for t in part) == whole
    assert max(len(p) for p in parts) - min(len(p) for p in parts) <= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": -1, "duration": 1}, "rate -1"),
        ({"rate": 1, "duration": 0}, "duration 0"),
        ({"rate": math.nan, "duration": 1}, "rate nan"),
        ({"rate": 1, "duration": 1, "arrivals": "bursty"}, "arrivals 'bursty'"),
    ],
)
def test_bad_plans_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ArrivalPlan(**kwargs)  # type: ignore[arg-type]
