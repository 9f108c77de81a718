"""The virtual province against an in-process mock portal: clean runs leave no findings, faulty
runs exactly the planted ones, and waits are compressed while the wire keeps the portal's time."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from mock_portal._portal import Portal
from mock_portal.app import create_app
from mock_portal.config import PortalConfig, UnitConfig
from simulator.domain import VN_TZ
from simulator.synthetic import (
    DossierFactory,
    Fault,
    FaultRates,
    LoginRefused,
    ProvinceProfile,
    ProvinceRun,
    VirtualProvince,
    build_pools,
    dossier_code_of,
    load_profile_set,
)
from simulator.synthetic.province import vietnam_now
from tests.simulator.synthetic._judge import portal_findings

PASSWORD = "mật-khẩu"


def _clean(code: str) -> ProvinceProfile:
    found = load_profile_set("clean").get(code)
    assert found is not None
    return found


THANH_HOA = _clean("38")
FAULTY = dataclasses.replace(
    THANH_HOA,
    faults=FaultRates(
        dossier_code_date=0.15,
        dossier_code_malformed=0.15,
        dossier_code_foreign=0.1,
        procedure_unknown=0.2,
        procedure_malformed=0.2,
        illegal_transition=0.3,
        late_sync=0.3,
        missing_progress=0.3,
        nfd_text=0.3,
        bad_phone=0.3,
        wrong_type=0.3,
    ),
)


class Clock:
    """The portal's clock: real time, unless a test lends it a virtual one."""

    def __init__(self) -> None:
        self.source: Callable[[], datetime] = vietnam_now

    def __call__(self) -> datetime:
        return self.source()


@pytest.fixture(scope="module")
def shared_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Portal, Clock]]:
    """One started lenient portal on SQLite for the module (starting and closing cost time),
    with Thanh Hóa's unit provisioned."""
    clock = Clock()
    unit = UnitConfig(THANH_HOA.unit, "UBND tỉnh Thanh Hóa", PASSWORD, THANH_HOA.unit)
    database = f"sqlite:///{tmp_path_factory.mktemp('portal')}/portal.db"
    portal = Portal(database, PortalConfig(mode="lenient", units=(unit,)), clock=clock)
    portal.start()
    yield portal, clock
    portal.close()


@pytest.fixture
def portal_and_clock(shared_portal: tuple[Portal, Clock]) -> tuple[Portal, Clock]:
    """The shared portal, emptied (units kept) and on real time."""
    portal, clock = shared_portal
    portal.reset(keep_units=True)
    clock.source = vietnam_now
    return portal, clock


@pytest.fixture
def portal(portal_and_clock: tuple[Portal, Clock]) -> Portal:
    return portal_and_clock[0]


def _run(
    portal: Portal,
    profile: ProvinceProfile,
    count: int,
    *,
    password: str = PASSWORD,
    concurrency: int | None = None,
    **options: object,
) -> ProvinceRun:
    async def main() -> ProvinceRun:
        transport = httpx.ASGITransport(app=create_app(portal))
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            pools = build_pools(profile.code, 21, people=40, businesses=10)
            province = VirtualProvince(
                DossierFactory(profile, 21, pools=pools),
                client,
                password=password,
                **options,  # type: ignore[arg-type]
            )
            return await province.run(range(count), concurrency=concurrency)

    return asyncio.run(main())


def _journal(portal: Portal) -> Counter[tuple[str | None, str]]:
    """Messages per (dossier code, kind), as the portal journaled them."""
    return Counter(
        (dossier_code_of(json.loads(entry.body)) if entry.body else None, entry.kind)
        for entry in portal.store.iter_journal()
    )


