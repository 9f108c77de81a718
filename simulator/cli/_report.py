"""`portalsim report`: the national scorecard and reports of any portal database, re-rendered."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import click

from contracts.profiles import load as load_profile
from mock_portal.scorecard import Bands
from simulator.cli._database import open_portal_database
from simulator.cli._streams import stdout
from simulator.domain import PROVINCES_2025
from simulator.errors import EXIT_GATE_FAILED, EXIT_PASS, UsageError
from simulator.reports import Report, build_report, write_reports, write_scorecard
from simulator.reports.gate import Gate, GateError, parse_gate
from simulator.reports.waivers import parse_waiver_date

__all__ = [
    "gate_option",
    "parse_bands",
    "parse_gate_option",
    "parse_today",
    "report_command",
    "show_report",
]

gate_option = click.option(
    "--gate",
    "gates",
    multiple=True,
    metavar="SPEC",
    help="Thresholds that decide exit 1: max-errors=0, min-score=90, HS-002=0, HS=0 (a family), "
    "HS.error=0 (one severity), comma-separated or repeated, or a gate TOML file with "
    "per-province thresholds and waivers (docs/conformance.md).",
)


def stderr() -> TextIO:
    stream: TextIO | None = (click.get_current_context().obj or {}).get("stderr")
    return stream or sys.stderr


def parse_gate_option(specs: Sequence[str]) -> Gate | None:
    try:
        return parse_gate(specs)
    except GateError as error:
        raise UsageError(f"--gate: {error}") from None


def parse_bands(text: str | None) -> Bands | None:
    if text is None:
        return None
    try:
        return Bands.parse(text)
    except ValueError as error:
        raise UsageError(f"--bands: {error}") from None


def show_report(report: Report, paths: Sequence[Path]) -> int:
    """Scorecard on standard output, reports and verdict on standard error; the exit code."""
    out = stdout()
    write_scorecard(report, out, colour=out.isatty())
    err = stderr()
    err.write("Báo cáo / reports: " + ", ".join(str(path) for path in paths) + "\n")
    for outcome in report.waivers:
        err.write(f"miễn trừ / waiver: {outcome}\n")
    for breach in report.breaches:
        err.write(f"gate: {breach}\n")
    if not report.checked:
        err.write("Kết quả / result: không kiểm tra gì / nothing was checked — KHÔNG ĐẠT / FAIL\n")
        return EXIT_GATE_FAILED
    if report.breaches:
        err.write(f"Kết quả / result: {len(report.breaches)} ngưỡng bị vượt / gate broken — FAIL\n")
        return EXIT_GATE_FAILED
    passed = "gate passed" if report.gate is not None else "no gate"
    err.write(f"Kết quả / result: ĐẠT / PASS ({passed})\n")
    return EXIT_PASS


def parse_today(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_waiver_date(text)
    except ValueError:
        raise UsageError(f"--today: {text!r} is not a date (YYYY-MM-DD)") from None


@click.command("report")
@click.option(
    "--database",
    help="The portal's database: a SQLite file, sqlite:///PATH, or a postgresql:// URL.",
)
@click.option(
    "--result",
    "result_path",
    type=click.Path(path_type=Path),
    help="Instead of a database: the results.json of a portalsim conform run, judged again.",
)
@click.option(
    "--waivers",
    "waivers_path",
    type=click.Path(path_type=Path),
    help="With --result: judge with this waiver file instead of the waivers it records.",
)
@click.option(
    "--reports",
    default="reports",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for scorecard.json (--result: results.json), junit.xml and report.html.",
)
@gate_option
@click.option(
    "--bands",
    metavar="G,Y,O",
    help="Lowest scores of the xanh, vàng and cam bands (default: the run's, else 90,75,50).",
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Judge waivers (the gate's, or --result's) as of this day (default: today in "
    "Asia/Ho_Chi_Minh).",
)
def report_command(
    database: str | None,
    result_path: Path | None,
    waivers_path: Path | None,
    reports: Path,
    gates: tuple[str, ...],
    bands: str | None,
    today: str | None,
) -> int:
    """Re-render the scorecard and reports of a portal database, without running anything.

    Works on the database of `portalsim run` (its load charts and ground truth included) and of
    `portalsim serve` (scorecards only).

    With a gate file's [[waiver]] entries, a province's findings of a waived rule do not count
    until the waiver expires; an expired waiver breaks the gate (docs/conformance.md).

    With --result results.json: a portalsim conform run judged again (its recorded waivers, or
    --waivers, on --today) and its reports written again; the exit codes of portalsim conform.

    \b
    Exit 0: pass · 1: a gate threshold broken, an expired waiver, or nothing checked · 2: bad
    option, gate file or database content · 4: database unreachable.
    """
    day = parse_today(today)
    if (database is None) == (result_path is None):
        raise UsageError(
            "give --database (a portal database) or --result (a conformance run's results.json)"
        )
    if result_path is not None:
        if gates or bands:
            raise UsageError("--gate and --bands judge a portal database, not --result")
        # imported here: the conformance plan is only needed for this mode
        from simulator.cli._report_result import report_result

        return report_result(result_path, waivers_path, day, reports)
    assert database is not None  # one of the two, checked above
    if waivers_path is not None:
        raise UsageError(
            "--waivers goes with --result; a gate of recorded traffic takes its waivers from "
            "the gate file ([[waiver]])"
        )
    gate = parse_gate_option(gates)
    chosen_bands = parse_bands(bands)
    profile = load_profile()
    with open_portal_database(database) as store:
        if store.journal_count() == 0:
            raise UsageError(f"{store.url}: the database holds no message: nothing to report")
        if gate is not None:
            try:
                gate.check(
                    (rule.id for rule in profile.rules),
                    (province.code for province in PROVINCES_2025),
                )
            except GateError as error:
                raise UsageError(f"--gate: {error}") from None
        report = build_report(store, profile, bands=chosen_bands, gate=gate, today=day)
    try:
        paths = write_reports(report, reports)
    except OSError as error:
        raise UsageError(
            f"{reports}: cannot write the reports ({error.strerror or error})"
        ) from None
    return show_report(report, paths)
