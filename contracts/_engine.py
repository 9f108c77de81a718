"""The one entry point: is this message conformant, and if not, exactly why (every finding)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from contracts._context import (
    DEFAULT_SYNC_LIMIT,
    AgencyRegistry,
    DossierLedger,
    MemoryLedger,
    NoPaymentKeys,
    PaymentKeys,
    ProcedureCatalogue,
    WorkingCalendar,
)
from contracts._findings import Finding, Severity
from contracts._messages import Message, MessageKind
from contracts._rules import RuleCheck, RuleRegistry
from contracts._schemas import SchemaSet
from contracts.wire import memoise_items, restore_items

MALFORMED_RULE = "MSG-001"
UNKNOWN_KIND_RULE = "MSG-002"


@dataclass(slots=True)
class CheckContext:
    """The world the rules judge a message in."""

    catalogue: ProcedureCatalogue
    agencies: AgencyRegistry
    calendar: WorkingCalendar
    ledger: DossierLedger = field(default_factory=MemoryLedger)
    payment_keys: PaymentKeys = field(default_factory=NoPaymentKeys)
    sync_limit: timedelta = DEFAULT_SYNC_LIMIT


Recorder = Callable[[CheckContext, Message], None]


@dataclass(frozen=True, slots=True)
class Profile:
    """A named set of schemas and rules (e.g. `tt01-2018`) and how it keeps lifecycle state."""

    name: str
    title: str
    schemas: SchemaSet
    rules: RuleRegistry
    transitions: Mapping[str, frozenset[str]]
    record: Recorder


class Validator:
    """Judges messages with one profile in one context; `record` moves the ledger on."""

    def __init__(self, profile: Profile, context: CheckContext) -> None:
        self.profile = profile
        self.context = context
        self._severity = {rule.id: rule.severity for rule in profile.rules}
        #: per message kind, (id, severity, check) of the rules that apply, and the size of the
        #: registry they were taken from (a rule declared later makes the entry stale)
        self._checks: dict[
            MessageKind, tuple[int, tuple[tuple[str, Severity, RuleCheck], ...]]
        ] = {}

    def check(self, message: Message, *, parse_error: str | None = None) -> list[Finding]:
        """Every finding of one message, schema errors first, then the semantic rules."""
        if parse_error is not None:
            return [self._finding(MALFORMED_RULE, message, "$", None, parse_error)]
        kind = message.kind
        if kind is MessageKind.UNKNOWN:
            service = message.body.get("service") if isinstance(message.body, dict) else None
            hint = (
                f"dịch vụ không được hỗ trợ / unknown service {service!r}"
                if service is not None
                else "không nhận ra loại thông điệp / message kind not recognised"
            )
            path = "$.service" if service is not None else "$"
            return [self._finding(UNKNOWN_KIND_RULE, message, path, service, hint)]
        findings: list[Finding] = []
        schemas = self.profile.schemas
        if kind in schemas.kinds() and not schemas.is_valid(kind, message.body):
            for error in schemas.iter_violations(kind, message.body):
                findings.append(
                    self._finding(error.rule, message, error.path, error.value, error.hint)
                )
        context = self.context
        index = message.index
        append = findings.append
        # Every rule walks `data`: walk it once for the whole check.
        token = memoise_items(message.body)
        try:
            for rule_id, severity, check in self._checks_for(kind):
                for violation in check(context, message):
                    append(
                        Finding(
                            rule_id,
                            severity,
                            index,
                            violation.path,
                            violation.value,
                            violation.hint,
                        )
                    )
        finally:
            restore_items(token)
        return findings

    def _checks_for(self, kind: MessageKind) -> tuple[tuple[str, Severity, RuleCheck], ...]:
        """The semantic checks of `kind`, taken from the registry once (per registry size)."""
        rules = self.profile.rules
        entry = self._checks.get(kind)
        if entry is None or entry[0] != len(rules):
            checks = tuple(
                (rule.id, rule.severity, rule.check)
                for rule in rules.checks_for(kind)
                if rule.check is not None
            )
            entry = (len(rules), checks)
            self._checks[kind] = entry
        return entry[1]

    def record(self, message: Message) -> None:
        """Apply the message to the lifecycle ledger (after checking, once accepted)."""
        self.profile.record(self.context, message)

    def validate(self, message: Message) -> list[Finding]:
        """Check, then record: what an offline run or a lenient portal does with every message."""
        findings = self.check(message)
        self.record(message)
        return findings

    def _finding(self, rule: str, message: Message, path: str, value: object, hint: str) -> Finding:
        return Finding(
            rule=rule,
            severity=self._severity.get(rule, Severity.ERROR),
            message=message.index,
            path=path,
            value=value,
            hint=hint,
        )
