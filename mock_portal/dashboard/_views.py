"""What each dashboard page shows, as plain data: the pages render it, `/dashboard/api/…`
returns it as JSON. Everything comes from the store, so a finished run reads the same.

- `national`: the 34 scorecards (`mock_portal.scorecard`), each with its SSO figures, and the
  provinces per band.
- `province_view`: one scorecard, its failing rules with their clause, hint and example
  findings, dossiers per status, payment reconciliation, SSO per exchange, messages and the
  delays the portal injected per time bucket.
- `rule_view`: one rule and where it fails across the provinces.
- `message_view`: one journaled message and its findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta
from typing import Any

import orjson

from contracts import STATUS_LABELS, Rule
from mock_portal._portal import Portal
from mock_portal.payments._reconcile import reconciliation
from mock_portal.scorecard import Bands, scorecards
from mock_portal.store import FindingRow, JournalEntry, PaymentSummary, Store
from simulator.domain import Province

#: the setting `portalsim run` keeps its metadata in (bands among them)
RUN_METADATA_SETTING = "run_metadata"
SSO_KIND_PREFIX = "sso-"
EXAMPLES_PER_RULE = 3
RULE_EXAMPLES = 20
MISMATCH_AFTER = timedelta(hours=1)
#: fault labels that delay an answer, with the delay they name: latency:120ms, stall:1s, hang:65s
_DELAY = re.compile(r"^(latency|stall|hang):(\d+(?:\.\d+)?)(ms|s)$")


def bands_of(store: Store) -> Bands:
    """The bands the run used (its metadata), else the defaults."""
    text = store.get_setting(RUN_METADATA_SETTING)
    try:
        stored = (orjson.loads(text) or {}).get("bands") if text else None
        if isinstance(stored, dict):
            return Bands(float(stored["xanh"]), float(stored["vàng"]), float(stored["cam"]))
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        pass
    return Bands()


def rule_json(rule: Rule) -> dict[str, Any]:
    return rule.to_dict()


def sso_figures(store: Store) -> dict[str, dict[str, Any]]:
    """Per province: SSO exchanges, those with an error finding, and both per exchange kind."""
    result: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"exchanges": 0, "failed": 0, "by_kind": {}}
    )
    for (province, kind), count in store.message_counts(("province", "kind")).items():
        if province is not None and str(kind).startswith(SSO_KIND_PREFIX):
            entry = result[province]
            entry["exchanges"] += count
            entry["by_kind"].setdefault(kind, {"exchanges": 0, "failed": 0})["exchanges"] = count
    for (province, kind), count in store.message_counts(
        ("province", "kind"), severity="error"
    ).items():
        if province is not None and str(kind).startswith(SSO_KIND_PREFIX):
            entry = result[province]
            entry["failed"] += count
            entry["by_kind"].setdefault(kind, {"exchanges": 0, "failed": 0})["failed"] = count
    return dict(result)


def version(store: Store) -> int:
    """Changes whenever the portal journals a message: live pages refresh when it moves."""
    return store.last_journal_id()


def national(portal: Portal) -> dict[str, Any]:
    store = portal.store
    bands = bands_of(store)
    cards = scorecards(store, portal.profile.rules, bands)
    sso = sso_figures(store)
    for card in cards:
        card["sso"] = sso.get(
            card["province"]["code"], {"exchanges": 0, "failed": 0, "by_kind": {}}
        )
    by_band: dict[str, int] = {}
    for card in cards:
        by_band[card["band"]] = by_band.get(card["band"], 0) + 1
    return {
        "profile": portal.profile.name,
        "version": version(store),
        "bands": bands.to_dict(),
        "by_band": by_band,
        "totals": {
            "messages": sum(card["messages"] for card in cards),
            "dossiers": sum(card["dossiers"]["synced"] for card in cards),
            "findings": sum(line["findings"] for card in cards for line in card["rules"]),
        },
        "provinces": cards,
    }


def finding_json(row: FindingRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "journal_id": row.journal_id,
        "rule": row.rule,
        "severity": row.severity.value,
        "unit": row.unit,
        "province": row.province,
        "path": row.path,
        "value": row.value,
        "hint": row.hint,
        "received_at": row.received_at,
    }


def journal_entry(store: Store, journal_id: int) -> JournalEntry | None:
    """One journaled message with its findings (a one-row page of the journal)."""
    if journal_id < 1:
        return None
    entry = next(iter(store.iter_journal(journal_id - 1, batch=1)), None)
    return entry if entry is not None and entry.id == journal_id else None


def _delay_ms(fault: str | None) -> float | None:
    match = _DELAY.match(fault or "")
    if match is None:
        return None
    value = float(match.group(2))
    return value if match.group(3) == "ms" else value * 1000


def timeline(store: Store, province: str) -> dict[str, Any]:
    """Messages per bucket and the mean delay the portal injected into them (ms)."""
    start, width, rows = store.journal_timeline(province)
    if start is None:
        return {"start": None, "bucket_seconds": width, "messages": [], "delay_ms": []}
    buckets = max(index for index, _, _ in rows) + 1
    messages = [0] * buckets
    delayed = [0.0] * buckets
    for index, fault, count in rows:
        messages[index] += count
        delay = _delay_ms(fault)
        if delay is not None:
            delayed[index] += delay * count
    return {
        "start": start,
        "bucket_seconds": width,
        "messages": messages,
        "delay_ms": [
            round(total / count, 1) if count else 0.0
            for total, count in zip(delayed, messages, strict=True)
        ],
    }


def province_view(portal: Portal, province: Province) -> dict[str, Any]:
    store = portal.store
    bands = bands_of(store)
    (card,) = scorecards(store, portal.profile.rules, bands, [province])
    sso = sso_figures(store).get(province.code, {"exchanges": 0, "failed": 0, "by_kind": {}})
    card["sso"] = sso
    rules = portal.profile.rules
    failing = []
    for line in card["rules"]:
        if not line["findings"]:
            continue
        rule = rules[line["rule"]]
        examples = store.findings(province=province.code, rule=rule.id, limit=EXAMPLES_PER_RULE)
        failing.append(
            {
                **line,
                "hint": rule.hint,
                "examples": [finding_json(row) for row in examples],
            }
        )
    statuses = card["dossiers"]["by_status"]
    summaries = store.payments.summaries(province.code)
    summary = summaries[0] if summaries else PaymentSummary(province.code)
    return {
        "profile": portal.profile.name,
        "version": version(store),
        "scorecard": card,
        "failing_rules": failing,
        "lifecycle": [
            {"status": status, "label": label, "count": statuses.get(status, 0)}
            for status, label in STATUS_LABELS.items()
        ],
        "payments": reconciliation(store, province, summary, portal.clock(), MISMATCH_AFTER),
        "sso": sso,
        "timeline": timeline(store, province.code),
    }


def rule_view(portal: Portal, rule: Rule) -> dict[str, Any]:
    store = portal.store
    bands = bands_of(store)
    cards = scorecards(store, [rule], bands)
    provinces = []
    for card in cards:
        (line,) = card["rules"]
        provinces.append(
            {
                "province": card["province"],
                "band": card["band"],
                "checks": line["checks"],
                "failed": line["failed"],
                "findings": line["findings"],
            }
        )
    provinces.sort(key=lambda entry: (-entry["findings"], entry["province"]["code"]))
    examples = store.findings(rule=rule.id, limit=RULE_EXAMPLES)
    return {
        "profile": portal.profile.name,
        "version": version(store),
        "rule": rule_json(rule),
        "provinces": provinces,
        "examples": [finding_json(row) for row in examples],
    }


def message_view(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "received_at": entry.received_at,
        "unit": entry.unit,
        "province": entry.province,
        "kind": entry.kind,
        "path": entry.path,
        "status": entry.status_code,
        "accepted": entry.accepted,
        "fault": entry.fault,
        "body": entry.body.decode("utf-8", errors="replace"),
        "findings": [finding_json(row) for row in entry.findings],
    }
