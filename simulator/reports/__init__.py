"""Reports of a portal database: the national scorecard for people and machines.

`build_report(store, profile)` gathers everything once (`model`); the renderers are pure
functions of it: `render_json` and `render_junit` (`machine`), `render_html` (`page`, charts as
inline SVG), `write_scorecard` (`console`). `write_reports` writes `scorecard.json`,
`junit.xml` and `report.html` into a folder. The same database always renders the same bytes,
which is what lets `portalsim report` re-render a finished run.
"""

from __future__ import annotations

from pathlib import Path

from simulator.files import replace_file
from simulator.reports.console import BASE_FAMILIES, write_scorecard
from simulator.reports.machine import render_json, render_junit
from simulator.reports.model import (
    BAND_ORDER,
    RUN_METADATA_SETTING,
    Example,
    Report,
    build_report,
    load_run_metadata,
    store_run_metadata,
)
from simulator.reports.page import BAND_COLOURS, render_html

__all__ = [
    "BAND_COLOURS",
    "BAND_ORDER",
    "BASE_FAMILIES",
    "REPORT_FILES",
    "RUN_METADATA_SETTING",
    "Example",
    "Report",
    "build_report",
    "load_run_metadata",
    "render_html",
    "render_json",
    "render_junit",
    "store_run_metadata",
    "write_reports",
    "write_scorecard",
]

REPORT_FILES = ("scorecard.json", "junit.xml", "report.html")


def write_reports(report: Report, folder: Path) -> list[Path]:
    """`scorecard.json`, `junit.xml` and `report.html` in `folder` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = (
        render_json(report),
        render_junit(report).encode("utf-8"),
        render_html(report).encode("utf-8"),
    )
    paths = [folder / name for name in REPORT_FILES]
    for path, data in zip(paths, contents, strict=True):
        replace_file(path, data)
    return paths
