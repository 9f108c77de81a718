"""Every output of a conformance run, and the one call the CLI makes after running a plan.

    write_outputs(result, verdict, folder, rules=None) -> list[Path]
        writes `results.json`, `junit.xml` and `report.html` into `folder` (created if missing);
        OSError → `UsageError` naming the folder (exit 2).
    conclude(result, waivers, today, *, out, reports=None, rules=None, colour=False) -> int
        decides the verdict, writes the outputs (when `reports` is given), the console summary
        (to `out`) and returns the exit code.

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

from contracts import Rule
from simulator.conform.console import write_summary
from simulator.conform.machine import render_json, render_junit
from simulator.conform.page import render_html
from simulator.conform.results import PlanResult
from simulator.conform.verdict import Verdict, decide
from simulator.conform.waivers import Waivers
from simulator.errors import UsageError

__all__ = ["OUTPUT_FILES", "conclude", "write_outputs"]

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
