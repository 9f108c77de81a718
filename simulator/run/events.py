"""What a simulation run tells its outputs as it goes: events, rendered by the CLI (or ignored)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["LoadProgress", "LoadStarted", "PortalStarted", "RunEvent"]


@dataclass(frozen=True, slots=True)
class PortalStarted:
    url: str
    database: Path


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
