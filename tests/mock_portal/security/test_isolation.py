"""A unit reaches only its own dossiers: not another province's, not a sibling's, not its parent's.

Every integration service that names a dossier (sync, progress, status, lookup) is tried by
Hà Nội's session against Thanh Hóa's dossier and by a district of Thanh Hóa against a dossier of
the province unit; each is refused 403 (AU-001) and leaves the dossier, its events and its
payments as they were; the lookup tells nothing about it. On both backends.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mock_portal._portal import Portal
from mock_portal.wire import ErrorCode
from tests.mock_portal._client import INTEGRATION, body, login
from tests.mock_portal.conftest import PortalFactory, TestClient
from tests.mock_portal.security._tally import tried

THANH_HOA = "000.00.00.H56"
THANH_HOA_DISTRICT = "000.00.22.H56"
HA_NOI = "000.00.00.H26"
PROVINCE_DOSSIER = "000.00.00.H56-260302-0001"  # the province unit's own
DISTRICT_DOSSIER = "000.00.22.H56-260302-0002"


def status_update(session: str, code: str) -> dict[str, Any]:
    return {
        "session": session,
        "madonvi": None,
        "service": "DongBoTrangThaiHoSo",
        "data": [{"MaHoSoDonVi": code, "TrangThaiHoSo": "4", "NgayXuLy": "20260302090000"}],
    }


def messages(session: str, code: str) -> dict[str, dict[str, Any]]:
    """Each service that names a dossier, aimed at `code`, without `madonvi` (so only the
    dossier check can refuse it)."""
    sync = body("dongbo", session, data_MaHoSo=code)
    progress = body("capnhat", session, data_MaHoSo=code)
    lookup = body("tracuu", session, mahoso=code)
    out = {"DongBoHoSoMC": sync, "CapNhatTienDoHoSoMC": progress, "TraCuuHoSo": lookup}
    out["DongBoTrangThaiHoSo"] = status_update(session, code)
    for message in out.values():
        message.pop("madonvi", None)
    return out


def snapshot(portal: Portal) -> tuple[Any, ...]:
    store = portal.store
    return (
        sorted(repr(row) for row in store.iter_dossiers()),
        sorted(repr(row) for row in store.iter_dossier_events()),
        repr(store.payments.summaries()),
    )


@pytest.fixture
def owned(make_portal: PortalFactory) -> tuple[Portal, TestClient]:
    """A portal where Thanh Hóa's province unit and one district each own a dossier."""
    portal, client = make_portal()
    for unit, code in ((THANH_HOA, PROVINCE_DOSSIER), (THANH_HOA_DISTRICT, DISTRICT_DOSSIER)):
        message = body("dongbo", login(client, unit), madonvi=unit, data_MaHoSo=code)
        answer = client.post(INTEGRATION, json=message)
        assert answer.json()["error_code"] == 0, answer.text
    return portal, client


ATTACKS = [
    (HA_NOI, PROVINCE_DOSSIER),  # another province
    (HA_NOI, DISTRICT_DOSSIER),
    (THANH_HOA_DISTRICT, PROVINCE_DOSSIER),  # a district against its province unit
]


@pytest.mark.parametrize(("attacker", "dossier"), ATTACKS)
@pytest.mark.parametrize(
    "service", ["DongBoHoSoMC", "CapNhatTienDoHoSoMC", "DongBoTrangThaiHoSo", "TraCuuHoSo"]
)
def test_a_unit_cannot_touch_a_dossier_outside_its_tree(
    owned: tuple[Portal, TestClient], attacker: str, dossier: str, service: str
) -> None:
    portal, client = owned
    before = snapshot(portal)
    message = messages(login(client, attacker), dossier)[service]
    answer = client.post(INTEGRATION, json=message)
    tried("dossier of another unit")
    assert answer.status_code == 403, answer.text
    refusal = answer.json()
    assert refusal["error_code"] == ErrorCode.FORBIDDEN
    assert "result" not in refusal or refusal["result"] == []
    assert "AU-001" in {finding["rule"] for finding in refusal.get("findings", [])}
    # Nothing of the dossier leaks in the refusal: no status, no procedure, no owner.
    assert '"TrangThaiHoSo"' not in answer.text
    assert snapshot(portal) == before


@pytest.mark.parametrize(("attacker", "dossier"), ATTACKS)
def test_a_batch_with_one_foreign_dossier_is_refused_whole(
    owned: tuple[Portal, TestClient], attacker: str, dossier: str
) -> None:
    """Smuggling a foreign code among the unit's own changes nothing at all."""
    portal, client = owned
    before = snapshot(portal)
    session = login(client, attacker)
    message = body("dongbo", session, madonvi=attacker)
    own = copy.deepcopy(message["data"][0])
    own["MaHoSo"] = f"{attacker}-260302-0099"
    foreign = copy.deepcopy(own)
    foreign["MaHoSo"] = dossier
    message["data"] = [own, foreign]
    answer = client.post(INTEGRATION, json=message)
    tried("dossier of another unit")
    assert answer.status_code == 403, answer.text
    assert snapshot(portal) == before


def test_madonvi_of_another_unit_is_refused(owned: tuple[Portal, TestClient]) -> None:
    portal, client = owned
    before = snapshot(portal)
    for attacker, claimed in ((HA_NOI, THANH_HOA), (THANH_HOA_DISTRICT, THANH_HOA)):
        message = body("dongbo", login(client, attacker), madonvi=claimed)
        message["data"][0]["MaHoSo"] = f"{claimed}-260302-0077"
        answer = client.post(INTEGRATION, json=message)
        tried("madonvi of another unit")
        assert answer.status_code == 403, answer.text
        assert answer.json()["error_code"] == ErrorCode.FORBIDDEN
    assert snapshot(portal) == before


def test_the_owner_still_reaches_its_dossier(owned: tuple[Portal, TestClient]) -> None:
    """The refusals above are isolation, not a broken portal: the owner's lookup works."""
    _portal, client = owned
    lookup = body("tracuu", login(client, THANH_HOA), mahoso=PROVINCE_DOSSIER)
    answer = client.post(INTEGRATION, json=lookup).json()
    assert answer["error_code"] == 0
    assert answer["result"][0]["MaHoSo"] == PROVINCE_DOSSIER
