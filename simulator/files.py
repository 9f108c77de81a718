"""Files that other programs read: each replaced whole, never seen half written.

A CI job may read `results.json` or `junit.xml` while, or just after, portalsim writes them, and
a run may be stopped mid-write (a full disk, a killed job). So every report is written to a
hidden file beside its destination and renamed over it: readers see the old file or the new
one, and a failed write leaves neither a truncated report nor the hidden file behind.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["replace_file"]


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` as `path`, atomically; `OSError` (nothing changed) when it cannot."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
