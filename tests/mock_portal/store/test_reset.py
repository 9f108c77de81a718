"""reset: run data goes in one transaction; configuration stays."""

from __future__ import annotations

from mock_portal.store import Store, Unit

from ._factories import T0, UNIT, dossier, finding, record

THANH_HOA = Unit(UNIT, "UBND tỉnh Thanh Hóa", "38", "hash")


def fill(store: Store) -> list[int]:
    store.upsert_unit(THANH_HOA)
    store.create_session("tok", UNIT, T0.replace(year=2100))
    store.record_login_failure("h56", T0)
    store.set_fault_profile("*", {"latency_ms": 10})
    store.set_setting("k", "v")
    return store.write_batch([record(findings=[finding()], states=[dossier(1)])])


def test_reset_deletes_run_data_keeps_configuration(store: Store) -> None:
    """Journal, findings, dossiers, sessions and failures go; units, faults, settings stay."""
    fill(store)
    store.reset()
    assert store.journal_count() == 0
    assert store.findings() == []
    assert store.get_dossier(dossier(1).code) is None
    assert store.session_unit("tok", T0) is None
    assert store.login_failures_since("h56", T0) == 0
    assert store.get_unit(UNIT) is not None
    assert store.fault_profiles() == {"*": {"latency_ms": 10}}
    assert store.get_setting("k") == "v"
    assert store.integrity_check() == []


def test_reset_can_delete_units(store: Store) -> None:
    """keep_units=False removes the units as well."""
    fill(store)
    store.reset(keep_units=False)
    assert store.list_units() == []


def test_journal_ids_are_not_reused_after_reset(store: Store) -> None:
    """A new run's journal ids continue after the old run's, so exports never collide."""
    [old] = fill(store)
    store.reset()
    [new] = store.write_batch([record()])
    assert new > old
