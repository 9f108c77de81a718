"""Refuse to test stale compiled modules.

setup.py compiles the portal's request path with mypyc into C extensions beside their `.py`
files, and Python imports an extension before the `.py` of the same name: after an edit the
tests would run the old code and pass or fail for nothing. `make test` rebuilds them first;
this stops a bare `pytest` that would test the wrong code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def stale_compiled_modules() -> list[str]:
    """The `.py` files edited after the extension that shadows them was built."""
    stale = []
    for package in ("contracts", "mock_portal"):
        for extension in (ROOT / package).rglob("*.so"):
            source = extension.with_name(extension.name.split(".", 1)[0] + ".py")
            if source.exists() and source.stat().st_mtime > extension.stat().st_mtime:
                stale.append(str(source.relative_to(ROOT)))
    return sorted(stale)


def pytest_sessionstart(session: pytest.Session) -> None:
    stale = stale_compiled_modules()
    if stale:
        pytest.exit(
            f"compiled modules older than their source: {', '.join(stale)}; run `make test` "
            "(it rebuilds them) or `.venv/bin/pip install --no-build-isolation --no-deps -e .`",
            returncode=4,
        )
