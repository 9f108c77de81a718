"""When an open model's requests are due: constant, ramping and Poisson arrival sequences.

An open model sends each request at a time fixed before the run (its *intended* start), whatever
the system under test does; a slow answer never delays the next request, unlike Locust's users
(a closed model, where a user waits for its answer before it sends again). The sequences here
are plain numbers (seconds after the step's start), computed up front, so the scheduler only has
to wait for each due time, and so the same sequence can be split exactly between processes.

A rate that changes linearly from `r0` to `r1` over `T` seconds has the cumulative count
`Λ(t) = r0·t + (r1 − r0)·t² / (2T)`. The k-th evenly spaced arrival is due at `Λ⁻¹(k)`
(k = 0, 1, … while `Λ⁻¹(k) < T`): a constant rate is the case `r0 = r1`. Poisson arrivals are a
unit-rate Poisson process (exponential gaps from a seeded generator) mapped through `Λ⁻¹`, which
gives a Poisson process of the same (possibly ramping) rate.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

__all__ = ["ARRIVALS", "ArrivalPlan", "arrival_times"]

#: the arrival processes: evenly spaced at the (possibly ramping) rate, or Poisson
ARRIVALS = ("constant", "poisson")


@dataclass(frozen=True, slots=True)
class ArrivalPlan:
    """A rate in requests per second from `rate` to `end_rate` (the same: constant) over
    `duration` seconds, evenly spaced or Poisson (seeded)."""

    rate: float
    duration: float
    end_rate: float | None = None
    arrivals: str = "constant"
    seed: int = 1

    def __post_init__(self) -> None:
        if self.arrivals not in ARRIVALS:
            raise ValueError(f"arrivals {self.arrivals!r}: one of {', '.join(ARRIVALS)}")
        if not (math.isfinite(self.duration) and self.duration > 0):
            raise ValueError(f"duration {self.duration!r}: must be a positive number of seconds")
        for rate in (self.rate, self.final_rate):
            if not (math.isfinite(rate) and rate >= 0):
                raise ValueError(f"rate {rate!r}: must be a number of requests per second ≥ 0")

    @property
    def final_rate(self) -> float:
        return self.rate if self.end_rate is None else self.end_rate

    @property
    def expected(self) -> float:
        """Λ(T): the expected number of arrivals (exact for evenly spaced ones, up to rounding
        up)."""
        return (self.rate + self.final_rate) * self.duration / 2

    def at(self, count: float) -> float:
        """Λ⁻¹(count): when the cumulative count reaches `count` (seconds after the start)."""
        r0, slope = self.rate, (self.final_rate - self.rate) / self.duration
        if count <= 0:
            return 0.0
        if slope == 0:
            return count / r0 if r0 > 0 else math.inf
        # r0·t + slope·t²/2 = count, in the form that does not cancel when slope is small
        discriminant = r0 * r0 + 2 * slope * count
        if discriminant < 0:
            return math.inf  # a falling ramp never reaches this count
        root = math.sqrt(discriminant)
        return 2 * count / (r0 + root) if r0 + root > 0 else math.inf


def arrival_times(plan: ArrivalPlan, *, part: int = 0, parts: int = 1) -> list[float]:
    """The due times (seconds after the start, ascending) of `plan`'s arrivals that belong to
    process `part` of `parts`: arrival k goes to process k mod `parts`, so the processes' shares
    together are exactly the single-process sequence (Poisson ones too: every process draws
    the same seeded sequence and keeps its own)."""
    if not 0 <= part < parts:
        raise ValueError(f"part {part} of {parts}: must be from 0 to {parts - 1}")
    times: list[float] = []
    if plan.arrivals == "constant":
        count = math.ceil(plan.expected - 1e-9)
        for k in range(part, count, parts):
            due = plan.at(k)
            if due >= plan.duration:
                break
            times.append(due)
        return times
    rng = random.Random(plan.seed)
    position, k = 0.0, 0
    while True:
        position += rng.expovariate(1.0)
        due = plan.at(position)
        if due >= plan.duration:
            return times
        if k % parts == part:
            times.append(due)
        k += 1
