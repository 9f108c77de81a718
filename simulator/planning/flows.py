"""Requests per dossier, per flow: what a province sends the portal for one dossier.

Derived from the OpenCPS publish sequence (domain.md §3a) as `simulator.synthetic` plays it, so
the model asks for the traffic the simulator sends:

- every **step** of a dossier (each status it reaches) is one publish: `TraCuuHoSo`, `LayThuTuc`
  (flow `lookup`), `DongBoHoSoMC` (`dossier_sync`), `CapNhatTienDoHoSoMC` (`progress`)
  (`simulator.synthetic.traffic.publish_messages`);
- the steps per dossier follow `simulator.synthetic.LifecycleOdds`: filed online (1, 2, …) or
  in person (2, …), refused online (1→3), then 4, a supplement (5→4), fees (6→4), 9, 10
  (`lifecycle.draw_statuses`); fees only for procedures with fees, weighted as the dossier
  factory picks procedures (quick ones five times as often);
- catalogue reads at `CATALOGUE_READS_PER_DOSSIER` (one request each, flow `lookup`) and, in a
  province integrated with the national SSO, `SSO_LOGINS_PER_DOSSIER` citizen logins of three
  requests (authorize, token, userinfo: domain.md §5, `simulator.run.sso`), as `portalsim run`
  paces them (`simulator.run.desk`; `tests/simulator/planning` keeps the numbers equal);
- in a province connected to the payment platform, each dossier that reaches status 6 pays once:
  two requests (createtransaction, the payer page: domain.md §4, `simulator.run.payments`).

Not counted: the one-stop system's own portal logins (one per unit every ten minutes, §3a) and
the monthly `DongBoDanhGia`, both negligible beside the per-dossier traffic. Note domain.md §10
counts only DongBoHoSoMC + CapNhatTienDoHoSoMC (5-9 per dossier); a real OpenCPS client also
looks the dossier and its procedure up on every publish, so the model counts those too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from simulator.domain import Catalogue, bundled_catalogue
from simulator.synthetic import LifecycleOdds, ProvinceProfile

__all__ = [
    "CATALOGUE_READS_PER_DOSSIER",
    "FLOWS",
    "FLOW_MESSAGES",
    "PAYMENT_REQUESTS",
    "SSO_LOGINS_PER_DOSSIER",
    "SSO_REQUESTS",
    "FlowMix",
    "flow_mix",
]

#: the model's flows, in the order they are shown
FLOWS: tuple[str, ...] = ("dossier_sync", "progress", "lookup", "payment", "sso_login")
#: what each flow sends (for people)
FLOW_MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "dossier_sync": "DongBoHoSoMC",
        "progress": "CapNhatTienDoHoSoMC",
        "lookup": "TraCuuHoSo, LayThuTuc, catalogue reads",
        "payment": "createtransaction, payer page",
        "sso_login": "authorize, token, userinfo",
    }
)
#: as `simulator.run.desk.CATALOGUE_READS_PER_DOSSIER` (a test keeps them equal)
CATALOGUE_READS_PER_DOSSIER = 0.2
#: as `simulator.run.desk.SSO_LOGINS_PER_DOSSIER` (a test keeps them equal)
SSO_LOGINS_PER_DOSSIER = 0.5
#: requests of one SSO login: `simulator.run.sso.SSO_PATHS` (authorize, token, userinfo)
SSO_REQUESTS = 3
#: requests of one payment: createtransaction and the payer page (`simulator.run.payments`)
PAYMENT_REQUESTS = 2
#: `simulator.synthetic.factory`: procedures done within three working days are picked 5x
_QUICK_WEIGHT = 5.0
_QUICK_DAYS = 3


@dataclass(frozen=True, slots=True)
class FlowMix:
    """Expected requests per dossier of each flow, and what they were derived from."""

    per_dossier: Mapping[str, float]
    #: expected steps (publishes) per dossier
    steps: float
    #: share of dossiers whose procedure has fees
    fee_share: float
    #: share of dossiers that reach status 6 (fees due)
    fees_due_share: float

    @property
    def total(self) -> float:
        return sum(self.per_dossier.values())


def _fee_share(profile: ProvinceProfile, catalogue: Catalogue) -> float:
    """Share of dossiers for a procedure with fees, weighted as `DossierFactory` picks them."""
    weighted = fees = 0.0
    for code in profile.procedures:
        ref = catalogue.procedure(code)
        if ref is None:
            continue
        quick = ref.processing_days is not None and ref.processing_days <= _QUICK_DAYS
        weight = _QUICK_WEIGHT if quick else 1.0
        weighted += weight
        if ref.fee_total:
            fees += weight
    return fees / weighted if weighted else 0.0


def flow_mix(
    profile: ProvinceProfile,
    odds: LifecycleOdds | None = None,
    catalogue: Catalogue | None = None,
) -> FlowMix:
    """Requests per dossier of each flow for a province's profile (see the module docstring)."""
    odds = odds or LifecycleOdds()
    fee_share = _fee_share(profile, catalogue or bundled_catalogue())
    # Branch steps common to every dossier that is not refused: 4, 9, 10, plus the detours.
    detours = 2 * odds.supplement + 2 * fee_share * odds.fees_due
    online_steps = odds.refused * 2 + (1 - odds.refused) * (5 + detours)
    in_person_steps = 4 + detours
    steps = odds.online * online_steps + (1 - odds.online) * in_person_steps
    not_refused = 1 - odds.online * odds.refused
    fees_due_share = not_refused * fee_share * odds.fees_due
    per_dossier = {
        "dossier_sync": steps,
        "progress": steps,
        "lookup": 2 * steps + CATALOGUE_READS_PER_DOSSIER,
        "payment": PAYMENT_REQUESTS * fees_due_share if profile.payment_connected else 0.0,
        "sso_login": SSO_REQUESTS * SSO_LOGINS_PER_DOSSIER if profile.sso_integrated else 0.0,
    }
    return FlowMix(MappingProxyType(per_dossier), steps, fee_share, fees_due_share)
