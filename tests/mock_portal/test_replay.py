"""`mock_portal.replay`: the journal's replay agrees with the stored dossiers, and says where a
tampered store does not."""

from __future__ import annotations

from mock_portal._portal import Portal
from mock_portal.replay import replay_journal, verify_store
from mock_portal.store import Store
from tests.mock_portal._client import INTEGRATION, body, login
from tests.mock_portal.conftest import TestClient

CODE = "000.00.14.H56-260302-0001"


def _lifecycle(client: TestClient) -> None:
    """A dossier received (2), in progress (4), done (9), a refused message, another dossier."""
    session = login(client)
    assert client.post(INTEGRATION, json=body("dongbo", session)).status_code == 200
    for status, at in (("4", "20260302090000"), ("9", "20260302100000")):
        answer = client.post(
            INTEGRATION,
            json=body("capnhat", session, data_TrangThai=status, data_ThoiDiemXuLy=at),
        )
        assert answer.status_code == 200
    # another unit's dossier: refused (403), so the replay must skip it
    foreign = body("dongbo", session, data_MaHoSo="000.00.00.H26-260302-0001")
    assert client.post(INTEGRATION, json=foreign).status_code == 403
    second = body("dongbo", session, data_MaHoSo="000.00.14.H56-260302-0002", isUpdating="False")
    assert client.post(INTEGRATION, json=second).status_code == 200


def _store(portal: Portal) -> Store:
    return Store.open(portal.database_url)


def test_replay_matches_what_the_portal_stored(portal_client: tuple[Portal, TestClient]) -> None:
    portal, client = portal_client
    _lifecycle(client)
    with _store(portal) as store:
        replay = replay_journal(store.iter_journal())
        assert sorted(replay.dossiers) == [CODE, "000.00.14.H56-260302-0002"]
        assert replay.dossiers[CODE].state == store.get_dossier(CODE)
        assert [event.status for event in replay.events if event.dossier == CODE] == ["2", "4", "9"]
        assert replay.replayed == 4
        assert verify_store(store) == []


def test_a_changed_dossier_row_is_reported(portal_client: tuple[Portal, TestClient]) -> None:
    portal, client = portal_client
    _lifecycle(client)
    with _store(portal) as store:
        store._db.execute("UPDATE dossiers SET status = '10' WHERE code = ?", (CODE,))
        assert verify_store(store) == [f"dossier {CODE}: status is '10', the journal says '9'"]


def test_a_lost_status_event_is_reported(portal_client: tuple[Portal, TestClient]) -> None:
    portal, client = portal_client
    _lifecycle(client)
    with _store(portal) as store:
        store._db.execute("DELETE FROM dossier_events WHERE dossier = ? AND status = '4'", (CODE,))
        problems = verify_store(store)
    assert len(problems) == 1
    assert problems[0].startswith(f"status event missing: dossier {CODE} reached 4 at 2026-03-02")


def test_a_dossier_without_its_journal_entry_is_reported(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """A dossier change committed without its message (an acknowledged-before-durable bug)."""
    portal, client = portal_client
    _lifecycle(client)
    with _store(portal) as store:
        last = max(entry.id for entry in store.iter_journal() if entry.kind == "DongBoHoSoMC")
        store._db.execute("UPDATE journal SET accepted = 0 WHERE id = ?", (last,))
        problems = verify_store(store)
    assert "dossier 000.00.14.H56-260302-0002: stored, but no accepted message made it" in problems
