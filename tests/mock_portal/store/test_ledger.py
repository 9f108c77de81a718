"""StoreLedger: the rules' view of dossier state in the live portal."""

from __future__ import annotations

from dataclasses import replace

from contracts import DossierLedger
from mock_portal.store import Store, StoreLedger

from ._factories import dossier, record


def test_ledger_reads_through_and_buffers_writes(store: Store) -> None:
    """get sees stored and pending states; put writes nothing until the batch carries it."""
    store.write_batch([record(states=[dossier(1)])])
    ledger: DossierLedger = StoreLedger(store)
    assert ledger.get(dossier(1).code) == dossier(1)
    moved = replace(dossier(1), status="4")
    ledger.put(moved)
    ledger.put(dossier(2))
    assert ledger.get(dossier(1).code) == moved
    assert store.get_dossier(dossier(1).code) == dossier(1)
    assert isinstance(ledger, StoreLedger)
    changes = ledger.take_changes()
    assert changes == [moved, dossier(2)]
    assert ledger.take_changes() == []
    store.write_batch([record(states=changes)])
    assert store.get_dossier(dossier(1).code) == moved
