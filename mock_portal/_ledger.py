"""The portal's dossier ledger: the store, plus what in-flight messages have already changed.

Messages are committed in groups, so the store alone can lag a message behind: a progress update
that follows its DongBoHoSoMC within milliseconds must see the dossier. A bounded cache holds the
states of accepted messages from the moment they are handed to the writer; a failed commit
forgets them again. With several worker processes the cache is off (another process may change
a dossier), and every read goes to the store.

With the cache on, this process alone changes dossiers, which also lets the ledger know when a
code is NOT in the store without asking it: a new dossier is looked up several times while its
first message is checked (lifecycle rules, the access check, the status events), and each
look-up would otherwise be a read of the store on the request path.

- When the store had no dossiers as the ledger was made, every code that reaches the store
  passes through the cache first; a Bloom filter of those codes (`_CodeFilter`) then tells, in
  memory and for any number of dossiers, that a code is certainly not stored. A false positive
  only costs the read of the store that would have happened anyway.
- Either way, a code the store said it lacks is remembered as absent until a state of it is
  remembered (bounded, the oldest forgotten first).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

from contracts import DossierState
from mock_portal.store import Store

_CACHE_SIZE = 100_000
#: codes remembered as unknown to the store
_ABSENT_SIZE = 100_000


_BITS: Final = 1 << 25
_MASK: Final = _BITS - 1
_PROBES: Final = 5


class _CodeFilter:
    """A Bloom filter of dossier codes: `code in filter` is False only for codes never added.

    4 MiB of bits and 5 probes: 0.005 % false positives at a million codes, 2 % at four million;
    it never fills up, it only answers "maybe" more often. Probes come from the string's own
    (cached) 64-bit hash, split in two halves (double hashing).
    """

    def __init__(self) -> None:
        self._bits = bytearray(_BITS >> 3)

    def add(self, code: str) -> None:
        bits, mask, digest = self._bits, _MASK, hash(code)
        first, step = digest & 0xFFFF_FFFF, ((digest >> 32) & 0xFFFF_FFFF) | 1
        for probe in range(_PROBES):
            bit = (first + probe * step) & mask
            bits[bit >> 3] |= 1 << (bit & 7)

    def __contains__(self, code: str) -> bool:
        bits, mask, digest = self._bits, _MASK, hash(code)
        first, step = digest & 0xFFFF_FFFF, ((digest >> 32) & 0xFFFF_FFFF) | 1
        for probe in range(_PROBES):
            bit = (first + probe * step) & mask
            if not bits[bit >> 3] & (1 << (bit & 7)):
                return False
        return True


class PortalLedger:
    def __init__(self, store: Store, *, cache: bool = True) -> None:
        self._store = store
        self._cache: OrderedDict[str, DossierState] | None = OrderedDict() if cache else None
        #: cache mode, store empty at the start: a superset of the codes in the store
        self._stored: _CodeFilter | None = (
            _CodeFilter() if cache and not store.dossier_status_counts() else None
        )
        #: cache mode: codes known to be absent from the store (insertion ordered, oldest first)
        self._absent: dict[str, None] = {}
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
            if code in self._absent:
                return None
            if self._stored is not None and code not in self._stored:
                self._remember_absent(code)
                return None
        state = self._store.get_dossier(code)
        if cache is not None:
            if state is not None:
                self._remember(state)
            else:
                self._remember_absent(code)
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
        """A commit failed: these states never reached the store (an older state may have)."""
        if self._cache is not None:
            for state in states:
                self._cache.pop(state.code, None)

    def _remember(self, state: DossierState) -> None:
        assert self._cache is not None
        self._absent.pop(state.code, None)
        if self._stored is not None:
            self._stored.add(state.code)
        self._cache[state.code] = state
        self._cache.move_to_end(state.code)
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)

    def _remember_absent(self, code: str) -> None:
        absent = self._absent
        absent[code] = None
        if len(absent) > _ABSENT_SIZE:
            del absent[next(iter(absent))]
