"""What the rules need to know about the world, as protocols the domain core implements.

`contracts` stays pure: the procedure catalogue, the agency registry, the working-day calendar
and the lifecycle ledger are handed in by whoever runs the checks (the offline validator, the
mock portal), so the same rules judge a capture file and a live message alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ProcedureRef:
    """What the rules read of a catalogue record (`LayThuTuc` format)."""

    code: str
    name: str
    sector_code: str
    sector_name: str
    #: statutory processing time in working days; None when the catalogue does not say
    processing_days: float | None
    #: total of the procedure's fees in VND (PHILEPHI), None when free or unknown
    fee_total: int | None = None


class ProcedureCatalogue(Protocol):
    def procedure(self, code: str) -> ProcedureRef | None: ...


class AgencyRegistry(Protocol):
    def is_known(self, code: str) -> bool: ...


class WorkingCalendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...

    def add_working_days(self, start: date, days: int) -> date:
        """The day `days` working days after `start` (start itself not counted)."""
        ...


@dataclass(slots=True)
class DossierState:
    """What the portal knows of one dossier, as the lifecycle rules read it."""

    code: str
    unit: str
    status: str
    procedure: str
    applicant: str
    received_at: datetime | None
    due_at: datetime | None
    last_event_at: datetime | None
    has_extension: bool = False


class DossierLedger(Protocol):
    """The lifecycle state across messages: a dict for a capture file, the store for the portal."""

    def get(self, code: str) -> DossierState | None: ...

    def put(self, state: DossierState) -> None: ...


class MemoryLedger:
    """A ledger held in memory, for offline validation of one capture."""

    def __init__(self) -> None:
        self._states: dict[str, DossierState] = {}

    def get(self, code: str) -> DossierState | None:
        return self._states.get(code)

    def put(self, state: DossierState) -> None:
        self._states[state.code] = state

    def __len__(self) -> int:
        return len(self._states)


class PaymentKeys(Protocol):
    """The payment platform's per-client HMAC keys (`hash_key_1`, `hash_key_2`)."""

    def hash_key_1(self, client_id: str) -> bytes | None: ...

    def hash_key_2(self, client_id: str) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class NoPaymentKeys:
    """Offline captures come without keys: checksum rules are then not evaluated."""

    def hash_key_1(self, client_id: str) -> bytes | None:
        return None

    def hash_key_2(self, client_id: str) -> bytes | None:
        return None


@dataclass(frozen=True, slots=True)
class StaticPaymentKeys:
    keys: Mapping[str, tuple[bytes, bytes]]

    def hash_key_1(self, client_id: str) -> bytes | None:
        pair = self.keys.get(client_id)
        return pair[0] if pair else None

    def hash_key_2(self, client_id: str) -> bytes | None:
        pair = self.keys.get(client_id)
        return pair[1] if pair else None


DEFAULT_SYNC_LIMIT = timedelta(hours=1)
