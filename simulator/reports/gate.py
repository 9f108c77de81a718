"""The gate of `portalsim run` and `portalsim report`: thresholds that decide exit 0 or 1.

`--gate` takes `KEY=VALUE` items (comma-separated or repeated) or a TOML file:

| key | broken when |
|---|---|
| `max-errors=N` | more than N error-severity findings |
| `max-warnings=N` | more than N warnings |
| `max-findings=N` | more than N findings of any severity |
| `min-score=S` | a province with data scores below S |
| `HS-002=N` (a rule) or `HS=N` (a family) | more than N findings of that rule or family |
| `HS.error=N`, `TT.warning=N` | more than N findings of that rule or family with that severity |

```toml
max-errors = 0                 # over all provinces
min-score = 75
[rules]
"LC-007" = 10                  # a rule …
"TT" = 0                       # … or a family
"NG" = { error = 0, warning = 20 }   # … per severity
[provinces."38"]               # one province (GSO code): the same keys, and its own [rules]
max-warnings = 5
rules = { "HS" = 0 }

[[waiver]]                     # a known problem of one province, for a while
rule = "TT-004"                # a rule of the profile
province = "52"
owner = "Trần Thị B <b@vendor.example>"
reason = "catalogue sync ships in release 4.2"
expires = 2026-12-31           # valid through that day (Asia/Ho_Chi_Minh)
```

A waiver (format: `simulator.reports.waivers`) takes that province's findings of that rule out of
every count the thresholds judge (over all provinces, the province's own, severity, rule,
family) until it expires; the findings stay in the scorecards and reports, marked waived. From
the day after its expiry it waives nothing and is itself a breach (renew it or remove it). A
waiver whose rule has no finding in its province is *stale*: reported, harmless. Scores count
messages, not rules, so waivers do not change `min-score`.

Whatever the thresholds, a run that checked nothing (no message scored) breaks the gate.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from simulator.reports.waivers import Waiver, WaiverError, parse_waivers, today_in_vietnam

__all__ = ["Breach", "Gate", "GateError", "Limits", "WaiverOutcome", "parse_gate"]

_COUNTS = {"max-errors": "error", "max-warnings": "warning", "max-findings": None}
_KEYS = (*_COUNTS, "min-score")
_SEVERITIES = ("error", "warning", "info")
#: provinces named in the detail of a breach over all provinces
_DETAIL_PROVINCES = 5


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

    def thresholds(self) -> list[str]:
        """Each threshold as a breach names it: "max-errors=0", "min-score=90", "HS.error=0"."""
        names = [f"{key}={limit}" for key, limit in self.counts.items()]
        if self.min_score is not None:
            names.append(f"min-score={self.min_score:g}")
        return names + [f"{key}={limit}" for key, limit in self.rules.items()]

    def merged(self, other: Limits) -> Limits:
        return Limits(
            {**self.counts, **other.counts},
            other.min_score if other.min_score is not None else self.min_score,
            {**self.rules, **other.rules},
        )


@dataclass(frozen=True, slots=True)
class Breach:
    """One broken threshold: "province 38 Thanh Hóa: max-errors=0 (12 error findings)", with
    the provinces behind a count over all provinces: "… (12 error findings: 38 Thanh Hóa 9,
    52 Gia Lai 3)"."""

    scope: str
    threshold: str
    actual: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.scope}: {self.threshold} ({self.actual}{detail})"


@dataclass(frozen=True, slots=True)
class WaiverOutcome:
    """What a waiver of the gate did: applied (findings waived), stale, or expired."""

    waiver: Waiver
    state: Literal["applied", "stale", "expired"]
    #: findings of the rule in the province (waived when applied)
    findings: int

    @property
    def note(self) -> str:
        until = self.waiver.expires.isoformat()
        if self.state == "applied":
            return f"{self.findings} finding(s) waived until {until}"
        if self.state == "stale":
            return "no finding of the rule in the province: remove the waiver"
        return f"expired on {until}: {self.findings} finding(s) count again; renew or remove it"

    def __str__(self) -> str:
        waiver = self.waiver
        return (
            f"{waiver.where} ({waiver.subject}, province {waiver.province} "
            f"{waiver.province_name}, owner {waiver.owner}): {self.state} — {self.note}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            **_waiver_json(self.waiver),
            "state": self.state,
            "findings": self.findings,
            "note": self.note,
        }


