"""Dossier plans: realistic, reproducible lifecycles carrying exactly the faults drawn."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from datetime import datetime, timedelta

import faker
import pytest

from contracts.identifiers import agency_within, phone_problem
from contracts.profiles.tt01_2018.lifecycle import FIRST_STATUSES, TRANSITIONS
from contracts.profiles.tt01_2018.schedule import statutory_deadline
from simulator.domain import VN_TZ, bundled_calendar, bundled_catalogue, is_office_hours
from simulator.synthetic import (
    CodeIssuer,
    DossierFactory,
    DossierPlan,
    Fault,
    FaultRates,
    ProvinceProfile,
    build_pools,
    load_profile_set,
    offline_traffic,
)
from simulator.synthetic.codes import foreign_agencies, scheme_rank
from simulator.synthetic.factory import FALLBACK_PROCESSING_DAYS

START = datetime(2026, 3, 2, 7, 0, tzinfo=VN_TZ)
CLEAN = load_profile_set("clean")
EVERY_FAULT = FaultRates(
    dossier_code_date=0.2,
    dossier_code_malformed=0.2,
    dossier_code_foreign=0.1,
    procedure_unknown=0.3,
    procedure_malformed=0.3,
    illegal_transition=0.3,
    late_sync=0.3,
    missing_progress=0.3,
    nfd_text=0.3,
    bad_phone=0.3,
    wrong_type=0.3,
)
CODE = re.compile(r"^(?P<agency>\d{3}\.\w{2}\.\w{2}\.H\d{2})-(?P<day>\d{6}|\d{8})-(?P<n>\d{4})$")


def profile(code: str = "38", faults: FaultRates = EVERY_FAULT) -> ProvinceProfile:
    found = CLEAN.get(code)
    assert found is not None
    return dataclasses.replace(found, faults=faults)


def factory(code: str = "38", faults: FaultRates = EVERY_FAULT, seed: int = 7) -> DossierFactory:
    return DossierFactory(profile(code, faults), seed, pools=build_pools(code, seed, people=60))


def _check_statuses(plan: DossierPlan) -> None:
    statuses = [step.status for step in plan.steps]
    assert statuses[0] in FIRST_STATUSES
    illegal = [
        (before, after)
        for before, after in itertools.pairwise(statuses)
        if after not in TRANSITIONS[before]
    ]
    if Fault.ILLEGAL_TRANSITION in plan.faults:
        assert illegal == [("4", "10")]
    else:
        assert illegal == []
        assert statuses[-1] in ("3", "10")


def _check_times(plan: DossierPlan) -> None:
    calendar = bundled_calendar()
    steps = plan.steps
    assert steps[0].at == plan.received
    for before, after in itertools.pairwise(steps):
        assert after.at >= before.publish_at + timedelta(seconds=60)
        assert is_office_hours(after.at, calendar)
    assert steps[-1].publish_at < plan.due
    days = bundled_catalogue().procedure(plan.lookup)
    processing = days.processing_days if days is not None else None
    deadline = statutory_deadline(
        calendar, plan.received, FALLBACK_PROCESSING_DAYS if processing is None else processing
    )
    assert plan.due.date() == deadline
    assert calendar.is_working_day(deadline)
    late = steps[0].lag > timedelta(hours=1)
    assert late == (Fault.LATE_SYNC in plan.faults)
    assert all(step.lag < timedelta(minutes=1) for step in steps[1:])


def _check_code(plan: DossierPlan) -> None:
    match = CODE.match(plan.code)
    assert match is not None, plan.code
    assert agency_within(match["agency"], plan.unit) == (
        Fault.DOSSIER_CODE_FOREIGN not in plan.faults
    )
    wide = len(match["day"]) == 8
    assert wide == (Fault.DOSSIER_CODE_MALFORMED in plan.faults)
    day = plan.received.strftime("%Y%m%d" if wide else "%y%m%d")
    assert (match["day"] != day) == (Fault.DOSSIER_CODE_DATE in plan.faults)


def _check_faults(plan: DossierPlan, offered: tuple[str, ...]) -> None:
    faults = plan.faults
    catalogue = bundled_catalogue()
    if Fault.DOSSIER_CODE_FOREIGN in faults:
        assert faults == {Fault.DOSSIER_CODE_FOREIGN}
    assert (phone_problem(plan.applicant.phone) is not None) == (Fault.BAD_PHONE in faults)
    if Fault.PROCEDURE_UNKNOWN in faults:
        assert plan.procedure not in catalogue
        assert re.fullmatch(r"\d\.\d{6}", plan.procedure)
    elif Fault.PROCEDURE_MALFORMED in faults:
        assert plan.lookup in offered
        assert plan.procedure.startswith(plan.lookup + ".")
    else:
        assert plan.procedure == plan.lookup
        assert plan.procedure in offered
    silent = [step for step in plan.steps if not step.progress]
    typed = [step for step in plan.steps if step.wrong_type]
    assert len(silent) == (Fault.MISSING_PROGRESS in faults)
    assert len(typed) == (Fault.WRONG_TYPE in faults)
    assert all(step.progress for step in typed)


@pytest.mark.parametrize("code", ["38", "68", "01"])
def test_plans_are_realistic_and_carry_exactly_their_faults(code: str) -> None:
    """Legal lifecycles in office hours before the statutory appointment date, codes per Art.
    19, and every planted fault visible in the plan (and no other)."""
    made = factory(code)
    plans = made.plans(START, 400, per_day=60)
    assert len({plan.code for plan in plans}) == len(plans)
    assert all(is_office_hours(plan.received) for plan in plans)
    for plan in plans:
        _check_statuses(plan)
        _check_times(plan)
        _check_code(plan)
        _check_faults(plan, made.profile.procedures)
    planted = Counter(fault for plan in plans for fault in plan.faults)
    assert set(planted) == {fault for fault in Fault if EVERY_FAULT.rate(fault) > 0}


def test_plans_are_reproducible() -> None:
    """A dossier is a function of seed, province, index and time, not of the factory's order."""
    first, second = factory(seed=3), factory(seed=3)
    forwards = [first.plan(index, received=START + timedelta(hours=2)) for index in range(20)]
    backwards = [second.plan(index, received=START + timedelta(hours=2)) for index in range(20)]

    def strip(plan: DossierPlan) -> DossierPlan:
        return dataclasses.replace(plan, code="")  # only the day's sequence number may differ

    assert [strip(p) for p in forwards] == [strip(p) for p in backwards]
    other = factory(seed=4).plan(0, received=START + timedelta(hours=2))
    assert strip(other) != strip(forwards[0])


