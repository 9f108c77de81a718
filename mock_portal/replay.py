"""Replaying the journal: what every dossier's state must be, given the messages accepted.

The journal is the portal's record of what it acknowledged; the `dossiers` and
`dossier_events` tables are derived from it (each accepted message's changes are committed with
its journal row). `replay_journal` derives them again, independently of the running portal: it
feeds every accepted DongBoHoSoMC and CapNhatTienDoHoSoMC, in journal order, through the
profile's lifecycle recorder over an in-memory ledger, exactly as the portal does for a live
message. `verify_store` compares the result with the tables and adds the database's own
integrity check, so after a crash (or before trusting a database someone hands over) one call
says whether the store is whole and self-consistent.

The replay holds every dossier's state in memory (a few hundred bytes each).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime

import orjson

from contracts import CheckContext, DossierState, Message, MessageKind, Profile
from contracts.profiles import load as load_profile
from mock_portal.store import JournalEntry, Store, StoredEvent
from simulator.domain import bundled_agencies, bundled_calendar, bundled_catalogue

#: the messages that move a dossier on (`contracts.profiles.tt01_2018.lifecycle.record`)
_LIFECYCLE_KINDS = frozenset({MessageKind.DONG_BO_HO_SO, MessageKind.CAP_NHAT_TIEN_DO})
#: how many differences a verification lists before it stops counting them one by one
_MAX_LISTED = 20


@dataclass(slots=True)
class ReplayedDossier:
    state: DossierState
    province: str | None
    first_journal_id: int
    updated_journal_id: int


@dataclass(slots=True)
class Replay:
    """The dossiers and status events the journal implies, and what was replayed."""

    dossiers: dict[str, ReplayedDossier] = field(default_factory=dict)
    events: list[StoredEvent] = field(default_factory=list)
    #: journal entries read, and accepted lifecycle messages among them
    entries: int = 0
    replayed: int = 0


class _ReplayLedger:
    """The ledger the recorder moves on: the states so far, and what the current message put."""

    def __init__(self) -> None:
        self.states: dict[str, DossierState] = {}
        self.pending: dict[str, DossierState] = {}

    def get(self, code: str) -> DossierState | None:
        pending = self.pending.get(code)
        return pending if pending is not None else self.states.get(code)

    def put(self, state: DossierState) -> None:
        self.pending[state.code] = state


def replay_journal(entries: Iterable[JournalEntry], profile: Profile | None = None) -> Replay:
    """The dossiers and events that the accepted messages among `entries` (in id order) make."""
    profile = profile or load_profile()
    ledger = _ReplayLedger()
    context = CheckContext(
        catalogue=bundled_catalogue(),
        agencies=bundled_agencies(),
        calendar=bundled_calendar(),
        ledger=ledger,
    )
    replay = Replay()
    for entry in entries:
        replay.entries += 1
        if not entry.accepted or entry.kind not in _LIFECYCLE_KINDS:
            continue
        replay.replayed += 1
        kind = MessageKind(entry.kind)
        body = orjson.loads(entry.body)
        message = Message(entry.id, kind, body, entry.received_at, entry.path, entry.unit)
        profile.record(context, message)
        changes, ledger.pending = ledger.pending, {}
        for state in changes.values():
            _apply(replay, ledger, entry, state)
    return replay


def _apply(replay: Replay, ledger: _ReplayLedger, entry: JournalEntry, state: DossierState) -> None:
    """One dossier change of one message, as `write_batch` stores it (row and event)."""
    before = ledger.states.get(state.code)
    ledger.states[state.code] = state
    known = replay.dossiers.get(state.code)
    if known is None:
        replay.dossiers[state.code] = ReplayedDossier(state, entry.province, entry.id, entry.id)
    else:
        known.state = state
        # a message without a province keeps the dossier's (the store's upsert coalesces)
        known.province = entry.province if entry.province is not None else known.province
        known.updated_journal_id = entry.id
    if before is None or before.status != state.status:
        event_at: datetime = state.last_event_at or entry.received_at
        replay.events.append(
            StoredEvent(state.code, entry.id, state.status, event_at, entry.received_at)
        )


def verify_store(store: Store, profile: Profile | None = None) -> list[str]:
    """Every problem in the store: its integrity check, then each dossier row and status event
    that differs from the replay of the journal. Empty when the store is whole."""
    return check_store(store, profile)[0]


def check_store(store: Store, profile: Profile | None = None) -> tuple[list[str], Replay | None]:
    """`verify_store`'s problems, and the replay they were judged against (None when the
    integrity check failed first): what was checked, for a summary."""
    problems = store.integrity_check()
    if problems:
        return problems, None
    replay = replay_journal(store.iter_journal(), profile)
    differences = _dossier_differences(store, replay) + _event_differences(store, replay)
    if len(differences) > _MAX_LISTED:
        more = len(differences) - _MAX_LISTED
        differences = [*differences[:_MAX_LISTED], f"… and {more} more differences"]
    return differences, replay


def _dossier_differences(store: Store, replay: Replay) -> list[str]:
    differences = []
    seen = set()
    for stored in store.iter_dossiers():
        code = stored.state.code
        seen.add(code)
        expected = replay.dossiers.get(code)
        if expected is None:
            differences.append(f"dossier {code}: stored, but no accepted message made it")
            continue
        for name in (f.name for f in fields(DossierState)):
            got, want = getattr(stored.state, name), getattr(expected.state, name)
            if got != want:
                differences.append(f"dossier {code}: {name} is {got!r}, the journal says {want!r}")
        for name in ("province", "first_journal_id", "updated_journal_id"):
            got, want = getattr(stored, name), getattr(expected, name)
            if got != want:
                differences.append(f"dossier {code}: {name} is {got!r}, the journal says {want!r}")
    for code in sorted(replay.dossiers.keys() - seen):
        differences.append(f"dossier {code}: the journal made it, but it is not stored")
    return differences


def _event_differences(store: Store, replay: Replay) -> list[str]:
    def key(event: StoredEvent) -> tuple[int, str]:
        return event.journal_id, event.dossier

    stored = sorted(store.iter_dossier_events(), key=key)
    expected = sorted(replay.events, key=key)
    if stored == expected:
        return []
    differences = []
    stored_set, expected_set = set(stored), set(expected)
    for event in expected:
        if event not in stored_set:
            differences.append(f"status event missing: {_shown(event)}")
    for event in stored:
        if event not in expected_set:
            differences.append(f"status event the journal does not explain: {_shown(event)}")
    if not differences:
        differences.append("status events stored more than once")
    return differences


def _shown(event: StoredEvent) -> str:
    return (
        f"dossier {event.dossier} reached {event.status} at {event.event_at.isoformat()}"
        f" (journal {event.journal_id})"
    )
