"""The portal's dossier ledger: the store, plus what in-flight messages have already changed.

Messages are committed in groups, so the store alone can lag a message behind: a progress update
that follows its DongBoHoSoMC within milliseconds must see the dossier. A bounded cache holds the
states of accepted messages from the moment they are handed to the writer; a failed commit
forgets them again. With several worker processes the cache is off (another process may change
a dossier), and every read goes to the store.
"""

from __future__ import annotations

from collections import OrderedDict

from contracts import DossierState
from mock_portal.store import Store

_CACHE_SIZE = 100_000


class PortalLedger:
    def __init__(self, store: Store, *, cache: bool = True) -> None:
        self._store = store
        self._cache: OrderedDict[str, DossierState] | None = OrderedDict() if cache else None
        self._pending: dict[str, DossierState] = {}

    def get(self, code: str) -> DossierState | None:
        pending = self._pending.get(code)
        if pending is not None:
            return pending
        cache = self._cache
        if cache is not None:
            cached = cache.get(code)
            if cached is not None:
                cache.move_to_end(code)
                return cached
        state = self._store.get_dossier(code)
        if state is not None and cache is not None:
            self._remember(state)
        return state

    def put(self, state: DossierState) -> None:
        self._pending[state.code] = state

    def take_changes(self) -> list[DossierState]:
        """The states of the message just checked; from now on later messages see them."""
        changes = list(self._pending.values())
        self._pending.clear()
        if self._cache is not None:
            for state in changes:
                self._remember(state)
        return changes

    def discard_changes(self) -> None:
        """Forget what the message just checked put (it was refused)."""
        self._pending.clear()

    def forget(self, states: list[DossierState]) -> None:
        """A commit failed: these states never reached the store."""
        if self._cache is not None:
            for state in states:
                self._cache.pop(state.code, None)

    def _remember(self, state: DossierState) -> None:
        assert self._cache is not None
        self._cache[state.code] = state
        self._cache.move_to_end(state.code)
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
