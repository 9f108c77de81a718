"""What a simulation run tells its outputs as it goes (events, rendered by the CLI or ignored),
and what its load left (`LoadResult`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.run.desk import Desk
from simulator.run.series import LoadSeries

__all__ = ["LoadProgress", "LoadResult", "LoadStarted", "PortalStarted", "RunEvent"]


@dataclass(frozen=True, slots=True)
class PortalStarted:
    url: str
    database: Path
    #: the operator dashboard, with a viewer token (None: not offered)
    dashboard: str | None = None


@dataclass(frozen=True, slots=True)
class LoadStarted:
    users: int
    provinces: int
    duration: float
    rate: float


@dataclass(frozen=True, slots=True)
class LoadProgress:
    elapsed: float
    requests: int
    failures: int
    #: requests per second since the last report
    rps: float
    dossiers: int
    in_flight: int
    #: "load" until the duration is over, then "drain" while dossiers in flight finish
    phase: str


RunEvent = PortalStarted | LoadStarted | LoadProgress


@dataclass(frozen=True, slots=True)
class LoadResult:
    series: LoadSeries
    desk: Desk
    users: int
    #: epoch seconds when the users started, and when the last one stopped
    started: float
    ended: float
    #: exceptions raised in users' tasks (bugs, not findings)
    exceptions: int
    #: Locust's failures: request name, what went wrong, how often
    errors: list[dict[str, Any]]
