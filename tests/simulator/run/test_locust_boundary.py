"""Locust stays behind its one adapter: `simulator/load.py` is the only module of `simulator`
that imports it (or gevent), and the rest of `portalsim run` loads it only when the load starts."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LOAD_TOOLS = ("locust", "gevent", "geventhttpclient", "scenarios")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_adapter_imports_locust() -> None:
    """No module of simulator but simulator/load.py names Locust, gevent or the scenarios."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "simulator").rglob("*.py"))
        if path.name != "load.py" or path.parent.name != "simulator"
        if _imports(path) & set(LOAD_TOOLS)
    ]
    assert offenders == []


def test_the_run_machinery_imports_without_locust() -> None:
    """Importing the run orchestration, the reports and the CLI loads no Locust or gevent."""
    code = (
        "import sys, simulator.run, simulator.reports, simulator.cli\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'locust', 'gevent'}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert completed.stdout.strip() == "[]"
