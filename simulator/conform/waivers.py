"""Waivers of `portalsim conform`: expected failures of plan cases, per province.

    load_waivers(path, known_case_ids, today, *, case_rules=None, known_rules=None) -> Waivers

reads a TOML waiver file (format: `simulator.reports.waivers`; each `[[waiver]]` names a `case`,
its `province`, an `owner`, a `reason`, an `expires` date and optionally one `rule` the case
verifies). Every entry is checked against the plan's case IDs (and rules, when given); the first
problem raises `WaiverFileError` (exit 2) with one line naming the file, the entry and what is
wrong. `today` only serves the early warnings of `Waivers.notes` (a waiver that expires within
`EXPIRY_NOTICE_DAYS`); whether a waiver has expired is decided by `decide(result, waivers,
today)` in `simulator.conform.verdict`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simulator.errors import UsageError
from simulator.reports.waivers import Waiver, WaiverError, parse_waivers, read_waiver_file

__all__ = ["EXPIRY_NOTICE_DAYS", "Waiver", "WaiverFileError", "Waivers", "load_waivers"]

#: a waiver expiring within this many days gets a notice in every output
EXPIRY_NOTICE_DAYS = 14


class WaiverFileError(UsageError):
    """A waiver file that cannot be used (exit 2)."""


@dataclass(frozen=True, slots=True)
class Waivers:
    """The waivers of one file; empty when no file is given (`Waivers.none()`)."""

    source: str
    entries: tuple[Waiver, ...] = ()
    #: early warnings: "waiver 3 (case PAY-002, 52) expires in 5 days (2026-12-31)"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def none(cls) -> Waivers:
        return cls(source="")

    def for_province(self, province: str) -> tuple[Waiver, ...]:
        return tuple(waiver for waiver in self.entries if waiver.province == province)

    def for_case(self, case_id: str, province: str) -> Waiver | None:
        for waiver in self.entries:
            if waiver.case == case_id and waiver.province == province:
                return waiver
        return None


def _notes(entries: Iterable[Waiver], today: dt.date) -> tuple[str, ...]:
    notes = []
    for waiver in entries:
        left = waiver.days_left(today)
        if 0 <= left <= EXPIRY_NOTICE_DAYS:
            when = "today is its last day" if left == 0 else f"expires in {left} day(s)"
            notes.append(
                f"{waiver.where} ({waiver.subject}, province {waiver.province}): {when} "
                f"({waiver.expires.isoformat()}, owner {waiver.owner})"
            )
    return tuple(notes)


def load_waivers(
    path: Path,
    known_case_ids: Collection[str],
    today: dt.date,
    *,
    case_rules: Mapping[str, Collection[str]] | None = None,
    known_rules: Collection[str] | None = None,
) -> Waivers:
    """The waivers of `path`, checked against the plan; `WaiverFileError` on the first problem."""
    try:
        entries = parse_waivers(
            read_waiver_file(path),
            str(path),
            subject="case",
            known_cases=known_case_ids,
            known_rules=known_rules,
            case_rules=case_rules,
        )
    except WaiverError as error:
        raise WaiverFileError(str(error)) from None
    return Waivers(str(path), entries, _notes(entries, today))
