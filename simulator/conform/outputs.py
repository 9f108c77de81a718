"""Every output of a conformance run, and the one call the CLI makes after running a plan.

    write_outputs(result, verdict, folder, rules=None) -> list[Path]
        writes `results.json`, `junit.xml` and `report.html` into `folder` (created if missing);
        OSError → `UsageError` naming the folder (exit 2).
    conclude(result, waivers, today, *, out, reports=None, rules=None, colour=False) -> int
        decides the verdict, writes the outputs (when `reports` is given), the console summary
        (to `out`) and returns the exit code.
    recorded_waivers(path) -> Waivers
        the waivers a `results.json` was judged with (its verdict's), to judge it again
        (`portalsim report --result results.json`).

Renderers, each a pure function of (`PlanResult`, `Verdict`): `write_summary` (`console`),
`render_json`, `render_junit` (`machine`), `render_html` (`page`). A `results.json` re-renders
everything: `load_result(path)` gives the `PlanResult` back.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

import orjson

from contracts import Rule
from simulator.conform.console import write_summary
from simulator.conform.machine import render_json, render_junit
from simulator.conform.page import render_html
from simulator.conform.results import PlanResult, ResultFileError
from simulator.conform.verdict import Verdict, decide
from simulator.conform.waivers import Waiver, Waivers
from simulator.errors import UsageError

__all__ = ["OUTPUT_FILES", "conclude", "recorded_waivers", "write_outputs"]

OUTPUT_FILES = ("results.json", "junit.xml", "report.html")


def _write(path: Path, data: bytes) -> None:
    """Replace `path` whole: written beside it, then renamed (a CI never reads half a file)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def write_outputs(
    result: PlanResult,
    verdict: Verdict,
    folder: Path,
    rules: Mapping[str, Rule] | None = None,
) -> list[Path]:
    contents = (
        render_json(result, verdict),
        render_junit(result, verdict).encode("utf-8"),
        render_html(result, verdict, rules).encode("utf-8"),
    )
    paths = [folder / name for name in OUTPUT_FILES]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, data in zip(paths, contents, strict=True):
            _write(path, data)
    except OSError as error:
        raise UsageError(
            f"{folder}: cannot write the reports ({error.strerror or error})"
        ) from None
    return paths


def recorded_waivers(path: Path) -> Waivers:
    """The waivers under "verdict" in a results.json (none in a bare result file)."""
    try:
        document = orjson.loads(path.read_bytes())
        verdict = document.get("verdict") if isinstance(document, dict) else None
        if not isinstance(verdict, dict):
            return Waivers.none()
        source = str(verdict.get("waiver_file") or path)
        entries = tuple(
            Waiver(
                source,
                int(entry["entry"]),
                entry["case"],
                entry["rule"],
                str(entry["province"]),
                str(entry["owner"]),
                str(entry["reason"]),
                dt.date.fromisoformat(str(entry["expires"])),
            )
            for entry in verdict.get("waivers", [])
        )
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise ResultFileError(f"{path}: cannot read the waivers it records ({error})") from None
    return Waivers(source, entries)


def conclude(
    result: PlanResult,
    waivers: Waivers,
    today: dt.date,
    *,
    out: TextIO,
    reports: Path | None = None,
    rules: Mapping[str, Rule] | None = None,
    colour: bool = False,
) -> int:
    """Verdict, outputs and summary of a finished run; the exit code."""
    verdict = decide(result, waivers, today)
    paths = write_outputs(result, verdict, reports, rules) if reports is not None else []
    write_summary(result, verdict, out, colour=colour, reports=paths)
    return verdict.exit_code
