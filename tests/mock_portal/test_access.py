"""Logins, sessions and unit isolation: a unit reaches only its own tree, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from mock_portal._portal import Portal
from tests.mock_portal._client import INTEGRATION, LOGIN, body, login
from tests.mock_portal.conftest import Clock, PortalFactory, TestClient


def test_several_sessions_stay_live(portal_client: tuple[Portal, TestClient]) -> None:
    """A new login does not end older sessions (clients re-login every ten minutes)."""
    _portal, client = portal_client
    first, second = login(client), login(client)
    assert first != second
    for session in (first, second):
        answer = client.post(INTEGRATION, json=body("tracuu", session)).json()
        assert answer["error_code"] == 0


def test_wrong_password_is_a_numeric_refusal(portal_client: tuple[Portal, TestClient]) -> None:
    """A wrong password answers 401 with a numeric error code and no session."""
    _portal, client = portal_client
    response = client.post(LOGIN, json={"username": "000.00.00.H56", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["error_code"] == 6
    assert "session" not in response.json()


def test_logins_are_throttled_after_repeated_failures(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """After five failures even the right password is refused 429 with Retry-After."""
    _portal, client = portal_client
    for _ in range(5):
        client.post(LOGIN, json={"username": "000.00.00.H56", "password": "guess"})
    response = client.post(LOGIN, json={"username": "000.00.00.H56", "password": "secret"})
    assert response.status_code == 429
    assert response.json()["error_code"] == 7
    assert int(response.headers["retry-after"]) > 0


def test_passwords_and_tokens_never_reach_the_journal(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """The journal keeps login bodies and answers with the secrets masked."""
    portal, client = portal_client
    session = login(client)
    client.post(LOGIN, json={"username": "000.00.00.H56", "password": "wrong-guess"})
    for entry in portal.store.iter_journal():
        assert b"secret" not in entry.body
        assert b"wrong-guess" not in entry.body
        assert session not in entry.response


def test_expired_session_is_refused(portal_client: tuple[Portal, TestClient], clock: Clock) -> None:
    """A session past its lifetime answers 401 and changes nothing."""
    portal, client = portal_client
    session = login(client)
    clock.now += timedelta(hours=2)
    response = client.post(INTEGRATION, json=body("dongbo", session))
    assert response.status_code == 401
    assert response.json()["error_code"] == 4
    assert portal.store.get_dossier("000.00.14.H56-260302-0001") is None
    assert [row.rule for row in portal.store.findings()] == ["AU-002"]


def test_forged_session_is_refused(portal_client: tuple[Portal, TestClient]) -> None:
    """A token the portal never issued answers 401."""
    _portal, client = portal_client
    response = client.post(INTEGRATION, json=body("dongbo", "forged-token-0123456789"))
    assert response.status_code == 401


def test_another_province_cannot_write_a_dossier(portal_client: tuple[Portal, TestClient]) -> None:
    """Hà Nội's session syncing a Thanh Hóa dossier is refused 403 and recorded (AU-001)."""
    portal, client = portal_client
    hanoi = login(client, "000.00.00.H26")
    response = client.post(INTEGRATION, json=body("dongbo", hanoi, madonvi="000.00.00.H26"))
    assert response.status_code == 403
    assert response.json()["error_code"] == 5
    assert portal.store.get_dossier("000.00.14.H56-260302-0001") is None
    assert "AU-001" in {row.rule for row in portal.store.findings(unit="000.00.00.H26")}


def test_another_province_cannot_read_a_dossier(portal_client: tuple[Portal, TestClient]) -> None:
    """Hà Nội's TraCuuHoSo of a Thanh Hóa dossier is refused; the status does not leak."""
    _portal, client = portal_client
    thanh_hoa, hanoi = login(client), login(client, "000.00.00.H26")
    client.post(INTEGRATION, json=body("dongbo", thanh_hoa))
    response = client.post(INTEGRATION, json=body("tracuu", hanoi, madonvi="000.00.00.H26"))
    assert response.status_code == 403
    assert "result" not in response.json()


def test_district_unit_reaches_only_its_own_subtree(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """000.00.22.H56 may sync 000.17.22.H56 dossiers but not the province's 000.00.14.H56 ones."""
    _portal, client = portal_client
    district = login(client, "000.00.22.H56")
    own = body("dongbo", district, madonvi="000.00.22.H56", data_MaHoSo="000.17.22.H56-260302-0001")
    sibling = body("dongbo", district, madonvi="000.00.22.H56")
    assert client.post(INTEGRATION, json=own).json()["error_code"] == 0
    assert client.post(INTEGRATION, json=sibling).status_code == 403


def test_province_reaches_its_districts_dossiers(portal_client: tuple[Portal, TestClient]) -> None:
    """The province unit may update a dossier its district unit synced."""
    _portal, client = portal_client
    district, province = login(client, "000.00.22.H56"), login(client)
    code = "000.17.22.H56-260302-0001"
    client.post(
        INTEGRATION, json=body("dongbo", district, madonvi="000.00.22.H56", data_MaHoSo=code)
    )
    update = body("capnhat", province, data_MaHoSo=code)
    assert client.post(INTEGRATION, json=update).json()["error_code"] == 0


def test_madonvi_outside_the_session_is_refused(portal_client: tuple[Portal, TestClient]) -> None:
    """An envelope claiming another unit (madonvi) is refused 403 and recorded (AU-003)."""
    portal, client = portal_client
    session = login(client, "000.00.22.H56")
    response = client.post(INTEGRATION, json=body("tracuu", session))
    assert response.status_code == 403
    assert [row.rule for row in portal.store.findings()] == ["AU-003"]


def test_strict_refusal_of_a_foreign_dossier_also_in_lenient_mode(
    make_portal: PortalFactory,
) -> None:
    """Isolation does not depend on the mode: strict refuses a foreign dossier just the same."""
    portal, client = make_portal(mode="strict")
    hanoi = login(client, "000.00.00.H26")
    response = client.post(INTEGRATION, json=body("capnhat", hanoi, madonvi="000.00.00.H26"))
    assert response.status_code == 403
    assert portal.store.dossier_status_counts() == {}
