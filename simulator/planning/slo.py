"""Service-level objectives of a probe: `p95<500ms,errors<1%`.

An objective is a comma-separated list of conditions, all of which a load step must meet:

- a latency figure — `p50`, `p90`, `p95`, `p99`, `p99.9`, `max` or `mean` — below (`<`) or at
  most (`<=`) a duration in `us`, `ms` or `s` (`p99<=1.5s`);
- `errors` — failed and dropped requests as a share of those scheduled — below or at most a
  percentage (`errors<1%`, `errors<=0.5%`).

Latencies are the open model's, measured from each request's intended start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.planning.latency import PERCENTILES, LatencySummary

__all__ = ["Condition", "Objective", "SloError", "parse_slo"]

LATENCY_FIGURES = (*PERCENTILES, "max", "mean")
_CONDITION = re.compile(
    r"\s*(?P<metric>[a-z][a-z0-9.]*)\s*(?P<op><=|<)\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[a-zµ%]*)\s*"
)
_TO_MS = {"us": 0.001, "µs": 0.001, "ms": 1.0, "s": 1000.0}


class SloError(ValueError):
    """An objective that cannot be parsed; the message names the part and what is wrong."""


@dataclass(frozen=True, slots=True)
class Condition:
    """`metric op limit`: latency limits in milliseconds, the error limit as a share (0–1)."""

    metric: str
    inclusive: bool
    limit: float
    text: str

    def holds(self, value: float) -> bool:
        return value <= self.limit if self.inclusive else value < self.limit


@dataclass(frozen=True, slots=True)
class Objective:
    conditions: tuple[Condition, ...]
    text: str

    def broken(self, latency: LatencySummary, error_share: float) -> list[str]:
        """The conditions a step with these figures breaks, each with the measured value."""
        broken = []
        for condition in self.conditions:
            if condition.metric == "errors":
                if not condition.holds(error_share):
                    broken.append(f"{condition.text} (measured {error_share:.2%})")
                continue
            value = latency.get(condition.metric)
            if value is None:  # nothing answered at all: no latency can meet an objective
                broken.append(f"{condition.text} (no answer)")
            elif not condition.holds(value):
                broken.append(f"{condition.text} (measured {value:.4g} ms)")
        return broken


def parse_slo(text: str) -> Objective:
    """The objective `text` states, or `SloError` naming the part that is wrong."""
    parts = text.split(",")
    if not text.strip() or any(not part.strip() for part in parts):
        raise SloError(f"SLO {text!r}: expected conditions like p95<500ms,errors<1%")
    conditions = []
    seen: set[str] = set()
    for part in parts:
        conditions.append(_condition(part.strip(), text))
        if conditions[-1].metric in seen:
            raise SloError(f"SLO {text!r}: {conditions[-1].metric} is given twice")
        seen.add(conditions[-1].metric)
    return Objective(tuple(conditions), text.strip())


def _condition(part: str, whole: str) -> Condition:
    match = _CONDITION.fullmatch(part)
    if match is None:
        raise SloError(f"SLO {whole!r}: {part!r} is not a condition like p95<500ms or errors<1%")
    metric, op = match["metric"], match["op"]
    number, unit = float(match["number"]), match["unit"]
    if metric == "errors":
        if unit != "%":
            raise SloError(f"SLO {whole!r}: {part!r}: the error limit is a percentage (errors<1%)")
        if number > 100:
            raise SloError(f"SLO {whole!r}: {part!r}: a percentage is at most 100")
        return Condition(metric, op == "<=", number / 100, part)
    if metric not in LATENCY_FIGURES:
        known = ", ".join((*LATENCY_FIGURES, "errors"))
        raise SloError(f"SLO {whole!r}: {metric!r} is not a figure; known: {known}")
    if unit not in _TO_MS:
        raise SloError(f"SLO {whole!r}: {part!r}: a latency limit needs a unit: us, ms or s")
    if number <= 0:
        raise SloError(f"SLO {whole!r}: {part!r}: a latency limit must be positive")
    return Condition(metric, op == "<=", number * _TO_MS[unit], part)
