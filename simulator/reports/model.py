"""What every report shows, gathered once from a portal database: `Report`.

A report is a pure function of the database: the per-province scorecards
(`mock_portal.scorecard`, computed from the journal and findings), a few example findings per
province and rule, and the run metadata that `portalsim run` stores in the same database
(setting `run_metadata`: profile set, seed, load, time series, ground truth, bands, gate). So
`portalsim report --database …` renders byte for byte what the run wrote.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from contracts import Profile, Rule
from mock_portal.scorecard import NO_DATA, Bands, scorecards
from mock_portal.store import Store
from simulator.reports.gate import Breach, Gate, WaiverOutcome
from simulator.reports.waivers import today_in_vietnam

__all__ = [
    "BAND_ORDER",
    "EXAMPLES_PER_RULE",
    "RUN_METADATA_SETTING",
    "Example",
    "Report",
    "build_report",
    "load_run_metadata",
    "store_run_metadata",
]

RUN_METADATA_SETTING = "run_metadata"
BAND_ORDER = ("xanh", "vàng", "cam", "đỏ", NO_DATA)
#: example findings kept per province and failing rule
EXAMPLES_PER_RULE = 3


@dataclass(frozen=True, slots=True)
class Example:
    """One finding shown as evidence: which message, where, what value, how to fix it."""

    journal_id: int
    path: str
    value: Any
    hint: str

    def to_json(self) -> dict[str, Any]:
        return {
            "journal_id": self.journal_id,
            "path": self.path,
            "value": self.value,
            "hint": self.hint,
        }

    def line(self) -> str:
        return f"#{self.journal_id} {self.path} = {self.value!r}: {self.hint}"


@dataclass(frozen=True, slots=True)
class Report:
    profile: str
    rules: Mapping[str, Rule]
    bands: Bands
    scorecards: Sequence[Mapping[str, Any]]
    #: (province code, rule) → example findings, for rules with findings
    examples: Mapping[tuple[str, str], Sequence[Example]]
    #: what `portalsim run` stored; None for a database it did not write
    run: Mapping[str, Any] | None
    gate: Gate | None
    breaches: Sequence[Breach] = field(default_factory=tuple)
    #: what each waiver of the gate did (applied, stale, expired), judged on `decided_on`
    waivers: Sequence[WaiverOutcome] = field(default_factory=tuple)
    decided_on: dt.date | None = None

    @property
    def checked(self) -> bool:
        """Anything scored at all: a run that checked nothing never passes."""
        return any(card["scored"] for card in self.scorecards)

    @property
    def passed(self) -> bool:
        return self.checked and not self.breaches

    @property
    def verdict(self) -> str:
        if not self.checked:
            return "nothing checked"
        return "fail" if self.breaches else "pass"

    def families(self) -> list[str]:
        """Rule families of the profile, in the order of its rules."""
        return list(dict.fromkeys(rule_id.split("-")[0] for rule_id in self.rules))

    def summary(self) -> dict[str, Any]:
        by_band = Counter(card["band"] for card in self.scorecards)
        by_rule: Counter[str] = Counter()
        by_severity: Counter[str] = Counter()
        for card in self.scorecards:
            for line in card["rules"]:
                if line["findings"]:
                    by_rule[line["rule"]] += line["findings"]
                    by_severity[line["severity"]] += line["findings"]
        by_family: Counter[str] = Counter()
        for rule_id, count in by_rule.items():
            by_family[rule_id.split("-")[0]] += count
        return {
            "provinces": len(self.scorecards),
            "with_data": sum(1 for card in self.scorecards if card["score"] is not None),
            "by_band": {band: by_band[band] for band in BAND_ORDER},
            "messages": sum(card["messages"] for card in self.scorecards),
            "scored": sum(card["scored"] for card in self.scorecards),
            "clean": sum(card["clean"] for card in self.scorecards),
            "dossiers": sum(card["dossiers"]["synced"] for card in self.scorecards),
            "findings": {level: by_severity[level] for level in ("error", "warning", "info")},
            "by_rule": {rule_id: by_rule[rule_id] for rule_id in self.rules if by_rule[rule_id]},
            "by_family": {f: by_family[f] for f in self.families() if by_family[f]},
        }


def family_counts(card: Mapping[str, Any]) -> Counter[str]:
    """Findings of one scorecard per rule family."""
    counts: Counter[str] = Counter()
    for line in card["rules"]:
        if line["findings"]:
            counts[line["rule"].split("-")[0]] += line["findings"]
    return counts


def load_run_metadata(store: Store) -> dict[str, Any] | None:
    text = store.get_setting(RUN_METADATA_SETTING)
    if text is None:
        return None
    data = orjson.loads(text)
    return data if isinstance(data, dict) else None


def store_run_metadata(store: Store, metadata: Mapping[str, Any]) -> None:
    store.set_setting(RUN_METADATA_SETTING, orjson.dumps(metadata).decode())


def _examples(
    store: Store, cards: Sequence[Mapping[str, Any]]
) -> dict[tuple[str, str], list[Example]]:
    found: dict[tuple[str, str], list[Example]] = {}
    for card in cards:
        code = card["province"]["code"]
        for line in card["rules"]:
            if not line["findings"]:
                continue
            rows = store.findings(province=code, rule=line["rule"], limit=EXAMPLES_PER_RULE)
            found[code, line["rule"]] = [
                Example(row.journal_id, row.path, row.value, row.hint) for row in rows
            ]
    return found


def build_report(
    store: Store,
    profile: Profile,
    *,
    bands: Bands | None = None,
    gate: Gate | None = None,
    today: dt.date | None = None,
) -> Report:
    """The report of everything in `store`. Bands and gate: those given, else the ones the run
    stored, else the defaults (no gate). The gate's waivers are judged on `today` (default:
    today in Việt Nam)."""
    run = load_run_metadata(store)
    if bands is None:
        stored = (run or {}).get("bands")
        bands = Bands(stored["xanh"], stored["vàng"], stored["cam"]) if stored else Bands()
    if gate is None and run is not None and run.get("gate") is not None:
        gate = Gate.from_json(run["gate"])
    rules = {rule.id: rule for rule in profile.rules}
    cards = scorecards(store, profile.rules, bands)
    waivers = gate.waiver_outcomes(cards, today) if gate is not None and gate.waivers else []
    if waivers and today is None:
        today = today_in_vietnam()
    breaches = gate.evaluate(cards, today) if gate is not None else []
    return Report(
        profile=profile.name,
        rules=rules,
        bands=bands,
        scorecards=cards,
        examples=_examples(store, cards),
        run=run,
        gate=gate,
        breaches=breaches,
        waivers=waivers,
        decided_on=today if waivers else None,
    )
