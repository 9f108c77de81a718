"""The layers of ARCHITECTURE.md hold: each package imports only the ones to its left."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package → first-party packages (module prefixes) its source may import
ALLOWED = {
    "contracts": ("contracts",),
    "simulator/domain": ("contracts", "simulator.domain"),
    "mock_portal": ("contracts", "simulator.domain", "mock_portal"),
    "simulator": ("contracts", "simulator", "mock_portal"),
}
FIRST_PARTY = ("contracts", "simulator", "mock_portal", "scenarios")
NEVER_IN_CONTRACTS = ("starlette", "uvicorn", "httpx", "psycopg", "locust", "gevent", "faker")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _sources(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    if package == "simulator":
        files = [f for f in files if "domain" not in f.relative_to(ROOT / package).parts]
    return files


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_first_party_imports_follow_the_layers(package: str) -> None:
    """No module imports a first-party package to its right in the layering."""
    allowed = ALLOWED[package]
    offences = []
    for source in _sources(package):
        for name in _imports(source):
            first_party = name.split(".")[0] in FIRST_PARTY
            if first_party and not any(name == a or name.startswith(a + ".") for a in allowed):
                offences.append(f"{source.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_contracts_imports_no_web_framework_or_load_tool() -> None:
    """contracts is pure: no web framework, HTTP client, database driver or Locust in its source."""
    offences = [
        f"{source.relative_to(ROOT)} imports {name}"
        for source in _sources("contracts")
        for name in _imports(source)
        if name.split(".")[0] in NEVER_IN_CONTRACTS
    ]
    assert offences == []


def _modules_after_import(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(json.loads(completed.stdout))


def test_importing_contracts_pulls_in_no_other_layer() -> None:
    """`import contracts` and loading its profile load nothing of simulator, mock_portal, Locust."""
    modules = _modules_after_import("import contracts.profiles as p; p.load()")
    assert not {m for m in modules if m.split(".")[0] in ("simulator", "mock_portal", "scenarios")}
    assert not {m for m in modules if m.split(".")[0] in NEVER_IN_CONTRACTS}


def test_the_portal_and_the_cli_do_not_load_locust() -> None:
    """Locust (which monkey-patches the standard library) stays out of the portal and the CLI."""
    modules = _modules_after_import("import mock_portal.server, simulator.cli")
    assert not {m for m in modules if m.split(".")[0] in ("locust", "gevent", "scenarios")}


def test_planning_imports_no_locust() -> None:
    """simulator.planning (traffic model, plots) neither imports nor loads Locust or gevent."""
    offences = [
        f"{source.relative_to(ROOT)} imports {name}"
        for source in _sources("simulator/planning")
        for name in _imports(source)
        if name.split(".")[0] in ("locust", "gevent", "scenarios")
    ]
    assert offences == []
    modules = _modules_after_import("import simulator.planning, simulator.planning.plot")
    assert not {m for m in modules if m.split(".")[0] in ("locust", "gevent", "scenarios")}


def test_the_reference_target_reaches_the_portal_only_over_http() -> None:
    """simulator/reference stands in for a real province system: it imports nothing of the
    portal, which it reaches over HTTP like any vendor's system."""
    offences = [
        f"{source.relative_to(ROOT)} imports {name}"
        for source in sorted((ROOT / "simulator" / "reference").rglob("*.py"))
        for name in _imports(source)
        if name.split(".")[0] == "mock_portal"
    ]
    assert offences == []
