"""Per-province scorecards: how well each of the 34 provinces' systems speak to the portal.

The Government Office's execution map colours each province green, yellow, orange or red; the
field reports count dossiers synced, wrong dossier codes, wrong procedure codes and late status
updates. A scorecard gives those measures per province, from the store alone (so it can be
re-rendered from a finished run), for every one of the 34 provinces, traffic or not.

Definitions (all over the messages journaled for the province's units):

- **messages**: everything journaled, logins included; `accepted` + `rejected` = messages.
- **faults**: faults the portal injected on purpose (`injected`, by label). `refused` of them
  replaced the portal's answer; a message refused by a fault was never judged and never counts
  against the province. Latency is injected but not a refusal: the message is judged normally.
- **checks** of a rule: the messages of the kinds the rule applies to, not refused by a fault
  (a rule without `applies_to`, e.g. the schema and access rules, applies to every message);
  **failed**: those of them with at least one finding of the rule; **passed** = checks − failed;
  **findings**: the rule's findings (a message can break a rule at several places).
- **scored**: the province's exchanges other than logins (integration and catalogue calls, its
  payment calls and the platform's callbacks to it, its SSO requests; a login says nothing about
  the data a province syncs) not refused by a fault; **clean**: those without any finding of
  severity error.
- **score** = 100 × clean ÷ scored, one decimal; null when scored is 0.
- **band**: "xanh" (score ≥ green, default 90), "vàng" (≥ yellow, 75), "cam" (≥ orange, 50),
  "đỏ" below; "chưa có dữ liệu" (no data) when nothing was scored, so a province that checked
  nothing never looks green.
- **wrong_dossier_codes**, **wrong_procedure_codes**, **late_status_updates**: messages with
  findings of HS-001…HS-004, of TT-001/TT-002, of LC-007/LC-008.
- **dossiers.synced**: dossiers of the province the portal holds, `by_status` "1"…"10".
- **payments**: `connected` when the province created any transaction on the payment platform,
  `transactions` created, `succeeded` paid, `paid_amount` their total in VND (the field reports'
  "payments connected and succeeded").

JSON of one scorecard (`GET /admin/scorecards/38`)::

    {"province": {"code": "38", "agency_code": "H56", "name": "Thanh Hóa"},
     "score": 95.0, "band": "xanh", "scored": 100, "clean": 95,
     "messages": 120, "accepted": 110, "rejected": 10,
     "faults": {"injected": 7, "refused": 5, "by_label": {"error:503": 5, "latency:50ms": 2}},
     "dossiers": {"synced": 40, "by_status": {"2": 30, "4": 10}},
     "wrong_dossier_codes": 3, "wrong_procedure_codes": 1, "late_status_updates": 2,
     "payments": {"connected": true, "transactions": 12, "succeeded": 10, "paid_amount": 500000},
     "rules": [{"rule": "HS-002", "severity": "error", "kind": "semantic",
                "clause": "TT 01/2018/TT-VPCP Điều 19", "title_vi": "…", "title_en": "…",
                "checks": 50, "passed": 48, "failed": 2, "findings": 3}, …]}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from contracts import Rule
from mock_portal.faults import refuses
from mock_portal.store import ProvinceSummary, Store
from simulator.domain import PROVINCES_2025, Province

NO_DATA = "chưa có dữ liệu"
WRONG_DOSSIER_CODE_RULES = ("HS-001", "HS-002", "HS-003", "HS-004")
WRONG_PROCEDURE_CODE_RULES = ("TT-001", "TT-002")
LATE_STATUS_RULES = ("LC-007", "LC-008")
_LOGIN = "login"


@dataclass(frozen=True, slots=True)
class Bands:
    """Lowest scores of the green, yellow and orange bands; below orange is red."""

    green: float = 90.0
    yellow: float = 75.0
    orange: float = 50.0

    def __post_init__(self) -> None:
        if not 0 <= self.orange <= self.yellow <= self.green <= 100:
            raise ValueError(
                f"bands must satisfy 0 ≤ orange ≤ yellow ≤ green ≤ 100, not "
                f"{self.green:g}/{self.yellow:g}/{self.orange:g}"
            )

    @classmethod
    def parse(cls, text: str) -> Bands:
        """`"90,75,50"` (green, yellow, orange); `ValueError` naming the problem."""
        parts = [part.strip() for part in text.split(",")]
        try:
            green, yellow, orange = (float(part) for part in parts)
        except ValueError:
            raise ValueError(
                f"thresholds {text!r}: expected three numbers green,yellow,orange like 90,75,50"
            ) from None
        return cls(green, yellow, orange)

    def band(self, score: float | None) -> str:
        if score is None:
            return NO_DATA
        if score >= self.green:
            return "xanh"
        if score >= self.yellow:
            return "vàng"
        return "cam" if score >= self.orange else "đỏ"

    def to_dict(self) -> dict[str, float]:
        return {"xanh": self.green, "vàng": self.yellow, "cam": self.orange}


@dataclass(frozen=True, slots=True)
class Traffic:
    """What the store knows of one province's messages: the input of `scorecard`."""

    summary: ProvinceSummary
    #: messages per kind that were judged (not refused by an injected fault)
    judged_by_kind: Mapping[str, int] = field(default_factory=dict)
    #: per rule, the messages with at least one of its findings
    failing: Mapping[str, int] = field(default_factory=dict)
    #: judged RPC (non-login) messages with at least one error finding
    error_messages: int = 0
    wrong_dossier_codes: int = 0
    wrong_procedure_codes: int = 0
    late_status_updates: int = 0
    #: payment transactions created, of them paid, and the paid amount (VND)
    payments: tuple[int, int, int] = (0, 0, 0)

    @classmethod
    def silent(cls, province: str) -> Traffic:
        return cls(ProvinceSummary(province, 0, 0, 0, 0))


