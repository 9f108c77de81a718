"""Files that other programs read: each replaced whole, never seen half written.

A CI job may read `results.json` or `junit.xml` while, or just after, portalsim writes them, and
a run may be stopped mid-write (a full disk, a killed job). So every report is written to a
hidden file of its own beside its destination and renamed over it: readers see the old file or
the new one, and a failed write leaves neither a truncated report nor the hidden file behind.
A symbolic link stays a link (the file it points at is replaced); what is not a regular file
(`/dev/stdout`, a pipe) is written into, since there is nothing to replace.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

__all__ = ["replace_file"]


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` as `path`, atomically; `OSError` (nothing changed) when it cannot."""
    if path.exists() and not path.is_file():
        with path.open("wb") as stream:
            stream.write(data)
        return
    target = Path(os.path.realpath(path))
    # A name of its own: two runs writing one report must not rename each other's half file.
    partial = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(partial, target)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
