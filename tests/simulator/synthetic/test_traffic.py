"""Offline traffic: what OpenCPS would send, and validating it finds exactly what was planted."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import defaultdict
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.domain import VN_TZ
from simulator.synthetic import (
    DossierFactory,
    DossierPlan,
    Fault,
    FaultRates,
    GroundTruth,
    build_pools,
    dossier_code_of,
    load_profile_set,
    offline_traffic,
)
from tests.simulator.synthetic._judge import offline_findings

START = datetime(2026, 2, 10, 7, 0, tzinfo=VN_TZ)  # the week before Tết 2026
CLEAN = load_profile_set("clean")
FAULTY = FaultRates(
    dossier_code_date=0.15,
    dossier_code_malformed=0.15,
    dossier_code_foreign=0.1,
    procedure_unknown=0.2,
    procedure_malformed=0.2,
    illegal_transition=0.25,
    late_sync=0.25,
    missing_progress=0.25,
    nfd_text=0.25,
    bad_phone=0.25,
    wrong_type=0.25,
)


def _plans(code: str, seed: int, count: int, faults: FaultRates | None = None) -> list[DossierPlan]:
    profile = CLEAN.get(code)
    assert profile is not None
    if faults is not None:
        profile = dataclasses.replace(profile, faults=faults)
    pools = build_pools(code, seed, people=30, businesses=8, communes=8, staff=6)
    return DossierFactory(profile, seed, pools=pools).plans(START, count, per_day=40)


def test_messages_are_publishes_in_receive_order() -> None:
    """Each step is TraCuuHoSo, LayThuTuc, DongBoHoSoMC and (unless planted missing) its
    CapNhatTienDoHoSoMC; isUpdating is "False" only the first time; receive times ascend."""
    plans = _plans("38", 1, 60, FaultRates(missing_progress=0.3))
    messages = offline_traffic(plans)
    times = [message.received_at for message in messages]
    assert times == sorted(times)
    by_dossier = defaultdict(list)
    for message in messages:
        by_dossier[message.dossier].append(message)
    for plan in plans:
        sent = by_dossier[plan.code]
        expected = []
        for step in plan.steps:
            expected += ["TraCuuHoSo", "LayThuTuc", "DongBoHoSoMC"]
            expected += ["CapNhatTienDoHoSoMC"] if step.progress else []
        assert [message.service for message in sent] == expected
        syncs = [m.body for m in sent if m.service == "DongBoHoSoMC"]
        assert [body["isUpdating"] for body in syncs] == ["False"] + ["True"] * (len(syncs) - 1)
        assert [body["data"][0]["TrangThaiHoSo"] for body in syncs] == [
            step.status for step in plan.steps
        ]


def test_bodies_are_shaped_as_opencps_writes_them() -> None:
    """Keys in HashMap order, `data` an array, every scalar a string, text in NFC."""
    message = next(m for m in offline_traffic(_plans("01", 2, 3)) if m.service == "DongBoHoSoMC")
    assert list(message.body) == ["madonvi", "data", "session", "service", "isUpdating"]
    item = message.body["data"][0]
    scalars = [value for value in item.values() if not isinstance(value, list)]
    assert all(isinstance(value, str) for value in scalars)
    assert all(unicodedata.is_normalized("NFC", value) for value in scalars)
    assert item["DanhSachLePhi"] == []
    assert item["TaiLieuNop"]
    assert dossier_code_of(message.body) == item["MaHoSo"] == message.dossier


def test_clean_national_traffic_has_no_findings() -> None:
    """Every one of the 34 clean provinces, validated together: not one finding."""
    plans = [plan for profile in CLEAN for plan in _plans(profile.code, 5, 8)]
    assert offline_findings(offline_traffic(plans)) == set()


def test_faulty_traffic_finds_exactly_the_planted_faults() -> None:
    """Validating a faulty province's traffic yields the ground truth's (dossier, rule) set:
    every planted fault found, nothing else."""
    plans = _plans("68", 9, 250, FAULTY)
    truth = GroundTruth.of(plans)
    assert set(truth.planted()) == set(Fault) - {
        Fault.PAYMENT_TAMPERED_ACCEPTED,
        Fault.PAYMENT_NOT_IDEMPOTENT,
        Fault.SSO_NO_STATE,
        Fault.SSO_NO_NONCE,
        Fault.SSO_NO_PKCE,
    }
    assert offline_findings(offline_traffic(plans)) == truth.expected()


def test_field_reports_set_finds_exactly_its_faults() -> None:
    """The provinces the field reports name, together: exactly their planted faults."""
    profiles = load_profile_set("field-reports")
    plans = []
    for code in ("68", "52", "51", "66", "48"):
        profile = profiles.get(code)
        assert profile is not None
        pools = build_pools(code, 4, people=30, businesses=8)
        plans += DossierFactory(profile, 4, pools=pools).plans(START, 80, per_day=30)
    truth = GroundTruth.of(plans)
    assert truth.expected()  # something was planted
    assert offline_findings(offline_traffic(plans)) == truth.expected()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), code=st.sampled_from(["01", "38", "52", "68", "79", "96"]))
def test_any_seed_clean_is_clean_and_faulty_is_exact(seed: int, code: str) -> None:
    """Whatever the seed: clean traffic has no findings, faulty traffic exactly its faults."""
    assert offline_findings(offline_traffic(_plans(code, seed, 12))) == set()
    plans = _plans(code, seed, 12, FAULTY)
    assert offline_findings(offline_traffic(plans)) == GroundTruth.of(plans).expected()


def test_the_portal_also_refuses_foreign_dossiers() -> None:
    """A foreign-agency code is HS-003 offline, and HS-003 plus AU-001 at the portal."""
    truth = GroundTruth({"000.00.00.H17-260302-9999": frozenset({Fault.DOSSIER_CODE_FOREIGN})})
    assert truth.expected() == {("000.00.00.H17-260302-9999", "HS-003")}
    assert truth.expected(portal=True) == {
        ("000.00.00.H17-260302-9999", "HS-003"),
        ("000.00.00.H17-260302-9999", "AU-001"),
    }


def test_dossier_code_of_reads_every_message_kind() -> None:
    """`mahoso`, `data[0].MaHoSo`, `data.MaHoSoDonVi`; None for messages about no dossier."""
    assert dossier_code_of({"mahoso": "A"}) == "A"
    assert dossier_code_of({"data": [{"MaHoSo": "B"}]}) == "B"
    assert dossier_code_of({"data": {"MaHoSoDonVi": "C"}}) == "C"
    assert dossier_code_of({"maTTHC": "2.000815"}) is None
    assert dossier_code_of([1, 2]) is None