def test_a_live_plan_is_received_its_lag_before_its_first_publish() -> None:
    """Planned at its first publish, a dossier's receipt is the lag earlier: hours when a late
    sync is planted, seconds otherwise."""
    made = factory(faults=FaultRates(late_sync=1.0))
    now = datetime(2026, 3, 3, 22, 15, 30, 123456, tzinfo=VN_TZ)  # after hours: fine live
    plan = made.plan(0, published=now)
    assert plan.received.microsecond == 0
    assert abs(plan.steps[0].publish_at - now) < timedelta(seconds=1)
    assert plan.steps[0].lag > timedelta(hours=1)
    with pytest.raises(ValueError, match="exactly one"):
        made.plan(0)


def test_lifecycle_branches_occur_at_plausible_rates() -> None:
    """About half filed online; some refusals, supplements and fee requests; most returned."""
    plans = factory(faults=FaultRates()).plans(START, 1500, per_day=300)
    online = sum(plan.steps[0].status == "1" for plan in plans) / len(plans)
    statuses = Counter(step.status for plan in plans for step in plan.steps)
    assert 0.4 < online < 0.6
    assert 0 < statuses["3"] < 0.05 * len(plans)
    assert 0.03 * len(plans) < statuses["5"] < 0.12 * len(plans)
    assert statuses["6"] > 0
    assert statuses["10"] > 0.9 * len(plans)


def test_a_late_sync_needs_a_procedure_of_a_day_or_more() -> None:
    """A province offering only same-day procedures cannot be late without being overdue: the
    fault is then not planted, and the plan says so."""
    same_day = dataclasses.replace(
        profile(faults=FaultRates(late_sync=1.0)), procedures=("2.000815", "1.001193")
    )
    plan = DossierFactory(same_day, 1).plan(0, received=START + timedelta(hours=2))
    assert Fault.LATE_SYNC not in plan.faults


def test_foreign_codes_never_collide_across_a_scheme() -> None:
    """Foreign agencies receive no dossiers, and each province numbers its foreign codes in its
    own residue class from 9999 down."""
    calendar, moment = bundled_calendar(), START + timedelta(hours=2)
    for set_name in ("clean", "clean-63"):
        issued: set[str] = set()
        for province in load_profile_set(set_name):
            rank, stride = scheme_rank(province)
            issuer = CodeIssuer(calendar, rank=rank, stride=stride)
            agencies = foreign_agencies(province, factory().agencies)
            assert not any(agency_within(agency, province.unit) for agency in agencies)
            for _ in range(3):
                code = issuer.issue(agencies, moment, frozenset({Fault.DOSSIER_CODE_FOREIGN}))
                assert code not in issued
                issued.add(code)


def test_code_numbers_run_out_per_agency_and_day() -> None:
    """After 9999 codes an agency's day is full: the next agency is used, then ValueError."""
    issuer, moment = CodeIssuer(bundled_calendar()), START + timedelta(hours=2)
    for _ in range(9999):
        issuer.issue(["000.00.01.H56"], moment, frozenset())
    assert issuer.issue(["000.00.01.H56", "000.00.02.H56"], moment, frozenset()).endswith("-0001")
    with pytest.raises(ValueError, match="no dossier numbers left on 2026-03-02"):
        issuer.issue(["000.00.01.H56"], moment, frozenset())


def test_planning_never_calls_faker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pools are made once; after that, plans and their messages need no Faker at all."""
    made = factory()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("Faker used on the hot path")

    monkeypatch.setattr(faker.Faker, "__init__", refuse)
    monkeypatch.setattr(faker.Faker, "__getattr__", refuse, raising=False)
    assert not any(isinstance(value, faker.Faker) for value in vars(made).values())
    with pytest.raises(AssertionError, match="hot path"):
        build_pools("38", 1)  # the trap works
    assert offline_traffic(made.plans(START, 30))
