"""Latencies in HDR histograms: exact to the histogram's precision, mergeable without rounding.

Values are integer microseconds from 1 µs to one hour with three significant digits: every
recorded value is kept within 0.1 % of itself, however many there are, and two histograms with
the same layout add bucket by bucket, so a histogram merged from many processes is the very
histogram one process would have built from all their values. A percentile is the highest
value equivalent to the bucket holding it (the HdrHistogram convention), and so is the maximum,
so p99 ≤ max always holds. Between processes a histogram travels in the library's compressed
encoding (zlib-deflated counts, base64).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hdrh.histogram import HdrHistogram

__all__ = ["PERCENTILES", "LatencyHistogram", "LatencySummary"]

LOWEST_US = 1
HIGHEST_US = 3_600_000_000
SIGNIFICANT_DIGITS = 3
#: the percentiles every summary reports, by name
PERCENTILES = {"p50": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0, "p99.9": 99.9}


@dataclass(frozen=True, slots=True)
class LatencySummary:
    """A histogram's figures in milliseconds (None without any value)."""

    count: int
    min_ms: float | None
    mean_ms: float | None
    percentiles_ms: dict[str, float | None]
    max_ms: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "min_ms": self.min_ms,
            "mean_ms": self.mean_ms,
            **{f"{name}_ms": value for name, value in self.percentiles_ms.items()},
            "max_ms": self.max_ms,
        }

    def get(self, name: str) -> float | None:
        """A figure by its SLO name: p50 … p99.9, max, min or mean (milliseconds)."""
        if name == "max":
            return self.max_ms
        if name == "min":
            return self.min_ms
        if name == "mean":
            return self.mean_ms
        return self.percentiles_ms.get(name)


class LatencyHistogram:
    """An HDR histogram of durations, recorded in seconds and kept as microseconds."""

    def __init__(self, histogram: HdrHistogram | None = None) -> None:
        self._histogram = histogram or HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)

    @staticmethod
    def microseconds(seconds: float) -> int:
        """A duration as the histogram stores it: whole microseconds within its range."""
        return min(max(round(seconds * 1_000_000), LOWEST_US), HIGHEST_US)

    def record(self, seconds: float) -> None:
        self._histogram.record_value(self.microseconds(seconds))

    def record_us(self, microseconds: int) -> None:
        self._histogram.record_value(min(max(microseconds, LOWEST_US), HIGHEST_US))

    @property
    def count(self) -> int:
        return int(self._histogram.get_total_count())

    def value_at(self, percentile: float) -> int:
        """The value (µs) at `percentile` (0–100); 0 when empty."""
        return int(self._histogram.get_value_at_percentile(percentile)) if self.count else 0

    @property
    def min_us(self) -> int:
        return int(self._histogram.get_min_value()) if self.count else 0

    @property
    def max_us(self) -> int:
        return int(self._histogram.get_max_value()) if self.count else 0

    def add(self, other: LatencyHistogram) -> None:
        """Add `other`'s counts to this one (exact: bucket by bucket). An empty one adds
        nothing (and must not: the library would take its minimum, 0, for a value)."""
        if other.count:
            self._histogram.add(other._histogram)

    def encode(self) -> str:
        """The compressed encoding (ASCII), for sending to another process."""
        encoded = self._histogram.encode()
        return encoded.decode("ascii") if isinstance(encoded, bytes) else str(encoded)

    @classmethod
    def decode(cls, encoded: str) -> LatencyHistogram:
        return cls(HdrHistogram.decode(encoded.encode("ascii")))

    @classmethod
    def merged(cls, histograms: Iterable[LatencyHistogram]) -> LatencyHistogram:
        total = cls()
        for histogram in histograms:
            total.add(histogram)
        return total

    def summary(self) -> LatencySummary:
        if not self.count:
            return LatencySummary(0, None, None, dict.fromkeys(PERCENTILES), None)
        return LatencySummary(
            self.count,
            self.min_us / 1000,
            round(float(self._histogram.get_mean_value()) / 1000, 3),
            {name: self.value_at(p) / 1000 for name, p in PERCENTILES.items()},
            self.max_us / 1000,
        )

    def __eq__(self, other: object) -> bool:
        """Equal counts in every bucket (the same values to the histogram's precision)."""
        if not isinstance(other, LatencyHistogram):
            return NotImplemented
        mine, theirs = self._histogram, other._histogram
        return self.count == other.count and list(mine.counts) == list(theirs.counts)

    __hash__ = None  # type: ignore[assignment]  # mutable
