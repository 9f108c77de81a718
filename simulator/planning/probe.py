"""The breaking point: step the arrival rate up until the service-level objective breaks.

`run_probe` holds each rate of `step_rates(start, step, maximum)` for the hold time (through a
`run_step` callable that sends an open-model step and returns its `StepResult`), judges it
against the objective, and stops at the first step that breaks it: there is no point in pushing
a system further past its limit. From the steps it reports:

- the **maximum sustainable rate**: the highest step rate that met the objective (every lower
  one did too, since the probe stops at the first break). When no step broke it, it is only a
  lower bound (the `--max` rate); when the first step broke it, it is 0.
- the **knee**: where latency starts rising steeply. Precisely: with `b` the p95 latency at the
  first step (the baseline), the first *rise* is the first step whose p95 exceeds both `2·b` and
  `b + 5 ms` (the absolute margin keeps sub-millisecond noise from counting as a doubling); the
  knee is the rate of the step just before it. None when no step rose.
- the **headroom** against a modelled need (requests per second at the peak of the chosen
  province and month): maximum sustainable rate ÷ need. At least 1: the system holds the
  month's peak under the objective.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.planning.latency import LatencySummary
from simulator.planning.openmodel import StepResult
from simulator.planning.slo import Objective

__all__ = [
    "KNEE_FACTOR",
    "KNEE_MARGIN_MS",
    "Need",
    "ProbeResult",
    "StepOutcome",
    "find_knee",
    "run_probe",
    "step_rates",
]

KNEE_FACTOR = 2.0
KNEE_MARGIN_MS = 5.0
#: the most steps a probe may have (so a typo in --step cannot mean a day of load)
MAX_STEPS = 200


def step_rates(start: float, step: float, maximum: float) -> list[float]:
    """start, start+step, … up to maximum (inclusive); ValueError naming the bad rate."""
    for name, value in (("--start", start), ("--step", step), ("--max", maximum)):
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} {value:g}: a rate must be a positive number per second")
    if maximum < start:
        raise ValueError(f"--max {maximum:g} is below --start {start:g}")
    count = math.floor((maximum - start) / step + 1e-9) + 1
    if count > MAX_STEPS:
        raise ValueError(f"--start/--step/--max make {count} steps; at most {MAX_STEPS}")
    return [round(start + index * step, 6) for index in range(count)]


@dataclass(frozen=True, slots=True)
class Need:
    """The modelled need the probe is measured against."""

    province: str
    province_name: str
    month: str
    peak_rps: float
    #: what the figure is, in words (the peak minute and its date)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "province_name": self.province_name,
            "month": self.month,
            "peak_rps": self.peak_rps,
            "note": self.note,
        }


@dataclass(slots=True)
class StepOutcome:
    result: StepResult
    broken: list[str]

    @property
    def rate(self) -> float:
        return self.result.rate

    @property
    def meets(self) -> bool:
        return not self.broken

    @property
    def latency(self) -> LatencySummary:
        return self.result.latency.summary()

    def to_json(self) -> dict[str, Any]:
        result = self.result
        return {
            "rate": result.rate,
            "achieved_rate": round(result.achieved_rate, 3),
            "processes": result.processes,
            "scheduled": result.scheduled,
            "sent": result.sent,
            "ok": result.ok,
            "errors": result.errors,
            "error_share": round(result.error_share, 6),
            "late": result.late,
            "dropped": result.dropped,
            "latency_ms": result.latency.summary().to_json(),
            "service_ms": result.service.summary().to_json(),
            "lag_ms": result.lag.summary().to_json(),
            "meets_slo": self.meets,
            "broken": self.broken,
        }


def find_knee(steps: list[StepOutcome]) -> float | None:
    """The rate just before p95 first rises steeply (see the module's definition), or None."""
    if len(steps) < 2:
        return None
    baseline = steps[0].latency.get("p95")
    if baseline is None:
        return None
    threshold = max(KNEE_FACTOR * baseline, baseline + KNEE_MARGIN_MS)
    for before, step in itertools.pairwise(steps):
        p95 = step.latency.get("p95")
        if p95 is None or p95 > threshold:
            return before.rate
    return None


@dataclass(slots=True)
class ProbeResult:
    target: str
    flow: str
    objective: Objective
    hold: float
    arrivals: str
    steps: list[StepOutcome] = field(default_factory=list)
    need: Need | None = None

    @property
    def broke(self) -> bool:
        return any(not step.meets for step in self.steps)

    @property
    def max_sustainable(self) -> float:
        """The highest step rate that met the objective (0 when none did)."""
        return max((step.rate for step in self.steps if step.meets), default=0.0)

    @property
    def knee(self) -> float | None:
        return find_knee(self.steps)

    @property
    def headroom(self) -> float | None:
        if self.need is None:
            return None
        if self.need.peak_rps <= 0:
            return math.inf
        return self.max_sustainable / self.need.peak_rps

    @property
    def holds_need(self) -> bool:
        """No need to meet, or the maximum sustainable rate reaches it."""
        headroom = self.headroom
        return headroom is None or headroom >= 1.0

    @property
    def warnings(self) -> list[str]:
        """Steps where the load generator itself fell behind: their latencies include its lag."""
        notes = []
        for step in self.steps:
            result = step.result
            if result.sent and result.late / result.sent > 0.01:
                notes.append(
                    f"{step.rate:g}/s: {result.late:,} of {result.sent:,} starts late "
                    f"(lag p99 {result.lag.summary().get('p99')} ms): the load generator fell "
                    "behind; add --processes"
                )
            if result.dropped:
                notes.append(
                    f"{step.rate:g}/s: {result.dropped:,} starts dropped at the in-flight cap"
                )
        return notes

    def to_json(self) -> dict[str, Any]:
        headroom = self.headroom
        return {
            "target": self.target,
            "flow": self.flow,
            "slo": self.objective.text,
            "arrivals": self.arrivals,
            "hold_s": self.hold,
            "steps": [step.to_json() for step in self.steps],
            "max_sustainable_rps": self.max_sustainable,
            "max_sustainable_is_lower_bound": not self.broke,
            "knee_rps": self.knee,
            "knee_definition": (
                f"the step before the first whose p95 exceeds {KNEE_FACTOR:g}x the first step's"
                f" p95 and that p95 + {KNEE_MARGIN_MS:g} ms"
            ),
            "need": self.need.to_json() if self.need else None,
            "headroom": None if headroom is None or math.isinf(headroom) else round(headroom, 4),
            "holds_need": self.holds_need,
            "warnings": self.warnings,
        }


def run_probe(
    rates: list[float],
    run_step: Callable[[float], StepResult],
    objective: Objective,
    on_step: Callable[[StepOutcome], None] = lambda _outcome: None,
) -> list[StepOutcome]:
    """Hold each rate in turn until one breaks the objective (that one included)."""
    outcomes: list[StepOutcome] = []
    for rate in rates:
        result = run_step(rate)
        outcome = StepOutcome(
            result, objective.broken(result.latency.summary(), result.error_share)
        )
        outcomes.append(outcome)
        on_step(outcome)
        if not outcome.meets:
            break
    return outcomes