def _waiver_json(waiver: Waiver) -> dict[str, Any]:
    """A waiver as a gate file states it (what `parse_waivers` reads back)."""
    return {
        "rule": waiver.rule,
        "province": waiver.province,
        "owner": waiver.owner,
        "reason": waiver.reason,
        "expires": waiver.expires.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class Gate:
    overall: Limits = field(default_factory=Limits)
    provinces: Mapping[str, Limits] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = self.overall.to_json()
        if self.provinces:
            data["provinces"] = {
                code: self.provinces[code].to_json() for code in sorted(self.provinces)
            }
        if self.waivers:
            data["waiver"] = [_waiver_json(waiver) for waiver in self.waivers]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Gate:
        return _gate(data, "stored gate")

    def merged(self, other: Gate) -> Gate:
        provinces = dict(self.provinces)
        for code, limits in other.provinces.items():
            provinces[code] = provinces[code].merged(limits) if code in provinces else limits
        return Gate(self.overall.merged(other.overall), provinces, self.waivers + other.waivers)

    def check(self, rule_ids: Iterable[str], province_codes: Iterable[str]) -> None:
        """GateError for a rule or family the profile does not have, or an unknown province."""
        rules = set(rule_ids)
        families = {rule.split("-")[0] for rule in rules}
        for scope, limits in (("", self.overall), *self.provinces.items()):
            for key in limits.rules:
                base = key.split(".")[0]
                if base not in rules and base not in families:
                    where = f"province {scope}: " if scope else ""
                    raise GateError(f"{where}{key!r} is neither a rule nor a rule family")
        known = set(province_codes)
        unknown = sorted(set(self.provinces) - known)
        if unknown:
            raise GateError(f"province {unknown[0]!r} in the gate is not one of the provinces")
        for waiver in self.waivers:
            if waiver.rule not in rules:
                raise GateError(
                    f"{waiver.where} ({waiver.rule}): unknown rule (not in the profile)"
                )

    def thresholds(self, names: Mapping[str, str]) -> list[tuple[str, str]]:
        """(scope, threshold) of every threshold, in the order `evaluate` judges them; `names`:
        province code → name."""
        found = [("all provinces", threshold) for threshold in self.overall.thresholds()]
        for code in sorted(self.provinces, key=lambda c: (c not in names, c)):
            scope = f"province {code} {names.get(code, '')}".rstrip()
            found += [(scope, threshold) for threshold in self.provinces[code].thresholds()]
        return found

    def waiver_outcomes(
        self, scorecards: Sequence[Mapping[str, Any]], today: dt.date | None = None
    ) -> list[WaiverOutcome]:
        """What each waiver did on `today` (default: today in Việt Nam), in file order."""
        day = today_in_vietnam() if today is None else today
        counts = {
            (card["province"]["code"], line["rule"]): line["findings"]
            for card in scorecards
            for line in card["rules"]
        }
        outcomes = []
        for waiver in self.waivers:
            found = counts.get((waiver.province, waiver.rule), 0)
            if waiver.expired(day):
                outcomes.append(WaiverOutcome(waiver, "expired", found))
            else:
                outcomes.append(WaiverOutcome(waiver, "applied" if found else "stale", found))
        return outcomes

    def evaluate(
        self, scorecards: Sequence[Mapping[str, Any]], today: dt.date | None = None
    ) -> list[Breach]:
        """Every broken threshold, over all provinces first, then province by province, then
        every expired waiver; findings under a valid waiver are not counted."""
        outcomes = self.waiver_outcomes(scorecards, today)
        waived = {
            (outcome.waiver.province, outcome.waiver.rule)
            for outcome in outcomes
            if outcome.state == "applied"
        }
        cards = [_without(card, waived) for card in scorecards] if waived else scorecards
        breaches = _breaches("all provinces", self.overall, cards)
        for card in cards:
            code = card["province"]["code"]
            limits = self.provinces.get(code)
            if limits is not None:
                scope = f"province {code} {card['province']['name']}"
                breaches += _breaches(scope, limits, [card])
        for outcome in outcomes:
            if outcome.state == "expired":
                waiver = outcome.waiver
                breaches.append(
                    Breach(
                        f"province {waiver.province} {waiver.province_name}",
                        f"waiver {waiver.rule} (owner {waiver.owner})",
                        f"expired on {waiver.expires.isoformat()}, {waiver.where}",
                    )
                )
        return breaches


def _without(card: Mapping[str, Any], waived: set[tuple[str, str | None]]) -> Mapping[str, Any]:
    """The card with the findings of its waived rules not counted."""
    code = card["province"]["code"]
    if not any(province == code for province, _rule in waived):
        return card
    lines = [
        {**line, "findings": 0} if (code, line["rule"]) in waived else line
        for line in card["rules"]
    ]
    return {**card, "rules": lines}


def _findings(cards: Sequence[Mapping[str, Any]], severity: str | None = None) -> int:
    return sum(
        line["findings"]
        for card in cards
        for line in card["rules"]
        if severity is None or line["severity"] == severity
    )


def _matches(line: Mapping[str, Any], key: str) -> bool:
    """Does a rule line count for `HS-002`, `HS` (a family) or `HS.error` (with a severity)?"""
    base, _, severity = key.partition(".")
    if severity and line["severity"] != severity:
        return False
    return bool(line["rule"] == base or line["rule"].split("-")[0] == base)


def _rule_findings(cards: Sequence[Mapping[str, Any]], key: str) -> int:
    return sum(line["findings"] for card in cards for line in card["rules"] if _matches(line, key))


def _by_province(cards: Sequence[Mapping[str, Any]], count: Any) -> str:
    """The provinces behind a count over several provinces, most first: "38 Thanh Hóa 9, …"."""
    if len(cards) < 2:
        return ""
    per = Counter(
        {f"{card['province']['code']} {card['province']['name']}": count([card]) for card in cards}
    )
    top = [(name, n) for name, n in per.most_common() if n][:_DETAIL_PROVINCES]
    more = sum(1 for n in per.values() if n) - len(top)
    text = ", ".join(f"{name} {n}" for name, n in top)
    return text + (f", +{more} more" if more > 0 else "")


def _breaches(scope: str, limits: Limits, cards: Sequence[Mapping[str, Any]]) -> list[Breach]:
    found: list[Breach] = []
    for key, limit in limits.counts.items():
        severity = _COUNTS[key]
        actual = _findings(cards, severity)
        if actual > limit:
            noun = f"{severity} findings" if severity else "findings"
            detail = _by_province(cards, lambda c, s=severity: _findings(c, s))
            found.append(Breach(scope, f"{key}={limit}", f"{actual} {noun}", detail))
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
            detail = _by_province(cards, lambda c, k=key: _rule_findings(c, k))
            found.append(Breach(scope, f"{key}={limit}", f"{actual} findings", detail))
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


def _is_rule_key(key: str) -> bool:
    """`HS-002`, `HS`, or either with a severity: `HS.error`."""
    base, dot, severity = key.partition(".")
    if dot and severity not in _SEVERITIES:
        return False
    return base.replace("-", "").isalnum() and base[:1].isupper()


def _rule_limits(key: str, value: Any, where: str) -> dict[str, int]:
    """`"HS" = 3`, `"HS.error" = 0` or `"HS" = { error = 0, warning = 5 }`."""
    if not _is_rule_key(key):
        raise GateError(
            f"{where}: {key!r} is not a rule, family or rule.severity (e.g. HS-002, HS, HS.error)"
        )
    if isinstance(value, dict):
        if "." in key:
            raise GateError(f"{where}: a severity table needs a rule or family, not {key!r}")
        limits = {}
        for severity, limit in value.items():
            if severity not in _SEVERITIES:
                raise GateError(
                    f"{where}.{severity}: not a severity (known: {', '.join(_SEVERITIES)})"
                )
            limits[f"{key}.{severity}"] = int(_number(limit, f"{where}.{severity}", whole=True))
        return limits
    return {key: int(_number(value, where, whole=True))}


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
                rules.update(_rule_limits(str(rule), limit, f"{here}.{rule}"))
        elif key in ("provinces", "waiver") and allow_provinces:
            continue
        elif _is_rule_key(key):
            rules.update(_rule_limits(key, value, here))
        else:
            raise GateError(
                f"{here}: unknown threshold (known: {', '.join(_KEYS)}, a rule like HS-002, "
                "a family like HS, either with a severity like HS.error)"
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
    entries = document.get("waiver", [])
    if not isinstance(entries, list):
        raise GateError(f"{source}: 'waiver' must be an array of tables ([[waiver]])")
    try:
        waivers = parse_waivers(entries, source, subject="rule")
    except WaiverError as error:
        raise GateError(str(error)) from None
    return Gate(overall, provinces, waivers)


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
