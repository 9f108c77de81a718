"""`portalsim validate CAPTURE`: is the traffic in this capture conformant, and if not, why."""

from __future__ import annotations

from pathlib import Path

import click

from contracts.profiles import DEFAULT_PROFILE, available
from simulator.cli._durations import parse_option_duration
from simulator.cli._streams import output_stream
from simulator.errors import EXIT_GATE_FAILED, EXIT_PASS, CaptureError
from simulator.output import write_json, write_junit, write_text
from simulator.validation import ValidationOptions, validate_capture

_WRITERS = {"text": write_text, "json": write_json, "junit": write_junit}


@click.command("validate")
@click.argument("capture", type=click.Path(path_type=Path))
@click.option(
    "--profile",
    default=DEFAULT_PROFILE,
    show_default=True,
    type=click.Choice(available()),
    help="Conformance profile.",
)
@click.option("--catalogue", type=click.Path(path_type=Path), help="Procedure catalogue file.")
@click.option("--units", type=click.Path(path_type=Path), help="Agency-code registry file.")
@click.option("--calendar", type=click.Path(path_type=Path), help="Working-day override file.")
@click.option(
    "--sync-limit",
    default="1h",
    show_default=True,
    help="Longest acceptable delay between an event and its sync (e.g. 30m, 1h, 2h30m).",
)
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    type=click.Choice(sorted(_WRITERS)),
    help="text for people, json or junit for machines.",
)
@click.option("--output", type=click.Path(path_type=Path), help="Write the report to FILE.")
def validate_command(
    capture: Path,
    profile: str,
    catalogue: Path | None,
    units: Path | None,
    calendar: Path | None,
    sync_limit: str,
    output_format: str,
    output: Path | None,
) -> int:
    """Check a HAR 1.2 file or an NDJSON journal against the message contracts.

    \b
    Exit 0: no error-severity finding · 1: some · 2: usage error or unreadable capture.
    """
    limit = parse_option_duration("--sync-limit", sync_limit)
    options = ValidationOptions(
        profile=profile, catalogue=catalogue, units=units, calendar=calendar, sync_limit=limit
    )
    result = validate_capture(capture, options)
    try:
        if result.messages == 0:
            raise CaptureError(f"{capture}: no messages to check (a run that checks nothing fails)")
        with output_stream(output) as out:
            _WRITERS[output_format](result, out)
        return EXIT_GATE_FAILED if result.errors else EXIT_PASS
    finally:
        result.close()
