"""The load's time series: requests, failures and latency percentiles for each second of a run.

`LoadSeries.record` is the handler of Locust's request event (the adapter wires it); it keeps a
histogram per second with three significant digits (at most 0.5 % off, like an HDR histogram
of that precision), so memory stays bounded however long the run, percentiles of any span merge
exactly, and p99 never exceeds the maximum, which is kept exactly.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PERCENTILES", "SETTLE_SECONDS", "Histogram", "LoadSeries"]

#: the percentiles reported, as (key, fraction)
PERCENTILES = (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))


def _bucket(microseconds: int) -> int:
    """The value kept for a latency: three significant digits."""
    if microseconds < 1000:
        return microseconds
    scale = 10
    while microseconds >= scale * 1000:
        scale *= 10
    return (microseconds + scale // 2) // scale * scale


@dataclass(slots=True)
class Histogram:
    """Latencies in microseconds, three significant digits; the maximum exact."""

    counts: Counter[int] = field(default_factory=Counter)
    total: int = 0
    maximum: int = 0

    def add(self, microseconds: int) -> None:
        self.counts[_bucket(microseconds)] += 1
        self.total += 1
        if microseconds > self.maximum:
            self.maximum = microseconds

    def merge(self, other: Histogram) -> None:
        self.counts.update(other.counts)
        self.total += other.total
        self.maximum = max(self.maximum, other.maximum)

    def percentile(self, fraction: float) -> int:
        """The smallest kept value with at least `fraction` of the latencies at or below it."""
        if not self.total:
            return 0
        rank = max(1, math.ceil(fraction * self.total))
        seen = 0
        for value in sorted(self.counts):
            seen += self.counts[value]
            if seen >= rank:
                return min(value, self.maximum)
        return self.maximum

    def summary(self) -> dict[str, float]:
        """Percentiles and maximum in milliseconds (two decimals)."""
        figures = {key: self.percentile(fraction) for key, fraction in PERCENTILES}
        figures["max"] = self.maximum
        return {key: round(value / 1000, 2) for key, value in figures.items()}


#: a second's histogram is folded into its summary row once requests this much later start
#: (longer than any request can take: Locust's network timeout is 30 s), so memory stays flat
SETTLE_SECONDS = 65


@dataclass(slots=True)
class _Second:
    requests: int = 0
    failures: int = 0
    latency: Histogram = field(default_factory=Histogram)

    def row(self, second: int) -> dict[str, Any]:
        return {"t": second, "requests": self.requests, "failures": self.failures} | (
            self.latency.summary()
        )


class LoadSeries:
    """Per-second requests, failures and latencies of a run that started at `start` (epoch s).

    Seconds still receiving requests keep a histogram; older ones keep only their row (counts
    and percentiles) and give their latencies to the run's overall histogram.
    """

    def __init__(self, start: float) -> None:
        self.start = start
        self._open: dict[int, _Second] = {}
        self._rows: dict[int, dict[str, Any]] = {}
        self._overall = Histogram()
        self._names: dict[str, _Second] = {}
        self._latest = 0
        self.requests = 0
        self.failures = 0

    def record(
        self,
        request_type: str,
        name: str,
        response_time: float | None,
        response_length: int,
        exception: BaseException | None = None,
        start_time: float | None = None,
        **_: Any,
    ) -> None:
        """Locust's request event: one request, `response_time` in milliseconds."""
        second = int(max(0.0, (start_time if start_time is not None else self.start) - self.start))
        microseconds = round((response_time or 0.0) * 1000)
        failed = exception is not None
        self.requests += 1
        self.failures += failed
        named = self._names.setdefault(name, _Second())
        named.requests += 1
        named.failures += failed
        named.latency.add(microseconds)
        if second in self._rows:  # a straggler of a settled second: counted, not in its row
            self._overall.add(microseconds)
            self._rows[second]["requests"] += 1
            self._rows[second]["failures"] += failed
            return
        slot = self._open.setdefault(second, _Second())
        slot.requests += 1
        slot.failures += failed
        slot.latency.add(microseconds)
        if second > self._latest:
            self._latest = second
            self._settle(second - SETTLE_SECONDS)

    def _settle(self, before: int) -> None:
        for second in [s for s in self._open if s < before]:
            slot = self._open.pop(second)
            self._rows[second] = slot.row(second)
            self._overall.merge(slot.latency)

    def seconds(self) -> list[dict[str, Any]]:
        """One row per second from 0 to the last second with traffic (gaps as zeros)."""
        last = max([*self._open, *self._rows], default=-1)
        rows = []
        for second in range(last + 1):
            if second in self._rows:
                rows.append(dict(self._rows[second]))
            else:
                rows.append((self._open.get(second) or _Second()).row(second))
        return rows

    def overall(self) -> Histogram:
        return _merged([self._overall, *(slot.latency for slot in self._open.values())])

    def to_json(self, duration: float) -> dict[str, Any]:
        """Totals, per-request-name figures and the per-second series, for the run metadata."""
        return {
            "requests": self.requests,
            "failures": self.failures,
            "rps": round(self.requests / duration, 1) if duration > 0 else 0.0,
            "latency_ms": self.overall().summary(),
            "by_name": {
                name: {"requests": slot.requests, "failures": slot.failures}
                | slot.latency.summary()
                for name, slot in sorted(self._names.items())
            },
            "series": self.seconds(),
        }


def _merged(histograms: Iterable[Histogram]) -> Histogram:
    merged = Histogram()
    for histogram in histograms:
        merged.merge(histogram)
    return merged
