"""The gate of `portalsim run` and `portalsim report`: thresholds that decide exit 0 or 1.

`--gate` takes `KEY=VALUE` items (comma-separated or repeated) or a TOML file:

| key | broken when |
|---|---|
| `max-errors=N` | more than N error-severity findings |
| `max-warnings=N` | more than N warnings |
| `max-findings=N` | more than N findings of any severity |
| `min-score=S` | a province with data scores below S |
| `HS-002=N` (a rule) or `HS=N` (a family) | more than N findings of that rule or family |

```toml
max-errors = 0                 # over all provinces
min-score = 75
[rules]
"LC-007" = 10                  # a rule …
"TT" = 0                       # … or a family
[provinces."38"]               # one province (GSO code): the same keys, and its own [rules]
max-warnings = 5
rules = { "HS" = 0 }
```

Whatever the thresholds, a run that checked nothing (no message scored) breaks the gate.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Breach", "Gate", "GateError", "Limits", "parse_gate"]

_COUNTS = {"max-errors": "error", "max-warnings": "warning", "max-findings": None}
_KEYS = (*_COUNTS, "min-score")


class GateError(ValueError):
    """A gate that cannot be used; the message names the item or the file and key."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Thresholds for one scope (the whole run or one province)."""

    counts: Mapping[str, int] = field(default_factory=dict)
    min_score: float | None = None
    #: most findings allowed per rule ID or family prefix
    rules: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.counts)
        if self.min_score is not None:
            data["min-score"] = self.min_score
        if self.rules:
            data["rules"] = dict(self.rules)
        return data

    def merged(self, other: Limits) -> Limits:
        return Limits(
            {**self.counts, **other.counts},
            other.min_score if other.min_score is not None else self.min_score,
            {**self.rules, **other.rules},
        )


@dataclass(frozen=True, slots=True)
class Breach:
    """One broken threshold: "province 38 Thanh Hóa: max-errors=0 (12 error findings)"."""

    scope: str
    threshold: str
    actual: str

    def __str__(self) -> str:
        return f"{self.scope}: {self.threshold} ({self.actual})"


@dataclass(frozen=True, slots=True)
class Gate:
    overall: Limits = field(default_factory=Limits)
    provinces: Mapping[str, Limits] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = self.overall.to_json()
        if self.provinces:
            data["provinces"] = {
                code: self.provinces[code].to_json() for code in sorted(self.provinces)
            }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Gate:
        return _gate(data, "stored gate")

    def merged(self, other: Gate) -> Gate:
        provinces = dict(self.provinces)
        for code, limits in other.provinces.items():
            provinces[code] = provinces[code].merged(limits) if code in provinces else limits
        return Gate(self.overall.merged(other.overall), provinces)

    def check(self, rule_ids: Iterable[str], province_codes: Iterable[str]) -> None:
        """GateError for a rule or family the profile does not have, or an unknown province."""
        rules = set(rule_ids)
        families = {rule.split("-")[0] for rule in rules}
        for scope, limits in (("", self.overall), *self.provinces.items()):
            for key in limits.rules:
                if key not in rules and key not in families:
                    where = f"province {scope}: " if scope else ""
                    raise GateError(f"{where}{key!r} is neither a rule nor a rule family")
        known = set(province_codes)
        unknown = sorted(set(self.provinces) - known)
        if unknown:
            raise GateError(f"province {unknown[0]!r} in the gate is not one of the provinces")

    def evaluate(self, scorecards: Sequence[Mapping[str, Any]]) -> list[Breach]:
        """Every broken threshold, over all provinces first, then province by province."""
        breaches = _breaches("all provinces", self.overall, scorecards)
        for card in scorecards:
            code = card["province"]["code"]
            limits = self.provinces.get(code)
            if limits is not None:
                scope = f"province {code} {card['province']['name']}"
                breaches += _breaches(scope, limits, [card])
        return breaches


def _findings(cards: Sequence[Mapping[str, Any]], severity: str | None = None) -> int:
    return sum(
        line["findings"]
        for card in cards
        for line in card["rules"]
        if severity is None or line["severity"] == severity
    )


def _rule_findings(cards: Sequence[Mapping[str, Any]], key: str) -> int:
    return sum(
        line["findings"]
        for card in cards
        for line in card["rules"]
        if line["rule"] == key or line["rule"].split("-")[0] == key
    )


