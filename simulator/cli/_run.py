"""`portalsim run`: the one-command simulation, from a mock portal to the national scorecard."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TextIO

import click

from simulator.cli._durations import parse_seconds
from simulator.cli._report import gate_option, parse_bands, parse_gate_option, show_report, stderr
from simulator.errors import InfrastructureError
from simulator.run import (
    LoadProgress,
    LoadStarted,
    PortalStarted,
    RunEvent,
    RunSettings,
    prepare,
    run_simulation,
)


class _Progress:
    """Renders the run's events: one line each, or one line rewritten in place on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self._open = False

    def __call__(self, event: RunEvent) -> None:
        if isinstance(event, PortalStarted):
            self._line(
                f"portalsim: mock portal on {event.url} (lenient, database {event.database})"
            )
            if event.dashboard:
                self._line(f"portalsim: live dashboard (read-only): {event.dashboard}")
        elif isinstance(event, LoadStarted):
            rate = f"{event.rate:g} dossiers/s" if event.rate else "as fast as the portal answers"
            self._line(
                f"load: {event.users} users over {event.provinces} provinces for "
                f"{event.duration:g} s, {rate}"
            )
        elif isinstance(event, LoadProgress):
            text = (
                f"  {event.elapsed:5.0f} s  {event.requests:>8,} requests  {event.rps:7.1f} req/s  "
                f"{event.failures:,} failures  {event.dossiers:,} dossiers ({event.in_flight:,} in "
                f"flight){'  draining' if event.phase == 'drain' else ''}"
            )
            if self.live:
                self.stream.write(f"\r\x1b[2K{text}")
                self._open = True
            else:
                self._line(text)
        self.stream.flush()

    def _line(self, text: str) -> None:
        if self._open:
            self.stream.write("\n")
            self._open = False
        self.stream.write(text + "\n")

    def close(self) -> None:
        if self._open:
            self.stream.write("\n")
            self._open = False


@click.command("run")
@click.option(
    "--profiles",
    default="field-reports",
    show_default=True,
    help="Province profiles: clean, field-reports (-63 for the former provinces) or a TOML file.",
)
@click.option("--duration", default="60s", show_default=True, help="How long new dossiers start.")
@click.option(
    "--users",
    type=click.IntRange(min=1),
    help="Locust users, each one province unit in one flow (default: 6 per province).",
)
@click.option(
    "--rate",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="New dossiers per second nationally (each about 20 requests over its life); "
    "0: as fast as the portal answers.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Seed of the dossiers.")
@click.option(
    "--time-factor",
    default=100_000.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Simulated seconds per real second between a dossier's steps.",
)
@click.option(
    "--drain",
    default="15s",
    show_default=True,
    help="After --duration, how long dossiers in flight may finish (0: not at all).",
)
@click.option(
    "--reports",
    default="reports",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for portal.sqlite3, scorecard.json, junit.xml and report.html.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Loopback port of the embedded portal (default: a free one).",
)
@gate_option
@click.option(
    "--bands",
    default="90,75,50",
    show_default=True,
    metavar="G,Y,O",
    help="Lowest scores of the xanh, vàng and cam bands.",
)
@click.option(
    "--locustfile",
    type=click.Path(path_type=Path),
    help="Run these Locust users instead of the bundled scenarios/portal.py.",
)
def run_command(
    profiles: str,
    duration: str,
    users: int | None,
    rate: float,
    seed: int,
    time_factor: float,
    drain: str,
    reports: Path,
    port: int | None,
    gates: tuple[str, ...],
    bands: str,
    locustfile: Path | None,
) -> int:
    """Simulate the provinces against an embedded mock portal and print the national scorecard.

    Starts the mock portal (SQLite in the reports folder, lenient) on a loopback port, gives it
    the provinces of the profile set, runs their Locust users for --duration, then prints the
    scorecard and writes scorecard.json, junit.xml and report.html.

    \b
    Exit 0: pass · 1: a --gate threshold broken, or nothing checked · 2: bad option, profile
    set, port in use or report folder (before any load) · 4: the portal did not start or
    answered nothing.
    """
    settings = RunSettings(
        profiles=profiles,
        seed=seed,
        users=users,
        rate=rate,
        duration=parse_seconds("--duration", duration),
        drain=parse_seconds("--drain", drain, allow_zero=True),
        time_factor=time_factor,
        reports=reports,
        port=port,
        bands=parse_bands(bands) or RunSettings().bands,
        gate=parse_gate_option(gates),
        locustfile=locustfile,
    )
    prepared = prepare(settings)
    progress = _Progress(stderr())
    # What Locust logs (a worker short of CPU, a user's error) goes to stderr, marked as its.
    logging.basicConfig(
        stream=progress.stream, level=logging.WARNING, format="portalsim: load: %(message)s"
    )
    try:
        outcome = run_simulation(prepared, progress)
    finally:
        progress.close()
    code = show_report(outcome.report, outcome.paths)
    if outcome.answered == 0:
        raise InfrastructureError(
            f"the portal answered none of the {outcome.requests} requests sent",
            hint=f"see the reports in {reports}",
        )
    return code
