"""Figures the reliability suites publish for `docs/reliability.md`.

`benchmarks/reliability_report.py` runs the durability, fuzzing, security and soak suites with
`PORTALSIM_RELIABILITY_OUT` set to a folder; each suite calls `record_figures(suite, data)` with
what it tried and what it saw, and the generator renders those JSON files into the document.
Outside that run (plain `pytest`), recording is a no-op, so the tests never write files.

Several tests of one suite may record: their data is merged into `<suite>.json` (top-level keys
of the later call win, so give each test its own keys, e.g. `{"sqlite": {...}}`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ENV_VAR = "PORTALSIM_RELIABILITY_OUT"


def figures_dir() -> Path | None:
    """The folder the current run writes figures to, or None when nobody asked for them."""
    value = os.environ.get(ENV_VAR)
    return Path(value) if value else None


def record_figures(suite: str, data: dict[str, Any]) -> None:
    """Merge `data` into `$PORTALSIM_RELIABILITY_OUT/<suite>.json`; nothing when unset."""
    folder = figures_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{suite}.json"
    merged: dict[str, Any] = {}
    if path.exists():
        merged = json.loads(path.read_text(encoding="utf-8"))
    merged.update(data)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(
        json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    tmp.replace(path)
