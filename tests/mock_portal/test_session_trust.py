"""A session read from the store (made by another worker, or before a restart) stays valid after
the ten seconds the cache trusts that read: the store is asked again, it is not refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from mock_portal._accounts import Accounts, hash_password
from mock_portal.store import Store, Unit
from tests.mock_portal.conftest import TEST_NOW

UNIT = "000.00.00.H56"


def _accounts(store: Store) -> Accounts:
    return Accounts(
        store,
        session_lifetime=timedelta(hours=1),
        max_failures=5,
        failure_window=timedelta(minutes=15),
    )


def test_a_session_made_elsewhere_outlives_the_cache_trust(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path}/portal.db") as store:
        store.migrate()
        store.upsert_unit(Unit(UNIT, "UBND tỉnh Thanh Hóa", "38", hash_password("pw")))
        token = _accounts(store).login(UNIT, "pw", TEST_NOW)  # another worker, or before a crash
        here = _accounts(store)
        assert here.session_unit(token, TEST_NOW) == UNIT
        assert here.session_unit(token, TEST_NOW + timedelta(seconds=11)) == UNIT
        assert here.session_unit(token, TEST_NOW + timedelta(minutes=30)) == UNIT
        assert here.session_unit(token, TEST_NOW + timedelta(hours=1, seconds=1)) is None
        store.end_session(token)  # logged out in the other worker: known here within 10 s
        assert here.session_unit(token, TEST_NOW + timedelta(minutes=40)) is None
