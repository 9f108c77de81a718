"""Refuse to test stale compiled modules.

setup.py compiles the portal's request path with mypyc into C extensions beside their `.py`
files, and Python imports an extension before the `.py` of the same name: after an edit the
tests would run the old code and pass or fail for nothing. The extensions are also typed
against the modules they call, compiled or not, so an edit to any module of their packages
makes them stale, as does an extension of a module no longer on the list. `make test` rebuilds
them first; this stops a bare `pytest` that would test the wrong code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from setup import compiled_sources

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("contracts", "mock_portal")


def stale_extensions() -> list[str]:
    """What makes the built extensions stale: newer sources, or extensions of other modules."""
    extensions = [path for package in PACKAGES for path in (ROOT / package).rglob("*.so")]
    if not extensions:
        return []
    built = min(path.stat().st_mtime for path in extensions)
    newer = [
        str(source.relative_to(ROOT))
        for package in PACKAGES
        for source in (ROOT / package).rglob("*.py")
        if source.stat().st_mtime > built
    ]
    listed = {ROOT / source for source in compiled_sources()}
    unlisted = [
        str(path.relative_to(ROOT))
        for path in extensions
        if path.with_name(path.name.split(".", 1)[0] + ".py") not in listed
    ]
    return sorted(newer) + sorted(unlisted)


def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller has checked the extensions already
    stale = stale_extensions()
    if stale:
        pytest.exit(
            f"compiled extensions are stale ({', '.join(stale[:5])}"
            f"{', …' if len(stale) > 5 else ''}); run `make test`, which rebuilds them, or "
            "delete them (find contracts mock_portal -name '*.so' -delete) to test plain Python",
            returncode=4,
        )
