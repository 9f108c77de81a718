"""Errors of the tool itself ("could not run"), each with its documented exit code.

Findings about the system under test are data (`contracts.Finding`); these are not.
Exit codes: 0 pass · 1 conformance gate failed · 2 usage or configuration error ·
3 performance threshold failed · 4 target unreachable or infrastructure error · 5 internal error.
"""

from __future__ import annotations

from typing import ClassVar, TextIO

EXIT_PASS = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2
EXIT_PERFORMANCE = 3
EXIT_INFRASTRUCTURE = 4
EXIT_INTERNAL = 5


class PortalsimError(Exception):
    """An error that knows its exit code and shows itself as one line (plus an optional hint)."""

    exit_code: ClassVar[int] = EXIT_INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def show(self, stream: TextIO) -> None:
        stream.write(f"portalsim: error: {self.message}\n")
        if self.hint:
            stream.write(f"hint: {self.hint}\n")


class UsageError(PortalsimError):
    """Bad options or configuration."""

    exit_code = EXIT_USAGE


class CaptureError(UsageError):
    """A capture file that cannot be read as HAR or NDJSON."""


class DataFileError(UsageError):
    """A catalogue, unit registry or calendar file that cannot be used."""


class InfrastructureError(PortalsimError):
    """A target or service the tool needs is unreachable."""

    exit_code = EXIT_INFRASTRUCTURE
