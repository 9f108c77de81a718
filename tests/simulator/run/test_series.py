"""The load's time series: per-second counts and percentiles from Locust's request events."""

from __future__ import annotations

import random

from simulator.run import Histogram, LoadSeries
from simulator.run.series import SETTLE_SECONDS


def test_percentiles_are_within_half_a_percent_and_never_above_the_maximum() -> None:
    """Three significant digits: p50/p95/p99 within 0.5 % of the exact ones; p99 ≤ max."""
    rng = random.Random(7)
    values = [int(rng.lognormvariate(9, 1)) for _ in range(20_000)]
    histogram = Histogram()
    for value in values:
        histogram.add(value)
    ordered = sorted(values)
    for fraction in (0.5, 0.95, 0.99):
        exact = ordered[max(0, int(fraction * len(ordered)) - 1)]
        assert abs(histogram.percentile(fraction) - exact) <= 0.005 * exact + 1
    assert histogram.percentile(0.99) <= histogram.maximum == max(values)


def test_merged_histograms_give_the_percentiles_of_all_values() -> None:
    """Merging per-second histograms loses nothing: same as one histogram of everything."""
    one, two, both = Histogram(), Histogram(), Histogram()
    for value in range(1, 5000, 3):
        (one if value % 2 else two).add(value)
        both.add(value)
    one.merge(two)
    assert one.counts == both.counts
    assert one.summary() == both.summary()


def test_requests_land_in_the_second_they_started() -> None:
    """Seconds without traffic are zeros; failures are counted where they happened."""
    series = LoadSeries(start=1000.0)
    series.record("POST", "DongBoHoSoMC", 12.5, 40, start_time=1000.2)
    series.record("POST", "DongBoHoSoMC", 30.0, 40, start_time=1000.9)
    series.record("POST", "login", 5.0, 40, exception=OSError("refused"), start_time=1003.5)
    rows = series.seconds()
    assert [row["t"] for row in rows] == [0, 1, 2, 3]
    assert [row["requests"] for row in rows] == [2, 0, 0, 1]
    assert [row["failures"] for row in rows] == [0, 0, 0, 1]
    assert rows[0]["p50"] == 12.5
    assert rows[0]["max"] == 30.0
    figures = series.to_json(duration=2.0)
    assert (figures["requests"], figures["failures"], figures["rps"]) == (3, 1, 1.5)
    assert figures["by_name"]["login"]["failures"] == 1


def test_memory_stays_flat_over_a_long_run() -> None:
    """Over an hour, only the last minute or so keeps histograms; the rest are rows, and the
    rows and overall percentiles are those of keeping everything."""
    series, reference = LoadSeries(start=0.0), Histogram()
    rng = random.Random(3)
    for second in range(3600):
        for _ in range(5):
            latency = rng.uniform(1, 200)
            series.record("POST", "TraCuuHoSo", latency, 10, start_time=second + 0.5)
            reference.add(round(latency * 1000))
    assert len(series._open) <= SETTLE_SECONDS + 1
    assert series.overall().summary() == reference.summary()
    rows = series.seconds()
    assert len(rows) == 3600
    assert all(row["requests"] == 5 for row in rows)
