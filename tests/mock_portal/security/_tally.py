"""Counts of what the security suite tried, for docs/reliability.md (`tests._figures`)."""

from __future__ import annotations

from collections import Counter

from tests._figures import record_figures

TRIED: Counter[str] = Counter()


def tried(kind: str, count: int = 1) -> None:
    TRIED[kind] += count


def publish() -> None:
    record_figures(
        "security", {"attacks": dict(sorted(TRIED.items())), "total": sum(TRIED.values())}
    )
