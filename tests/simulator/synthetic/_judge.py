"""Judging synthetic traffic: offline with `contracts.Validator`, or from a portal's journal."""

from __future__ import annotations

import json
from collections.abc import Iterable

from contracts import CheckContext, MemoryLedger, Message, Validator, classify, profiles
from mock_portal.store import Store
from simulator.domain import bundled_agencies, bundled_calendar, bundled_catalogue
from simulator.synthetic import SentMessage, dossier_code_of


def offline_findings(messages: Iterable[SentMessage]) -> set[tuple[str, str]]:
    """(dossier code, rule) of every finding of validating `messages` in order, as
    `portalsim validate` would (an in-memory ledger, receive times from the traffic)."""
    context = CheckContext(
        bundled_catalogue(), bundled_agencies(), bundled_calendar(), MemoryLedger()
    )
    validator = Validator(profiles.load(), context)
    found: set[tuple[str, str]] = set()
    for index, sent in enumerate(messages):
        raw = json.dumps(sent.body, ensure_ascii=False, separators=(",", ":"))
        message = Message(
            index, classify(sent.body, sent.path), sent.body, sent.received_at, sent.path, None, raw
        )
        found.update((sent.dossier, finding.rule) for finding in validator.validate(message))
    return found


def portal_findings(store: Store) -> set[tuple[str | None, str]]:
    """(dossier code the message is about, rule) of every finding the portal recorded."""
    found: set[tuple[str | None, str]] = set()
    for entry in store.iter_journal():
        code = dossier_code_of(json.loads(entry.body)) if entry.body else None
        found.update((code, finding.rule) for finding in entry.findings)
    return found