def test_a_clean_province_syncs_every_dossier_without_findings(portal: Portal) -> None:
    """Every dossier reaches the portal with its final status, the journal holds each publish
    (TraCuuHoSo, LayThuTuc, DongBoHoSoMC, CapNhatTienDoHoSoMC per step), nothing is found."""
    run = _run(portal, THANH_HOA, 12, time_factor=1e7)
    journal = _journal(portal)
    assert run.logins == 1
    assert journal[None, "login"] == 1
    assert journal[None, "LayThuTuc"] == sum(len(o.plan.steps) for o in run.outcomes)
    for outcome in run.outcomes:
        plan = outcome.plan
        assert (outcome.problems, outcome.stopped) == ([], False)
        assert outcome.acknowledged == plan.final_status
        stored = portal.store.get_dossier(plan.code)
        assert stored is not None
        assert stored.status == plan.final_status
        steps = len(plan.steps)
        assert journal[plan.code, "TraCuuHoSo"] == steps
        assert journal[plan.code, "DongBoHoSoMC"] == steps
        assert journal[plan.code, "CapNhatTienDoHoSoMC"] == steps
    assert sum(journal.values()) == run.messages
    assert portal.store.findings(limit=1000) == []


def test_a_faulty_province_leaves_exactly_its_planted_faults(portal: Portal) -> None:
    """The portal's findings, by (dossier, rule), are the ground truth's, AU-001 included for
    foreign dossiers, which the province stops publishing after their refused sync."""
    run = _run(portal, FAULTY, 45, time_factor=1e7)
    truth = run.ground_truth
    assert {Fault.DOSSIER_CODE_FOREIGN, Fault.WRONG_TYPE, Fault.LATE_SYNC} <= set(truth.planted())
    assert portal_findings(portal.store) == truth.expected(portal=True)
    journal = _journal(portal)
    for outcome in run.outcomes:
        plan = outcome.plan
        if Fault.DOSSIER_CODE_FOREIGN in plan.faults:
            assert outcome.acknowledged is None
            assert outcome.stopped == (len(plan.steps) > 1)
            assert journal[plan.code, "DongBoHoSoMC"] == 1
            continue
        assert outcome.acknowledged == plan.final_status
        sent = sum(step.progress for step in plan.steps)
        assert journal[plan.code, "CapNhatTienDoHoSoMC"] == sent
        refused = [problem for problem in outcome.problems if "HTTP 400" in problem]
        assert len(refused) == (Fault.WRONG_TYPE in plan.faults)  # a status sent as a number


class VirtualTime:
    """One clock for province and portal that moves only when the province sleeps."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.start = start
        self.waits: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return (self.now - self.start).total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


def test_waits_are_compressed_and_the_wire_keeps_the_portals_time(
    portal_and_clock: tuple[Portal, Clock],
) -> None:
    """At 60× a dossier's days pass in virtual hours: each wait is the simulated gap divided by
    the factor, the wire stamps are the portal's clock, sessions are renewed every ten minutes,
    and no sync is late."""
    time = VirtualTime(datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ))
    portal, portal_clock = portal_and_clock
    portal_clock.source = time.clock
    run = _run(
        portal,
        THANH_HOA,
        3,
        concurrency=1,  # the virtual clock serialises sleeps
        time_factor=60.0,
        clock=time.clock,
        sleep=time.sleep,
        monotonic=time.monotonic,
    )
    expected = [
        (step.at - before.publish_at).total_seconds() / 60.0
        for outcome in run.outcomes
        for before, step in zip(outcome.plan.steps, outcome.plan.steps[1:], strict=False)
    ]
    assert time.waits == pytest.approx(expected)
    assert run.logins > 3  # hours of virtual time, a login every ten minutes
    for outcome in run.outcomes:
        events = portal.store.dossier_events(outcome.code)
        assert [event.status for event in events] == [s.status for s in outcome.plan.steps]
    assert portal.store.findings(limit=1000) == []


def test_a_refused_login_ends_the_run(portal: Portal) -> None:
    """Wrong credentials are the operator's problem, not a finding: the run raises."""
    with pytest.raises(LoginRefused, match=r"000\.00\.00\.H56 refused: HTTP 401"):
        _run(portal, THANH_HOA, 3, password="sai", time_factor=1e7)


def test_time_factor_must_not_stretch_waits() -> None:
    """A factor below 1 would make a run slower than real time: refused."""
    factory = DossierFactory(THANH_HOA, 1, pools=build_pools("38", 1, people=2, businesses=1))
    with pytest.raises(ValueError, match="time_factor"):
        VirtualProvince(factory, httpx.AsyncClient(), password="x", time_factor=0.5)
