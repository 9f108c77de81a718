"""Rules and the decorator registry a profile's rules are declared with."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from contracts._findings import RuleKind, Severity, Violation
from contracts._messages import MessageKind

if TYPE_CHECKING:
    from contracts._engine import CheckContext
    from contracts._messages import Message

RuleCheck = Callable[["CheckContext", "Message"], Iterable[Violation]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of a profile: stable ID, bilingual title, the clause it traces to."""

    id: str
    title_vi: str
    title_en: str
    clause: str
    severity: Severity
    kind: RuleKind
    hint: str
    applies_to: frozenset[MessageKind] = frozenset()
    check: RuleCheck | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "kind": self.kind.value,
            "clause": self.clause,
            "title_vi": self.title_vi,
            "title_en": self.title_en,
            "hint": self.hint,
            "applies_to": sorted(kind.value for kind in self.applies_to),
        }


class RuleRegistry:
    """Rules of one profile, keyed by ID, with the semantic checks indexed by message kind."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._checks_by_kind: dict[MessageKind, list[Rule]] = {}

    def declare(self, rule: Rule) -> Rule:
        if rule.id in self._rules:
            raise ValueError(f"rule {rule.id} is declared twice")
        self._rules[rule.id] = rule
        if rule.check is not None:
            for kind in rule.applies_to:
                self._checks_by_kind.setdefault(kind, []).append(rule)
        return rule

    def check(
        self,
        rule_id: str,
        *,
        title_vi: str,
        title_en: str,
        clause: str,
        severity: Severity,
        kind: RuleKind,
        hint: str,
        applies_to: Iterable[MessageKind],
    ) -> Callable[[RuleCheck], RuleCheck]:
        """Register the decorated function as the check of a new rule."""

        def register(function: RuleCheck) -> RuleCheck:
            self.declare(
                Rule(
                    id=rule_id,
                    title_vi=title_vi,
                    title_en=title_en,
                    clause=clause,
                    severity=severity,
                    kind=kind,
                    hint=hint,
                    applies_to=frozenset(applies_to),
                    check=function,
                )
            )
            return function

        return register

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda rule: rule.id))

    def __len__(self) -> int:
        return len(self._rules)

    def checks_for(self, kind: MessageKind) -> list[Rule]:
        return self._checks_by_kind.get(kind, [])
