"""The offline validation pipeline behind `portalsim validate`: capture → findings → summary.

Findings are spooled to a temporary file as they come (bounded memory on a capture of any
size); the summary keeps counts and the first few examples of each rule for people.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO

import orjson

from contracts import CheckContext, Finding, MemoryLedger, Profile, Severity, Validator
from contracts.profiles import load as load_profile
from simulator.capture import read_capture
from simulator.domain import (
    bundled_agencies,
    bundled_calendar,
    bundled_catalogue,
    load_agencies,
    load_calendar,
    load_catalogue,
)
from simulator.errors import DataFileError, UsageError

EXAMPLES_PER_RULE = 5
_SPOOL_IN_MEMORY = 8 << 20


@dataclass(frozen=True, slots=True)
class ValidationOptions:
    profile: str = "tt01-2018"
    catalogue: Path | None = None
    units: Path | None = None
    calendar: Path | None = None
    sync_limit: timedelta = timedelta(hours=1)


@dataclass(slots=True)
class ValidationResult:
    """What a validation run found: counts, examples, and every finding spooled in order."""

    profile: Profile
    capture: Path
    messages: int = 0
    dossiers: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Finding]] = field(default_factory=dict)
    spool: IO[bytes] = field(default_factory=lambda: _new_spool())

    @property
    def errors(self) -> int:
        return self.by_severity[Severity.ERROR.value]

    def add(self, finding: Finding) -> None:
        self.by_rule[finding.rule] += 1
        self.by_severity[finding.severity.value] += 1
        examples = self.examples.setdefault(finding.rule, [])
        if len(examples) < EXAMPLES_PER_RULE:
            examples.append(finding)
        self.spool.write(orjson.dumps(finding.to_dict(), default=str) + b"\n")

    def findings(self) -> Iterator[Finding]:
        """Every finding in capture order, read back from the spool."""
        self.spool.seek(0)
        for line in self.spool:
            record = orjson.loads(line)
            yield Finding(
                rule=record["rule"],
                severity=Severity(record["severity"]),
                message=record["message"],
                path=record["path"],
                value=record["value"],
                hint=record["hint"],
            )
        self.spool.seek(0, 2)

    def summary(self) -> dict[str, object]:
        return {
            "errors": self.by_severity[Severity.ERROR.value],
            "warnings": self.by_severity[Severity.WARNING.value],
            "info": self.by_severity[Severity.INFO.value],
            "dossiers": self.dossiers,
            "by_rule": dict(sorted(self.by_rule.items())),
            "messages_by_kind": dict(sorted(self.kinds.items())),
        }

    def close(self) -> None:
        self.spool.close()


def _new_spool() -> IO[bytes]:
    """A temporary file for findings: in memory while small, on disk beyond; closed by `close`."""
    return tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)


def build_context(options: ValidationOptions) -> CheckContext:
    """The domain the rules judge in: bundled data unless files replace it."""
    try:
        catalogue = load_catalogue(options.catalogue) if options.catalogue else bundled_catalogue()
        agencies = load_agencies(options.units) if options.units else bundled_agencies()
        calendar = load_calendar(options.calendar) if options.calendar else bundled_calendar()
    except ValueError as error:
        raise DataFileError(str(error)) from None
    return CheckContext(
        catalogue=catalogue,
        agencies=agencies,
        calendar=calendar,
        ledger=MemoryLedger(),
        sync_limit=options.sync_limit,
    )


def validate_capture(capture: Path, options: ValidationOptions) -> ValidationResult:
    """Check every message of a capture; the caller closes the result."""
    try:
        profile = load_profile(options.profile)
    except KeyError as error:
        raise UsageError(str(error.args[0])) from None
    context = build_context(options)
    validator = Validator(profile, context)
    result = ValidationResult(profile=profile, capture=capture)
    try:
        for captured in read_capture(capture):
            message = captured.message
            result.messages += 1
            result.kinds[message.kind.value] += 1
            for finding in validator.check(message, parse_error=captured.parse_error):
                result.add(finding)
            if captured.accepted and captured.parse_error is None:
                validator.record(message)
    except BaseException:
        result.close()
        raise
    ledger = context.ledger
    result.dossiers = len(ledger) if isinstance(ledger, MemoryLedger) else 0
    return result
