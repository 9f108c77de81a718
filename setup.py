"""Builds portalsim; the mock portal's request path is compiled to C with mypyc when it can be.

Why: one portal worker process answers every request on one event loop, so its Python work per
request is its throughput. The contract checks and the portal's request handling are typed
(mypy --strict), and mypyc turns them into C extension modules: the checks of a DongBoHoSoMC
run about three times faster (docs/benchmarks.md). The same `.py` files stay the source; a
module built here shadows its `.py` only where it lies beside it (an editable install), and
everything works without them.

The modules compiled are `[tool.portalsim] compiled` in pyproject.toml. Compiling needs mypy
and the packages these modules import, so `make` installs the project first and then builds
them without build isolation (`pip install --no-build-isolation --no-deps -e .`); an isolated
build, or PORTALSIM_PURE_PYTHON=1, installs plain Python. So does a build where mypyc refuses
the code or the C compiler fails: the install goes on without extensions, and says why.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def compiled_sources() -> list[str]:
    """The files `[tool.portalsim] compiled` names (folders stand for every .py under them),
    relative to the project's folder."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    sources: list[str] = []
    for entry in config["tool"]["portalsim"]["compiled"]:
        path = ROOT / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        sources.extend(str(file.relative_to(ROOT)) for file in files)
    return sources


def plain_python(reason: object) -> list[Any]:
    sys.stderr.write(f"portalsim: not compiling with mypyc ({reason}); plain Python\n")
    return []


def extensions() -> list[Any]:
    if os.environ.get("PORTALSIM_PURE_PYTHON"):
        return []
    try:
        # the compiled modules are type-checked against what they import
        import orjson  # noqa: F401
        import psycopg  # noqa: F401
        import starlette  # noqa: F401
        from mypyc.build import mypycify
    except ImportError as missing:
        return plain_python(missing)
    try:
        return list(mypycify(compiled_sources(), opt_level="3"))
    except (Exception, SystemExit) as refused:  # mypyc exits on a type error
        return plain_python(f"mypyc: {refused!r}")


class BuildOrSkip(build_ext):
    """Build the extensions, or none of them when the C compiler fails: a shim without mypyc's
    shared library would not import, so whatever was built is removed again."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as failed:
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            plain_python(f"the C build failed: {failed}")


if __name__ == "__main__":  # as setuptools runs it; tests/conftest.py imports compiled_sources
    setup(ext_modules=extensions(), cmdclass={"build_ext": BuildOrSkip})