def _breaches(scope: str, limits: Limits, cards: Sequence[Mapping[str, Any]]) -> list[Breach]:
    found: list[Breach] = []
    for key, limit in limits.counts.items():
        severity = _COUNTS[key]
        actual = _findings(cards, severity)
        if actual > limit:
            noun = f"{severity} findings" if severity else "findings"
            found.append(Breach(scope, f"{key}={limit}", f"{actual} {noun}"))
    if limits.min_score is not None:
        for card in cards:
            score = card["score"]
            if score is not None and score < limits.min_score:
                province = card["province"]
                found.append(
                    Breach(
                        scope,
                        f"min-score={limits.min_score:g}",
                        f"{province['code']} {province['name']} scores {score:g}",
                    )
                )
    for key, limit in limits.rules.items():
        actual = _rule_findings(cards, key)
        if actual > limit:
            found.append(Breach(scope, f"{key}={limit}", f"{actual} findings"))
    return found


def _number(value: object, where: str, *, whole: bool) -> float:
    if isinstance(value, str):
        try:
            value = float(value) if not whole else int(value)
        except ValueError:
            raise GateError(f"{where}: {value!r} is not a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GateError(f"{where}: {value!r} is not a number")
    if whole and (value != int(value) or value < 0):
        raise GateError(f"{where}: expected a whole number ≥ 0, not {value!r}")
    if value < 0:
        raise GateError(f"{where}: must not be negative")
    return float(value)


def _limits(table: Mapping[str, Any], where: str, *, allow_provinces: bool) -> Limits:
    counts: dict[str, int] = {}
    min_score: float | None = None
    rules: dict[str, int] = {}
    for key, value in table.items():
        here = f"{where}{key}"
        if key in _COUNTS:
            counts[key] = int(_number(value, here, whole=True))
        elif key == "min-score":
            min_score = _number(value, here, whole=False)
            if min_score > 100:
                raise GateError(f"{here}: a score is at most 100")
        elif key == "rules":
            if not isinstance(value, dict):
                raise GateError(f"{here}: expected a table of rule = most findings")
            for rule, limit in value.items():
                rules[str(rule)] = int(_number(limit, f"{here}.{rule}", whole=True))
        elif key == "provinces" and allow_provinces:
            continue
        elif key.replace("-", "").isalnum() and key[:1].isupper():
            rules[key] = int(_number(value, here, whole=True))
        else:
            raise GateError(
                f"{here}: unknown threshold (known: {', '.join(_KEYS)}, a rule like HS-002 "
                "or a family like HS)"
            )
    return Limits(counts, min_score, rules)


def _gate(document: Mapping[str, Any], source: str) -> Gate:
    overall = _limits(document, f"{source}: ", allow_provinces=True)
    provinces: dict[str, Limits] = {}
    table = document.get("provinces", {})
    if not isinstance(table, dict):
        raise GateError(f"{source}: provinces: expected a table of GSO codes")
    for code, limits in table.items():
        if not isinstance(limits, dict) or not str(code).isdigit():
            raise GateError(
                f'{source}: provinces.{code}: expected a GSO code like "38" and a table'
            )
        key = f"{int(code):02d}"
        provinces[key] = _limits(limits, f"{source}: provinces.{code}.", allow_provinces=False)
    return Gate(overall, provinces)


def parse_gate(specs: Sequence[str]) -> Gate | None:
    """The gate of `--gate` values (items or TOML files), merged in order; None without any."""
    gate: Gate | None = None
    for spec in specs:
        if "=" in spec:
            items: dict[str, Any] = {}
            for item in filter(None, (part.strip() for part in spec.split(","))):
                key, sep, value = item.partition("=")
                if not sep or not key.strip():
                    raise GateError(f"--gate {item!r}: expected KEY=VALUE, e.g. max-errors=0")
                items[key.strip()] = value.strip()
            found = _gate(items, "--gate")
        else:
            path = Path(spec)
            try:
                document = tomllib.loads(path.read_text(encoding="utf-8"))
            except OSError as error:
                raise GateError(f"{spec}: cannot read the gate file ({error.strerror})") from None
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
                raise GateError(f"{spec}: not a TOML gate file ({error})") from None
            found = _gate(document, spec)
        gate = found if gate is None else gate.merged(found)
    return gate
