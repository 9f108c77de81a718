"""Units, sessions, login throttling, fault profiles and settings."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest

from mock_portal.store import ConstraintError, Store, Unit

from ._factories import T0, UNIT

HANOI = Unit("000.00.00.H26", "UBND thành phố Hà Nội", "01", "pbkdf2$…", created_at=T0)
THANH_HOA = Unit(UNIT, "UBND tỉnh Thanh Hóa", "38", "pbkdf2$…", callback_url="http://h56.test/")


def test_units_upsert_get_list(store: Store) -> None:
    """Units are provisioned, updated in place and listed by code."""
    store.upsert_unit(THANH_HOA)
    store.upsert_unit(HANOI)
    created = store.get_unit(UNIT)
    assert created is not None
    assert created.created_at is not None
    store.upsert_unit(replace(THANH_HOA, name="Thanh Hóa", created_at=T0 + timedelta(days=9)))
    updated = store.get_unit(UNIT)
    assert updated == replace(THANH_HOA, name="Thanh Hóa", created_at=created.created_at)
    assert [unit.code for unit in store.list_units()] == ["000.00.00.H26", UNIT]
    assert store.get_unit("000.00.00.H99") is None


def test_session_lookup_and_expiry(store: Store) -> None:
    """A session answers its unit until it expires, then nothing."""
    store.upsert_unit(THANH_HOA)
    store.create_session("tok-1", UNIT, T0 + timedelta(minutes=30), now=T0)
    assert store.session_unit("tok-1", T0) == UNIT
    assert store.session_unit("tok-1", T0 + timedelta(minutes=29, seconds=59)) == UNIT
    assert store.session_unit("tok-1", T0 + timedelta(minutes=30)) is None
    assert store.session_unit("tok-2", T0) is None


def test_token_is_stored_only_as_hash(store: Store) -> None:
    """The database holds the token's SHA-256, never the token."""
    store.upsert_unit(THANH_HOA)
    store.create_session("secret-token", UNIT, T0 + timedelta(hours=1))
    [(stored,)] = store._db.query("SELECT token_hash FROM sessions")
    assert stored == hashlib.sha256(b"secret-token").hexdigest()


def test_purge_and_end_sessions(store: Store) -> None:
    """Expired sessions are purged; a live one can be ended (logout)."""
    store.upsert_unit(THANH_HOA)
    store.create_session("old", UNIT, T0, now=T0 - timedelta(hours=1))
    store.create_session("new", UNIT, T0 + timedelta(hours=1), now=T0)
    assert store.purge_expired_sessions(T0) == 1
    assert store.end_session("new") is True
    assert store.end_session("new") is False
    assert store._db.scalar("SELECT count(*) FROM sessions") == 0


def test_session_for_unknown_unit_is_refused(store: Store) -> None:
    """A session must belong to a provisioned unit."""
    with pytest.raises(ConstraintError):
        store.create_session("tok", "000.00.00.H99", T0 + timedelta(hours=1))


def test_login_failures_are_counted_per_window(store: Store) -> None:
    """Failures are counted per username since a time, and cleared on success."""
    for minutes in (0, 5, 10):
        store.record_login_failure("h56", T0 + timedelta(minutes=minutes))
    store.record_login_failure("h26", T0)
    assert store.login_failures_since("h56", T0) == 3
    assert store.login_failures_since("h56", T0 + timedelta(minutes=5)) == 2
    assert store.purge_login_failures(T0 + timedelta(minutes=1)) == 2
    assert store.clear_login_failures("h56") == 2
    assert store.login_failures_since("h56", T0) == 0
    assert store.login_failures_since("h26", T0) == 0


def test_fault_profiles(store: Store) -> None:
    """Fault profiles are set per scope, replaced, listed and cleared."""
    store.set_fault_profile("*", {"latency_ms": 200})
    store.set_fault_profile(UNIT, {"error_rate": 0.1, "nhãn": "lỗi"})
    store.set_fault_profile("*", {"latency_ms": 500})
    assert store.fault_profiles() == {
        "*": {"latency_ms": 500},
        UNIT: {"error_rate": 0.1, "nhãn": "lỗi"},
    }
    assert store.clear_fault_profile(UNIT) is True
    assert store.clear_fault_profile(UNIT) is False
    assert list(store.fault_profiles()) == ["*"]


def test_settings(store: Store) -> None:
    """Settings are read back, overwritten, and absent ones are None."""
    assert store.get_setting("operator_token_hash") is None
    store.set_setting("operator_token_hash", "abc")
    store.set_setting("operator_token_hash", "def")
    assert store.get_setting("operator_token_hash") == "def"
