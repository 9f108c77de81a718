"""Where a command writes: the streams `run()` was given, or a file named by `--output`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

from simulator.errors import UsageError


def stdout() -> TextIO:
    context = click.get_current_context()
    stream: TextIO | None = (context.obj or {}).get("stdout")
    return stream or sys.stdout


@contextlib.contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """`--output FILE` (created or replaced), or standard output."""
    if path is None:
        yield stdout()
        return
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write the output: {error.strerror}") from None
    with handle:
        yield handle
