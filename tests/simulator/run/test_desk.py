"""The load process's desk: who plays which province, how fast, and what it planted."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from datetime import datetime

import pytest

from simulator.domain import VN_TZ
from simulator.run import Desk, InFlight, LoadOptions, allocation, triggered_faults
from simulator.run.options import LOCUST_OPTIONS, WORKER_PARTITIONS, load_options
from simulator.synthetic import (
    DossierFactory,
    Fault,
    FaultRates,
    ProfileSet,
    ProvinceProfile,
    build_pools,
    load_profile_set,
)

FIELD_REPORTS = load_profile_set("field-reports")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


def _small_factory(profile: ProvinceProfile, seed: int) -> DossierFactory:
    return DossierFactory(
        profile, seed, pools=build_pools(profile.code, seed, people=20, businesses=5)
    )


def _two(rates: FaultRates | None = None) -> ProfileSet:
    """Thanh Hóa (share 0.75) and Gia Lai (0.25), both with `rates`."""
    clean = load_profile_set("clean")
    thanh_hoa, gia_lai = clean.get("38"), clean.get("52")
    assert thanh_hoa is not None
    assert gia_lai is not None
    return dataclasses.replace(
        clean,
        profiles=(
            dataclasses.replace(thanh_hoa, share=0.75, faults=rates or FaultRates()),
            dataclasses.replace(gia_lai, share=0.25, faults=rates or FaultRates()),
        ),
    )


def _desk(profiles: ProfileSet, **options: object) -> Desk:
    return Desk(
        LoadOptions(profiles, **options),  # type: ignore[arg-type]
        clock=lambda: NOW,
        factory=_small_factory,
    )


def test_every_province_gets_a_user_before_any_gets_two() -> None:
    """The first 34 users are the 34 provinces, largest share first."""
    first = list(itertools.islice(allocation(FIELD_REPORTS.profiles), 34))
    assert {profile.code for profile in first} == {profile.code for profile in FIELD_REPORTS}
    assert [profile.share for profile in first] == sorted((p.share for p in first), reverse=True)


def test_further_users_follow_the_shares() -> None:
    """With many users, each province's count of users is within one of share × users."""
    users = 3400
    counts = Counter(p.code for p in itertools.islice(allocation(FIELD_REPORTS.profiles), users))
    for profile in FIELD_REPORTS:
        assert abs(counts[profile.code] - profile.share * users) <= 1.5


def test_dossiers_start_at_rate_times_share() -> None:
    """At 4 dossiers/s nationally, the province with share 0.75 starts 3 a second on schedule,
    whichever of its users asks; an early ask is told how long to wait."""
    desk = _desk(_two(), rate=4.0)
    thanh_hoa = desk.provinces["38"]
    started = [t for t in (i * 0.05 for i in range(41)) if thanh_hoa.submit(t) is not None]
    assert started == pytest.approx([0.0, 0.35, 0.7, 1.0, 1.35, 1.7, 2.0])
    assert thanh_hoa.pause("submission", 2.01) == pytest.approx(1 / 3 - 0.01, abs=0.02)


def test_rate_zero_never_waits_but_keeps_the_mix() -> None:
    """Rate 0: dossiers as fast as the users go; catalogue reads (0.2 per dossier) and SSO
    logins (0.5) keep pace with the dossiers started instead of a clock."""
    province = _desk(_two(), rate=0.0, sso_secret="s" * 20).provinces["52"]
    assert all(province.submit(0.0) is not None for _ in range(10))
    assert province.pause("submission", 0.0) == province.pause("catalogue", 0.0) == 0.0
    reads = sum(province.claim_catalogue(0.0) for _ in range(10))
    logins = sum(province.claim_sso(0.0) is not None for _ in range(10))
    assert (reads, logins) == (3, 6)  # 0.2 × 10 + 1, 0.5 × 10 + 1
    assert province.pause("catalogue", 0.0) > 0


def test_a_dossiers_steps_come_due_compressed_by_the_time_factor() -> None:
    """After a publish, the next step is due after the plan's gap divided by the time factor."""
    desk = _desk(_two(), rate=0.0, time_factor=3600.0)
    province = desk.provinces["38"]
    dossier = province.submit(100.0)
    assert dossier is not None
    dossier.step = dossier.dongbo_sent = 1
    province.published(dossier, 100.0)
    steps = dossier.plan.steps
    gap = (steps[1].at - steps[0].publish_at).total_seconds() / 3600
    assert province.take_due(100.0 + gap - 0.01) is None
    due = province.take_due(100.0 + gap)
    assert due is dossier
    assert len(dossier.stamps) == 2  # stamped with the portal's (here: the fixed) clock
    assert province.in_flight == 1


def test_closing_stops_new_dossiers_but_not_those_in_flight() -> None:
    """After close(), nothing new starts; dossiers in flight still come due."""
    desk = _desk(_two(), rate=0.0, time_factor=1e9)
    province = desk.provinces["38"]
    dossier = province.submit(0.0)
    assert dossier is not None
    dossier.step = dossier.dongbo_sent = 1
    province.published(dossier, 0.0)
    desk.close()
    assert province.submit(1.0) is None
    assert not province.claim_catalogue(1.0)
    assert province.take_due(1.0) is dossier


