"""`portalsim run`: the mock portal, the synthetic provinces' load, the national scorecard.

1. `prepare` checks everything a user can get wrong (profile set, duration, users, report
   folder, port, gate, locustfile) and raises `UsageError` (exit 2) before anything starts.
2. `run_simulation` starts `portalsim serve` in a child process on a free loopback port over
   `<reports>/portal.sqlite3` (emptied first), lenient, with the profile set's units; runs the
   locustfile's users in this process with Locust as a library (imported only now); stops the
   portal; stores the run's metadata (load series, ground truth, bands, gate) in the portal's
   database (setting `run_metadata`), so `portalsim report` can re-render everything from the
   database alone; and writes the reports.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from contracts.profiles import load as load_profile
from mock_portal.config import ConfigError
from mock_portal.scorecard import Bands
from mock_portal.server import check_port_free
from mock_portal.store import Store
from simulator.domain import PROVINCES_2025, VN_TZ
from simulator.errors import InfrastructureError, UsageError
from simulator.reports import Report, build_report, store_run_metadata, write_reports
from simulator.reports.gate import Gate, GateError
from simulator.run.desk import LoadOptions
from simulator.run.events import LoadResult, LoadStarted, PortalStarted, RunEvent
from simulator.run.portal import PortalProcess, free_port, remove_database
from simulator.synthetic import ProfileSet, load_profile_set

__all__ = [
    "DATABASE_NAME",
    "Prepared",
    "RunOutcome",
    "RunSettings",
    "bundled_locustfile",
    "prepare",
    "run_simulation",
]

DATABASE_NAME = "portal.sqlite3"
#: users per province when --users is not given: one per flow, two for progress syncs
USERS_PER_PROVINCE = 6


@dataclass(frozen=True, slots=True)
class RunSettings:
    profiles: str = "field-reports"
    seed: int = 1
    #: Locust users; None: `USERS_PER_PROVINCE` per province
    users: int | None = None
    #: new dossiers per second nationally; 0: as fast as the portal answers
    rate: float = 5.0
    duration: float = 60.0
    drain: float = 15.0
    time_factor: float = 100_000.0
    reports: Path = Path("reports")
    #: None: a free port chosen by the kernel
    port: int | None = None
    bands: Bands = field(default_factory=Bands)
    gate: Gate | None = None
    locustfile: Path | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    settings: RunSettings
    profiles: ProfileSet
    users: int
    database: Path
    locustfile: Path


@dataclass(frozen=True, slots=True)
class RunOutcome:
    report: Report
    paths: list[Path]
    requests: int
    failures: int

    @property
    def answered(self) -> int:
        return self.requests - self.failures


def bundled_locustfile() -> Path:
    """`scenarios/portal.py`, found without importing it (it imports Locust)."""
    spec = importlib.util.find_spec("scenarios")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the bundled scenarios are not installed; give --locustfile")
    return Path(next(iter(spec.submodule_search_locations))) / "portal.py"


def _check_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".portalsim-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise UsageError(
            f"{folder}: cannot write the reports here ({error.strerror or error})"
        ) from None


def prepare(settings: RunSettings) -> Prepared:
    """Every check that needs no portal; `UsageError` (exit 2) naming the first problem."""
    if settings.duration <= 0:
        raise UsageError("--duration must be positive: a run that sends nothing checks nothing")
    if settings.drain < 0 or settings.rate < 0 or settings.time_factor < 1:
        raise UsageError("--drain and --rate must not be negative, --time-factor at least 1")
    try:
        profiles = load_profile_set(settings.profiles)
    except ValueError as error:
        raise UsageError(f"--profiles: {error}") from None
    users = settings.users if settings.users is not None else USERS_PER_PROVINCE * len(profiles)
    if users < 1:
        raise UsageError("--users must be at least 1")
    if settings.gate is not None:
        try:
            settings.gate.check(
                (rule.id for rule in load_profile().rules),
                (province.code for province in PROVINCES_2025),
            )
        except GateError as error:
            raise UsageError(f"--gate: {error}") from None
    locustfile = settings.locustfile or bundled_locustfile()
    if not locustfile.is_file():
        raise UsageError(f"{locustfile}: no such locustfile")
    _check_folder(settings.reports)
    if settings.port is not None:
        try:
            check_port_free("127.0.0.1", settings.port)
        except ConfigError as error:
            raise UsageError(str(error)) from None
    return Prepared(settings, profiles, users, settings.reports / DATABASE_NAME, locustfile)


def _wall(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, VN_TZ).isoformat(timespec="seconds")


def _metadata(prepared: Prepared, url: str, result: LoadResult) -> dict[str, Any]:
    settings, profiles = prepared.settings, prepared.profiles
    seconds = max(result.ended - result.started, 1e-9)
    return {
        "format": 1,
        "tool": f"portalsim {importlib.metadata.version('portalsim')}",
        "profiles": {
            "name": profiles.name,
            "description": profiles.description,
            "source": profiles.source,
            "units": profiles.units,
            "provinces": len(profiles),
        },
        "seed": settings.seed,
        "users": prepared.users,
        "rate": settings.rate,
        "time_factor": settings.time_factor,
        "duration_s": settings.duration,
        "drain_s": settings.drain,
        "started_at": _wall(result.started),
        "ended_at": _wall(result.ended),
        "portal": {"url": url, "mode": "lenient"},
        "bands": settings.bands.to_dict(),
        "gate": settings.gate.to_json() if settings.gate is not None else None,
        "dossiers": {"started": result.desk.started, "completed": result.desk.completed},
        "exceptions": result.exceptions,
        "errors": result.errors,
        "load": result.series.to_json(seconds),
        "truth": result.desk.truth(),
    }


def run_simulation(prepared: Prepared, on_event: Callable[[RunEvent], None]) -> RunOutcome:
    """Portal up, load, portal down, metadata stored, reports written; `InfrastructureError`
    (exit 4) when the portal does not start."""
    settings = prepared.settings
    remove_database(prepared.database)
    port = settings.port if settings.port is not None else free_port()
    callbacks = free_port()
    with PortalProcess(
        prepared.database, prepared.profiles, port=port, callback_port=callbacks
    ) as portal:
        on_event(PortalStarted(portal.url, prepared.database, portal.dashboard_url))
        from simulator.load import run_load  # Locust monkey-patches on import: only now

        options = LoadOptions(
            prepared.profiles,
            seed=settings.seed,
            password=portal.password,
            time_factor=settings.time_factor,
            rate=settings.rate,
            sso_secret=portal.sso_secret,
            payment_secret=portal.payment_secret,
            callback_port=callbacks,
        )
        on_event(
            LoadStarted(prepared.users, len(prepared.profiles), settings.duration, settings.rate)
        )
        result = run_load(
            options,
            host=portal.url,
            locustfile=prepared.locustfile,
            users=prepared.users,
            duration=settings.duration,
            drain=settings.drain,
            on_progress=on_event,
        )
        url = portal.url
    if not prepared.database.exists():
        raise InfrastructureError(f"{prepared.database}: the portal left no database")
    with Store.open(os.fspath(prepared.database)) as store:
        store_run_metadata(store, _metadata(prepared, url, result))
        report = build_report(store, load_profile(), bands=settings.bands, gate=settings.gate)
    paths = write_reports(report, settings.reports)
    return RunOutcome(report, paths, result.series.requests, result.series.failures)
