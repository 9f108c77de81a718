"""Requests per dossier per flow match what the simulator sends."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest

from simulator.domain import VN_TZ
from simulator.planning import flow_mix
from simulator.planning import flows as planning_flows
from simulator.synthetic import DossierFactory, load_profile_set
from simulator.synthetic.traffic import offline_traffic

DOSSIERS = 800


def test_pacing_constants_are_those_of_portalsim_run() -> None:
    """Catalogue reads, SSO logins per dossier and requests per login are the run's."""
    from simulator.run import desk, sso

    assert planning_flows.CATALOGUE_READS_PER_DOSSIER == desk.CATALOGUE_READS_PER_DOSSIER
    assert planning_flows.SSO_LOGINS_PER_DOSSIER == desk.SSO_LOGINS_PER_DOSSIER
    assert len(sso.SSO_PATHS) == planning_flows.SSO_REQUESTS


def test_messages_per_dossier_match_the_synthetic_traffic() -> None:
    """Publishes per dossier and the share reaching fees (status 6) match planned dossiers."""
    profile = load_profile_set("clean").get("48")
    assert profile is not None
    factory = DossierFactory(profile, seed=11)
    received = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
    plans = [factory.plan(index, received=received) for index in range(DOSSIERS)]
    sent = Counter(message.service for message in offline_traffic(plans))
    mix = flow_mix(profile)
    # Standard error of the mean steps is about 0.04 at 800 dossiers: 0.15 is ~4 of them.
    assert sent["DongBoHoSoMC"] / DOSSIERS == pytest.approx(
        mix.per_dossier["dossier_sync"], abs=0.15
    )
    assert sent["CapNhatTienDoHoSoMC"] / DOSSIERS == pytest.approx(
        mix.per_dossier["progress"], abs=0.15
    )
    lookups = (sent["TraCuuHoSo"] + sent["LayThuTuc"]) / DOSSIERS
    assert lookups == pytest.approx(mix.per_dossier["lookup"] - 0.2, abs=0.3)
    fees = sum(any(step.status == "6" for step in plan.steps) for plan in plans) / DOSSIERS
    assert fees == pytest.approx(mix.fees_due_share, abs=0.04)


def test_unconnected_province_sends_no_payment_or_sso() -> None:
    """A province without the payment platform or SSO has no such flows."""
    profile = load_profile_set("clean").get("48")
    assert profile is not None
    alone = replace(profile, payment_connected=False, sso_integrated=False)
    mix = flow_mix(alone)
    assert mix.per_dossier["payment"] == 0.0
    assert mix.per_dossier["sso_login"] == 0.0
    assert flow_mix(profile).per_dossier["sso_login"] == pytest.approx(1.5)
