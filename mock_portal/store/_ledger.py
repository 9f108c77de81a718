"""A `contracts.DossierLedger` over the store, for checking live messages in the mock portal.

The rules read dossier state through the ledger and the engine `put`s the new state once a
message is accepted. Writes must travel with their message in `write_batch`, so `put` does not
write: it keeps the state in an overlay (which later `get`s see) until the portal takes the
changes with `take_changes()` and puts them in the message's `MessageRecord.dossier_states`.
"""

from __future__ import annotations

from contracts import DossierState
from mock_portal.store._store import Store


class StoreLedger:
    """Reads through to the store; buffers writes for the caller to commit with the message."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._pending: dict[str, DossierState] = {}

    def get(self, code: str) -> DossierState | None:
        pending = self._pending.get(code)
        return pending if pending is not None else self._store.get_dossier(code)

    def put(self, state: DossierState) -> None:
        self._pending[state.code] = state

    def take_changes(self) -> list[DossierState]:
        """The states put since the last call, one per dossier (the latest), in first-put order."""
        changes = list(self._pending.values())
        self._pending.clear()
        return changes
