"""What a province unit sends, driven without Locust against an in-process portal: the OpenCPS
publish sequence, exact findings for planted faults, sessions reused and renewed."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from contracts.payments import create_checksum
from mock_portal._portal import Portal
from simulator.run import (
    CATALOGUE_SERVICES,
    Answer,
    Desk,
    LoadOptions,
    ProvinceDesk,
    UnitSession,
    publish_step,
)
from simulator.run.payments import callback_app, confirm_answer, payment_client
from simulator.run.sso import sso_login
from simulator.synthetic import (
    DossierFactory,
    DossierPlan,
    Fault,
    FaultRates,
    GroundTruth,
    LoginRefused,
    ProfileSet,
    ProvinceProfile,
    build_pools,
    load_profile_set,
)
from tests.mock_portal.conftest import TestClient
from tests.simulator.run._portal import PASSWORD, SSO_SECRET, AsgiPoster, portal_for
from tests.simulator.synthetic._judge import portal_findings

FAULTS = FaultRates(
    dossier_code_date=0.2,
    dossier_code_foreign=0.1,
    procedure_unknown=0.2,
    illegal_transition=0.3,
    late_sync=0.3,
    nfd_text=0.2,
    bad_phone=0.2,
    wrong_type=0.2,
)


def _profiles(rates: FaultRates) -> ProfileSet:
    clean = load_profile_set("clean")
    thanh_hoa = clean.get("38")
    assert thanh_hoa is not None
    return dataclasses.replace(
        clean, profiles=(dataclasses.replace(thanh_hoa, share=1.0, faults=rates),)
    )


def _factory(profile: ProvinceProfile, seed: int) -> DossierFactory:
    return DossierFactory(profile, seed, pools=build_pools(profile.code, seed, people=30))


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    database = f"sqlite:///{tmp_path_factory.mktemp('portal')}/portal.db"
    portal = portal_for(database, _profiles(FaultRates()))
    yield portal
    portal.close()


@pytest.fixture
def portal(started: Portal) -> Portal:
    started.reset(keep_units=True)
    return started


@pytest.fixture
def client(portal: Portal) -> Iterator[TestClient]:
    client = TestClient(portal)
    yield client
    client.close()


def _play(
    client: TestClient, rates: FaultRates, dossiers: int
) -> tuple[ProvinceDesk, AsgiPoster, list[DossierPlan]]:
    """Play `dossiers` dossiers of Thanh Hóa to the end, as the Locust users would."""
    desk = Desk(LoadOptions(_profiles(rates), rate=0.0, time_factor=1e12), factory=_factory)
    province = desk.provinces["38"]
    poster = AsgiPoster(client)
    unit = UnitSession(poster, province.profile.unit, PASSWORD)
    plans = []
    for _ in range(dossiers):
        dossier = province.submit(0.0)
        assert dossier is not None
        plans.append(dossier.plan)
        publish_step(unit, dossier, desk.names)
        province.published(dossier, 0.0)
    moment = 1.0
    while (due := province.take_due(moment)) is not None:
        publish_step(unit, due, desk.names)
        province.published(due, moment)
        moment += 1.0
    assert province.in_flight == 0
    return province, poster, plans


def test_a_clean_province_publishes_each_step_as_opencps_does(
    portal: Portal, client: TestClient
) -> None:
    """Each step is TraCuuHoSo, LayThuTuc, DongBoHoSoMC, CapNhatTienDoHoSoMC; one login; every
    dossier reaches its final status; the portal finds nothing."""
    province, poster, _ = _play(client, FaultRates(), 8)
    names = Counter(poster.names)
    assert names["login"] == 1
    steps = names["DongBoHoSoMC"]
    assert names["TraCuuHoSo"] == names["LayThuTuc"] == names["CapNhatTienDoHoSoMC"] == steps
    assert steps >= 8 * 3
    assert portal.store.findings(limit=10) == []
    assert province.completed == 8
    assert sum(portal.store.dossier_status_counts().values()) == 8


def test_a_faulty_province_leaves_exactly_its_planted_faults(
    portal: Portal, client: TestClient
) -> None:
    """The portal's (dossier, rule) findings are exactly the ground truth of the dossiers
    played, and the desk's own account of what it planted agrees."""
    province, _, plans = _play(client, FAULTS, 40)
    truth = GroundTruth.of(plans)
    assert len(truth.planted()) >= 6
    assert portal_findings(portal.store) == truth.expected(portal=True)
    assert set(province.truth()["rules"]) == {rule for _, rule in truth.expected(portal=True)}


def test_catalogue_reads_go_to_the_share_endpoint(portal: Portal, client: TestClient) -> None:
    """Each catalogue service answers error_code 0 and leaves no finding."""
    poster = AsgiPoster(client)
    unit = UnitSession(poster, "000.00.00.H56", PASSWORD)
    answers = [unit.catalogue(service, "000.00.00.H56") for service in CATALOGUE_SERVICES]
    assert [answer.error_code for answer in answers] == [0] * len(CATALOGUE_SERVICES)
    assert portal.store.findings(limit=10) == []


