"""Findings: what the system under test got wrong. Data, never exceptions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class RuleKind(enum.StrEnum):
    SCHEMA = "schema"
    SEMANTIC = "semantic"
    BEHAVIOURAL = "behavioural"
    TIMELINESS = "timeliness"


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule function yields: where the problem is and why. The engine adds the rule."""

    path: str
    value: Any
    hint: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule in one message, located by a JSON path."""

    rule: str
    severity: Severity
    message: int
    path: str
    value: Any
    hint: str

    def to_payload(self) -> dict[str, Any]:
        """As the portal shows it (refusals, journal export, operator API): the message is the
        one answered or the journal entry, so no index."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "value": self.value,
            "hint": self.hint,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "value": self.value,
            "hint": self.hint,
        }