def _plan_with(fault: Fault) -> InFlight:
    rates = FaultRates(**{fault.key: 1.0})
    profile = _two(rates).profiles[0]
    factory = _small_factory(profile, 5)
    for index in range(50):
        plan = factory.plan(index, published=NOW)
        if fault in plan.faults:
            return InFlight(plan, [plan.steps[0].at])
    raise AssertionError(f"no plan with {fault}")


def test_faults_count_only_once_the_messages_showing_them_were_sent() -> None:
    """Nothing before the first sync; a skipped 9 only with the final sync; a status typed as
    a number only once its progress update went."""
    skipped = _plan_with(Fault.ILLEGAL_TRANSITION)
    assert triggered_faults(skipped) == frozenset()
    skipped.dongbo_sent = len(skipped.plan.steps) - 1
    assert Fault.ILLEGAL_TRANSITION not in triggered_faults(skipped)
    skipped.dongbo_sent = len(skipped.plan.steps)
    assert Fault.ILLEGAL_TRANSITION in triggered_faults(skipped)
    typed = _plan_with(Fault.WRONG_TYPE)
    typed.dongbo_sent = len(typed.plan.steps)
    assert Fault.WRONG_TYPE not in triggered_faults(typed)
    wrong = next(n for n, step in enumerate(typed.plan.steps) if step.wrong_type)
    typed.progress_sent.add(wrong)
    assert Fault.WRONG_TYPE in triggered_faults(typed)


def test_partitions_never_issue_the_same_code_or_dossier() -> None:
    """Three load processes over one portal: disjoint dossier indexes and dossier codes."""
    rates = FaultRates(dossier_code_foreign=0.2, dossier_code_date=0.2)
    codes: list[str] = []
    indexes: list[int] = []
    for partition in range(3):
        desk = _desk(_two(rates), rate=0.0, partition=partition, partitions=3)
        for _ in range(40):
            dossier = desk.provinces["38"].submit(0.0)
            assert dossier is not None
            codes.append(dossier.plan.code)
            indexes.append(dossier.plan.index)
    assert len(set(codes)) == len(codes) == 120
    assert sorted(indexes) == list(range(120))


def test_a_partition_outside_the_partitions_is_refused() -> None:
    """Worker 3 of 3 partitions would collide: a clear ValueError."""
    with pytest.raises(ValueError, match="load partition 3"):
        LoadOptions(FIELD_REPORTS, partition=3, partitions=3)


def test_truth_counts_planted_faults_and_their_rules() -> None:
    """Settled dossiers report their shown faults and the rules the portal must record."""
    desk = _desk(_two(FaultRates(bad_phone=1.0)), rate=0.0)
    province = desk.provinces["52"]
    for _ in range(3):
        dossier = province.submit(0.0)
        assert dossier is not None
        dossier.dongbo_sent, dossier.step = 1, len(dossier.plan.steps)
        province.published(dossier, 0.0)
    truth = desk.truth()
    assert list(truth) == ["52"]
    assert truth["52"] == {
        "name": "Gia Lai",
        "dossiers": 3,
        "completed": 3,
        "sso_logins": 0,
        "payments": 0,
        "faults": {"bad-phone": 3},
        "rules": ["ID-003"],
    }


def test_dossiers_at_status_6_wait_for_a_payment_user_in_connected_provinces() -> None:
    """After the publish of status 6, a connected province queues the dossier's fees, each
    with a new transaction id; an unconnected one never does."""
    profiles = _two()
    gia_lai = dataclasses.replace(profiles.profiles[1], payment_connected=False)
    profiles = dataclasses.replace(profiles, profiles=(profiles.profiles[0], gia_lai))
    desk = _desk(profiles, rate=0.0, payment_secret="p" * 20, callback_port=9)
    owing: list[str] = []
    for code in ("38", "52"):
        province = desk.provinces[code]
        for _ in range(40):
            dossier = province.submit(0.0)
            assert dossier is not None
            for number, step in enumerate(dossier.plan.steps):
                dossier.step = dossier.dongbo_sent = number + 1
                province.active += number > 0
                province.published(dossier, 0.0)
                if step.status == "6" and code == "38":
                    owing.append(dossier.plan.code)
            province._due.clear()
    thanh_hoa = desk.provinces["38"]
    paid = [thanh_hoa.take_payment() for _ in owing]
    assert [plan.code for plan, _ in filter(None, paid)] == owing
    assert len({transaction for _, transaction in filter(None, paid)}) == len(owing) > 0
    assert thanh_hoa.take_payment() is None
    assert desk.provinces["52"].payment is None
    assert not desk.provinces["52"].owing
    assert set(desk.payment_clients) == {"PS_H56"}


def test_workers_take_their_partition_from_the_index_their_master_gives() -> None:
    """Alone: partition 0 of 1. A worker: its index modulo 16 (or --load-partitions), so a
    worker that reconnected with a new index still fits."""
    values = {option.flag: option.default for option in LOCUST_OPTIONS}
    values["--profile-set"] = "clean"
    alone = load_options(values, worker=None)
    assert (alone.partition, alone.partitions) == (0, 1)
    worker = load_options(values, worker=18)
    assert (worker.partition, worker.partitions) == (18 % WORKER_PARTITIONS, WORKER_PARTITIONS)
    declared = load_options({**values, "--load-partitions": "40"}, worker=18)
    assert (declared.partition, declared.partitions) == (18, 40)
    assert load_options({**values, "--sso-secret": "x" * 20}, worker=None).sso_secret == "x" * 20