def test_sso_logins_leave_exactly_their_planted_faults(portal: Portal, client: TestClient) -> None:
    """A clean login (authorize → token → userinfo) leaves nothing; one without nonce SSO-002,
    one without PKCE SSO-003, one without state SSO-001."""
    desk = Desk(LoadOptions(_profiles(FaultRates()), rate=0.0, sso_secret=SSO_SECRET))
    province = desk.provinces["38"]
    assert province.sso is not None
    poster = AsgiPoster(client)
    account = desk.accounts[0]
    assert sso_login(poster, province.sso, account, frozenset())
    assert poster.names == ["sso-authorize", "sso-token", "sso-userinfo"]
    assert portal.store.findings(limit=5) == []
    for fault in (Fault.SSO_NO_NONCE, Fault.SSO_NO_PKCE, Fault.SSO_NO_STATE):
        assert sso_login(poster, province.sso, account, frozenset({fault}))
    found = {row.rule for row in portal.store.findings(limit=50)}
    assert found == {"SSO-001", "SSO-002", "SSO-003"}


class _Scripted:
    """A poster answering from a script: login answers and RPC answers in turn."""

    def __init__(self, answers: list[Answer]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def post(self, path: str, body: dict[str, Any], name: str, *, read: bool = True) -> Answer:
        self.sent.append((name, dict(body)))
        return self.answers.pop(0)


def test_a_session_is_reused_for_ten_minutes_then_renewed() -> None:
    """One login serves calls for ten minutes; the next call after that logs in again."""
    now = [0.0]
    poster = _Scripted(
        [
            Answer(200, {"error_code": 0, "session": "s1"}),
            Answer(200, {"error_code": 0, "session": "s2"}),
        ]
    )
    unit = UnitSession(poster, "000.00.00.H56", "pw", monotonic=lambda: now[0])
    assert unit.token() == "s1"
    now[0] = 599.0
    assert unit.token() == "s1"
    now[0] = 600.0
    assert unit.token() == "s2"
    assert unit.logins == 2


def test_an_expired_session_is_renewed_and_the_call_repeated() -> None:
    """HTTP 401 with error_code 4: log in again, send the same body with the new session."""
    poster = _Scripted(
        [
            Answer(200, {"error_code": 0, "session": "old"}),
            Answer(401, None),
            Answer(200, {"error_code": 0, "session": "new"}),
            Answer(200, {"error_code": 0, "result": []}),
        ]
    )
    unit = UnitSession(poster, "000.00.00.H56", "pw")
    body = {"madonvi": "000.00.00.H56", "session": unit.token(), "service": "TraCuuHoSo"}
    assert unit.call("/api/dvcqg/integration", body).error_code == 0
    assert [name for name, _ in poster.sent] == ["login", "TraCuuHoSo", "login", "TraCuuHoSo"]
    assert poster.sent[-1][1]["session"] == "new"


def test_a_refused_login_is_an_error_not_a_finding(tmp_path: Path) -> None:
    """A wrong password raises LoginRefused naming the unit."""
    poster = _Scripted([Answer(401, None)])
    with pytest.raises(LoginRefused, match=r"000\.00\.00\.H56"):
        UnitSession(poster, "000.00.00.H56", "wrong").token()


def test_a_province_acknowledges_only_confirmations_signed_with_its_key() -> None:
    """paymentconfirm: return_code 0 for the client's checksum, the same for a duplicate, -1
    for a forged one or an unknown client; not JSON is 400; other paths 404."""
    profile = _profiles(FaultRates()).profiles[0]
    client = payment_client(profile, "bí-mật")
    body = {
        "client_id": client.client_id,
        "transaction_id": "380000000001",
        "trans_amount": "20000",
        "command": "PAY",
        "version": "3.0",
        "addition_fee": "0",
        "status": "0",
    }
    signed = {**body, "check_sum": create_checksum(client.hash_key_2.encode(), body)}
    clients = {client.client_id: client}
    good = orjson.dumps(signed)
    assert confirm_answer(good, clients) == confirm_answer(good, clients)
    assert orjson.loads(confirm_answer(good, clients)[1])["return_code"] == 0
    forged = orjson.dumps({**signed, "trans_amount": "1"})
    assert orjson.loads(confirm_answer(forged, clients)[1])["return_code"] == -1
    assert orjson.loads(confirm_answer(good, {})[1])["return_code"] == -1
    assert confirm_answer(b"{", clients)[0] == 400
    seen: list[str] = []
    app = callback_app(clients)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/h56/dptracuuthanhtoanhs"}
    assert list(app(environ, lambda status, headers: seen.append(status)))
    assert seen == ["404 Not Found"]
