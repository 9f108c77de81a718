"""The rows the store takes and gives: frozen dataclasses, aware datetimes, no driver types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contracts import DossierState, Finding, Severity


@dataclass(frozen=True, slots=True)
class Unit:
    """A provisioned unit (agency) that may log in to the portal."""

    code: str
    name: str
    province: str
    password_hash: str
    parent: str | None = None
    #: where the portal calls the province back (payment confirmations, dossiers filed here)
    callback_url: str | None = None
    #: None when provisioning: the store stamps the time of the first upsert
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DossierEvent:
    """One status a dossier reached, at the time the province says it did."""

    dossier: str
    status: str
    event_at: datetime


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """Everything one inbound message changes, stored together or not at all by `write_batch`."""

    received_at: datetime
    unit: str | None
    province: str | None
    kind: str
    method: str
    path: str
    headers: Mapping[str, str]
    #: the request body exactly as received; never decoded or normalised
    body: bytes
    status_code: int
    response: str
    accepted: bool
    #: label of a fault the portal injected into this exchange on purpose
    fault: str | None = None
    findings: Sequence[Finding] = ()
    #: dossier states to insert or update, in order (a later state of one code wins)
    dossier_states: Sequence[DossierState] = ()
    events: Sequence[DossierEvent] = ()


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A stored finding: the rule broken, where, and in which message (`journal_id`)."""

    id: int
    journal_id: int
    rule: str
    severity: Severity
    unit: str | None
    province: str | None
    path: str
    value: Any
    hint: str
    received_at: datetime

    def as_finding(self) -> Finding:
        """The `contracts.Finding` again, its message index being the journal id."""
        return Finding(self.rule, self.severity, self.journal_id, self.path, self.value, self.hint)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One journaled message with its findings, as `iter_journal` streams them."""

    id: int
    received_at: datetime
    unit: str | None
    province: str | None
    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status_code: int
    response: str
    accepted: bool
    fault: str | None
    finding_count: int
    findings: tuple[FindingRow, ...] = ()


@dataclass(frozen=True, slots=True)
class ProvinceSummary:
    """The raw aggregates of one province that a scorecard is computed from.

    `province` is None for messages no province could be attributed to (an unknown login).
    """

    province: str | None
    messages: int
    accepted: int
    rejected: int
    dossiers: int
    #: dossiers per current status ("1"…"10")
    dossier_statuses: dict[str, int] = field(default_factory=dict)
    #: findings per rule ID
    findings: dict[str, int] = field(default_factory=dict)
    #: messages per injected fault label
    faults: dict[str, int] = field(default_factory=dict)
