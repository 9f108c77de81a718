"""Open-model load without the load tool: what a process is told to send, and what it measured.

A `StepPlan` travels from the probe (or a Locust master) to each load process; the process sends
its share of the plan's arrivals (`simulator.planning.arrivals`), each at its intended time, and
a `StepRecorder` keeps what happened:

- **latency** from the *intended* start to the end of the answer: the time a user who arrived
  at that moment waits, queueing in the load generator included. Measuring from the actual
  start instead (what a closed-model tool reports) hides a stall: the requests that should have
  gone out during it are late, and their wait is not counted — coordinated omission.
- **service** time, from the actual start (what Locust would call the response time), kept to
  show the difference.
- **lag**, from the intended to the actual start: the scheduler's own accuracy. A start more
  than `late_after` seconds behind is *late* (counted; its latency still runs from the intended
  time). When `max_in_flight` requests are already waiting for answers, a due request is not
  sent at all: a *dropped* start, counted as a failure (a user who could not be served).

Results from several processes merge exactly (counts add, histograms add bucket by bucket).
The network part (gevent, Locust's HTTP client and its master/worker messaging) lives in
`simulator.load`, the one module allowed to import Locust.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.planning.arrivals import ArrivalPlan
from simulator.planning.latency import LatencyHistogram

__all__ = ["FLOWS", "StepPlan", "StepRecorder", "StepResult"]

#: what each arrival sends: `get` the target URL (any HTTP service), or one DVCQG `catalogue`
#: synchronisation on the share endpoint by a logged-in province unit (the scenarios' flow)
FLOWS = ("get", "catalogue")


@dataclass(frozen=True, slots=True)
class StepPlan:
    """One load step for every process: the target, what to send, how fast and how long."""

    target: str
    rate: float
    duration: float
    flow: str = "get"
    end_rate: float | None = None
    arrivals: str = "constant"
    seed: int = 1
    #: requests waiting for an answer, per process, beyond which a due start is dropped
    max_in_flight: int = 1000
    #: a start later than this (seconds) behind its intended time is counted late
    late_after: float = 0.010
    #: seconds a request may take; still unanswered then, it fails as a timeout
    timeout: float = 30.0
    #: province units (agency codes) the catalogue flow logs in as, in turn
    units: tuple[str, ...] = ()
    password: str = "demo"

    def arrival_plan(self) -> ArrivalPlan:
        return ArrivalPlan(self.rate, self.duration, self.end_rate, self.arrivals, self.seed)

    def to_message(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "rate": self.rate,
            "duration": self.duration,
            "flow": self.flow,
            "end_rate": self.end_rate,
            "arrivals": self.arrivals,
            "seed": self.seed,
            "max_in_flight": self.max_in_flight,
            "late_after": self.late_after,
            "timeout": self.timeout,
            "units": list(self.units),
            "password": self.password,
        }

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> StepPlan:
        return cls(**{**data, "units": tuple(data.get("units", ()))})

    def at_rate(self, rate: float) -> StepPlan:
        return replace(self, rate=rate, end_rate=None)


@dataclass(slots=True)
class StepResult:
    """What one or more processes measured in one step."""

    rate: float
    duration: float
    scheduled: int = 0
    sent: int = 0
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    late: int = 0
    dropped: int = 0
    #: from the first due time to the last actual start, or the step's duration if longer
    sending_seconds: float = 0.0
    processes: int = 1
    latency: LatencyHistogram = field(default_factory=LatencyHistogram)
    service: LatencyHistogram = field(default_factory=LatencyHistogram)
    lag: LatencyHistogram = field(default_factory=LatencyHistogram)

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    @property
    def achieved_rate(self) -> float:
        """Requests actually started per second over the sending window."""
        return self.sent / self.sending_seconds if self.sending_seconds > 0 else 0.0

    @property
    def error_share(self) -> float:
        """Failed and dropped requests as a share of those scheduled (0 with none)."""
        return (self.failed + self.dropped) / self.scheduled if self.scheduled else 0.0

    def to_message(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "duration": self.duration,
            "scheduled": self.scheduled,
            "sent": self.sent,
            "ok": self.ok,
            "errors": dict(self.errors),
            "late": self.late,
            "dropped": self.dropped,
            "sending_seconds": self.sending_seconds,
            "processes": self.processes,
            "latency": self.latency.encode(),
            "service": self.service.encode(),
            "lag": self.lag.encode(),
        }

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> StepResult:
        return cls(
            rate=float(data["rate"]),
            duration=float(data["duration"]),
            scheduled=int(data["scheduled"]),
            sent=int(data["sent"]),
            ok=int(data["ok"]),
            errors={str(k): int(v) for k, v in data["errors"].items()},
            late=int(data["late"]),
            dropped=int(data["dropped"]),
            sending_seconds=float(data["sending_seconds"]),
            processes=int(data["processes"]),
            latency=LatencyHistogram.decode(data["latency"]),
            service=LatencyHistogram.decode(data["service"]),
            lag=LatencyHistogram.decode(data["lag"]),
        )

    @classmethod
    def merge(cls, results: list[StepResult]) -> StepResult:
        """The results of the processes that shared one step, as one."""
        if not results:
            raise ValueError("no results to merge")
        errors: Counter[str] = Counter()
        for result in results:
            errors.update(result.errors)
        return cls(
            rate=results[0].rate,
            duration=results[0].duration,
            scheduled=sum(r.scheduled for r in results),
            sent=sum(r.sent for r in results),
            ok=sum(r.ok for r in results),
            errors=dict(sorted(errors.items())),
            late=sum(r.late for r in results),
            dropped=sum(r.dropped for r in results),
            sending_seconds=max(r.sending_seconds for r in results),
            processes=sum(r.processes for r in results),
            latency=LatencyHistogram.merged(r.latency for r in results),
            service=LatencyHistogram.merged(r.service for r in results),
            lag=LatencyHistogram.merged(r.lag for r in results),
        )


class StepRecorder:
    """Counts and histograms of one process's step; with `keep_samples`, also every latency
    in microseconds (the test mode that checks the merge against the raw values)."""

    def __init__(self, plan: StepPlan, *, keep_samples: bool = False) -> None:
        self.plan = plan
        self.result = StepResult(plan.rate, plan.duration)
        self._errors: Counter[str] = Counter()
        self._last_start = 0.0
        self.samples: list[int] | None = [] if keep_samples else None

    def scheduled(self, count: int) -> None:
        self.result.scheduled += count

    def dropped(self) -> None:
        self.result.dropped += 1

    def started(self, intended: float, actual: float) -> None:
        """A request went out at `actual`, due at `intended` (seconds after the step's start)."""
        lag = max(actual - intended, 0.0)
        self.result.sent += 1
        self.result.lag.record(lag)
        if lag > self.plan.late_after:
            self.result.late += 1
        self._last_start = max(self._last_start, actual)

    def finished(self, intended: float, started: float, ended: float, error: str | None) -> None:
        """The answer (or failure `error`) came at `ended`."""
        latency = LatencyHistogram.microseconds(max(ended - intended, 0.0))
        self.result.latency.record_us(latency)
        self.result.service.record(max(ended - started, 0.0))
        if self.samples is not None:
            self.samples.append(latency)
        if error is None:
            self.result.ok += 1
        else:
            self._errors[error] += 1

    def abandoned(self, reason: str = "timeout") -> None:
        """Count the requests sent but not ended (the step gave up waiting) as failed."""
        unanswered = self.result.sent - self.result.ok - sum(self._errors.values())
        if unanswered > 0:
            self._errors[reason] += unanswered

    def finish(self) -> StepResult:
        """The step's result once every request has ended (or timed out)."""
        self.result.errors = dict(sorted(self._errors.items()))
        self.result.sending_seconds = max(self.plan.duration, self._last_start)
        return self.result