def scorecard(
    province: Province, traffic: Traffic, rules: Iterable[Rule], bands: Bands
) -> dict[str, Any]:
    """One province's scorecard (shape in the module docstring); pure."""
    summary = traffic.summary
    judged = traffic.judged_by_kind
    scored = sum(count for kind, count in judged.items() if kind != _LOGIN)
    clean = scored - min(traffic.error_messages, scored)
    score = round(100 * clean / scored, 1) if scored else None
    refused = sum(count for label, count in summary.faults.items() if refuses(label))
    return {
        "province": {
            "code": province.code,
            "agency_code": province.agency_code,
            "name": province.name,
        },
        "score": score,
        "band": bands.band(score),
        "scored": scored,
        "clean": clean,
        "messages": summary.messages,
        "accepted": summary.accepted,
        "rejected": summary.rejected,
        "faults": {
            "injected": sum(summary.faults.values()),
            "refused": refused,
            "by_label": dict(summary.faults),
        },
        "dossiers": {"synced": summary.dossiers, "by_status": dict(summary.dossier_statuses)},
        "wrong_dossier_codes": traffic.wrong_dossier_codes,
        "wrong_procedure_codes": traffic.wrong_procedure_codes,
        "late_status_updates": traffic.late_status_updates,
        "payments": {
            "connected": traffic.payments[0] > 0,
            "transactions": traffic.payments[0],
            "succeeded": traffic.payments[1],
            "paid_amount": traffic.payments[2],
        },
        "rules": [_rule_line(rule, traffic) for rule in rules],
    }


def _rule_line(rule: Rule, traffic: Traffic) -> dict[str, Any]:
    judged = traffic.judged_by_kind
    if rule.applies_to:
        checks = sum(judged.get(kind.value, 0) for kind in rule.applies_to)
    else:
        checks = sum(judged.values())
    failed = min(traffic.failing.get(rule.id, 0), checks)
    return {
        "rule": rule.id,
        "severity": rule.severity.value,
        "kind": rule.kind.value,
        "clause": rule.clause,
        "title_vi": rule.title_vi,
        "title_en": rule.title_en,
        "checks": checks,
        "passed": checks - failed,
        "failed": failed,
        "findings": traffic.summary.findings.get(rule.id, 0),
    }


def gather(store: Store) -> dict[str, Traffic]:
    """The traffic of every province that has any, from a handful of grouped queries."""
    judged: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for (province, kind, fault), count in store.message_counts(
        ("province", "kind", "fault")
    ).items():
        if province is not None and (fault is None or not refuses(fault)):
            judged[province][kind] = judged[province].get(kind, 0) + count
    failing: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for (province, rule), count in store.finding_counts(
        ("province", "rule"), distinct_messages=True
    ).items():
        if province is not None and rule is not None:
            failing[province][rule] = count
    errors: defaultdict[str, int] = defaultdict(int)
    for (province, kind), count in store.message_counts(
        ("province", "kind"), severity="error"
    ).items():
        if province is not None and kind != _LOGIN:
            errors[province] += count
    dossier_codes = _per_province(store, WRONG_DOSSIER_CODE_RULES)
    procedure_codes = _per_province(store, WRONG_PROCEDURE_CODE_RULES)
    late = _per_province(store, LATE_STATUS_RULES)
    payments = store.payments.paid_by_province()
    return {
        summary.province: Traffic(
            summary=summary,
            judged_by_kind=judged.get(summary.province, {}),
            failing=failing.get(summary.province, {}),
            error_messages=errors.get(summary.province, 0),
            wrong_dossier_codes=dossier_codes.get(summary.province, 0),
            wrong_procedure_codes=procedure_codes.get(summary.province, 0),
            late_status_updates=late.get(summary.province, 0),
            payments=payments.get(summary.province, (0, 0, 0)),
        )
        for summary in store.province_summary()
        if summary.province is not None
    }


def _per_province(store: Store, rules: Sequence[str]) -> dict[str, int]:
    counts = store.message_counts(("province",), rules=rules)
    return {province: count for (province,), count in counts.items() if province is not None}


def scorecards(
    store: Store,
    rules: Iterable[Rule],
    bands: Bands | None = None,
    provinces: Iterable[Province] = PROVINCES_2025,
) -> list[dict[str, Any]]:
    """A scorecard for each province (the 34 by default), in their official order."""
    traffic = gather(store)
    rule_list = list(rules)
    return [
        scorecard(
            province,
            traffic.get(province.code) or Traffic.silent(province.code),
            rule_list,
            bands or Bands(),
        )
        for province in provinces
    ]
