"""The `portalsim` command: a thin wiring of the library, testable in-process via `run()`."""

from simulator.cli._main import main, run

__all__ = ["main", "run"]
