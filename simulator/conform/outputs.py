"""Every output of a conformance run, and the one call the CLI makes after running a plan.

    write_outputs(result, verdict, folder, rules=None) -> list[Path]
        writes `results.json`, `junit.xml` and `report.html` into `folder` (created if missing);
        OSError → `UsageError` naming the folder (exit 2).
    conclude(result, waivers, today, *, out, reports=None, files=None, rules=None,
             colour=False) -> int
        decides the verdict once, writes the outputs (into the `reports` folder, and each of
        `files`: `OutputFiles(json=…, junit=…, html=…)`), the console summary (to `out`) and
        returns the exit code.
    recorded_waivers(path) -> Waivers
        the waivers a `results.json` was judged with (its verdict's), to judge it again
        (`portalsim report --result results.json`).

Every file is replaced whole (`simulator.files.replace_file`): a CI never reads half a report.

Renderers, each a pure function of (`PlanResult`, `Verdict`): `write_summary` (`console`),
`render_json`, `render_junit` (`machine`), `render_html` (`page`). A `results.json` re-renders
everything: `load_result(path)` gives the `PlanResult` back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
from simulator.files import replace_file

__all__ = ["OUTPUT_FILES", "OutputFiles", "conclude", "recorded_waivers", "write_outputs"]

OUTPUT_FILES = ("results.json", "junit.xml", "report.html")


@dataclass(frozen=True, slots=True)
class OutputFiles:
    """Single output files asked for one by one (`portalsim conform --json/--junit/--html`)."""

    json: Path | None = None
    junit: Path | None = None
    html: Path | None = None


class _Renderings:
    """Each format rendered at most once, however many files it goes to."""

    def __init__(self, result: PlanResult, verdict: Verdict, rules: Mapping[str, Rule] | None):
        self._renderers: dict[str, Callable[[], bytes]] = {
            "json": lambda: render_json(result, verdict),
            "junit": lambda: render_junit(result, verdict).encode("utf-8"),
            "html": lambda: render_html(result, verdict, rules).encode("utf-8"),
        }
        self._done: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self._done:
            self._done[name] = self._renderers[name]()
        return self._done[name]


def write_outputs(
    result: PlanResult,
    verdict: Verdict,
    folder: Path,
    rules: Mapping[str, Rule] | None = None,
) -> list[Path]:
    return _write_reports(_Renderings(result, verdict, rules), folder)


def _write_reports(renderings: _Renderings, folder: Path) -> list[Path]:
    paths = [folder / name for name in OUTPUT_FILES]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, name in zip(paths, ("json", "junit", "html"), strict=True):
            replace_file(path, renderings[name])
    except OSError as error:
        raise UsageError(
            f"{folder}: cannot write the reports ({error.strerror or error})"
        ) from None
    return paths


def _write_files(renderings: _Renderings, files: OutputFiles) -> list[Path]:
    written = []
    for name, path in (("json", files.json), ("junit", files.junit), ("html", files.html)):
        if path is None:
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, renderings[name])
        except OSError as error:
            raise UsageError(f"{path}: cannot write ({error.strerror or error})") from None
        written.append(path)
    return written


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
    files: OutputFiles | None = None,
    rules: Mapping[str, Rule] | None = None,
    colour: bool = False,
) -> int:
    """Verdict, outputs and summary of a finished run; the exit code."""
    verdict = decide(result, waivers, today)
    renderings = _Renderings(result, verdict, rules)
    paths = _write_reports(renderings, reports) if reports is not None else []
    if files is not None:
        paths += _write_files(renderings, files)
    write_summary(result, verdict, out, colour=colour, reports=paths)
    return verdict.exit_code
