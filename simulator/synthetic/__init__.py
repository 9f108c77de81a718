"""Synthetic provinces: the traffic `portalsim run` and the Locust scenarios send.

- **Data** (`providers`, `pools`): Vietnamese people and businesses with valid citizen IDs, tax
  codes, phones and two-level addresses, made with Faker once per province (`build_pools`).
- **Profiles** (`profiles`, `faults`, `shares`): each province's share of national volume,
  procedures offered online, payment and SSO connection, and fault rates; bundled sets `clean`,
  `field-reports` (and `-63` for the former provinces), `load_profile_set(name or path)`.
- **Dossiers** (`factory`, `lifecycle`, `messages`, `traffic`): `DossierFactory(profile,
  seed).plan(index, …)` fixes a dossier's lifecycle and planted faults; the message builders
  write its publishes as OpenCPS does; `offline_traffic` and `GroundTruth` give the messages and
  the (dossier, rule) findings they must cause.
- **The virtual province** (`province`): `VirtualProvince` publishes planned dossiers to a
  portal over httpx, waits compressed by a time factor, stamps in the portal's real time.

>>> from simulator.synthetic import DossierFactory, load_profile_set
>>> profile = load_profile_set("field-reports").get("68")
>>> profile.name, profile.faults.dossier_code_date > 0
('Lâm Đồng', True)
"""

from simulator.synthetic.codes import CodeIssuer
from simulator.synthetic.factory import DossierFactory
from simulator.synthetic.faults import (
    DOSSIER_FAULTS,
    EXPECTED_RULES,
    PAYMENT_FAULTS,
    PORTAL_EXPECTED_RULES,
    SSO_FAULTS,
    Fault,
    FaultRates,
    draw_dossier_faults,
    draw_independent,
)
from simulator.synthetic.lifecycle import Applicant, DossierPlan, LifecycleOdds, Step
from simulator.synthetic.messages import (
    ProcedureNames,
    cap_nhat_tien_do,
    dong_bo_ho_so,
    lay_thu_tuc,
    names_from_answer,
    names_from_catalogue,
    tra_cuu_ho_so,
)
from simulator.synthetic.pools import Business, Person, ProvincePools, build_pools
from simulator.synthetic.profiles import (
    BUNDLED_SETS,
    ProfileSet,
    ProvinceProfile,
    load_profile_set,
    parse_profile_set,
)
from simulator.synthetic.providers import VietnamProvider, vietnamese_faker
from simulator.synthetic.province import (
    DossierOutcome,
    LoginRefused,
    ProvinceRun,
    VirtualProvince,
)
from simulator.synthetic.shares import population_shares
from simulator.synthetic.traffic import (
    GroundTruth,
    SentMessage,
    dossier_code_of,
    offline_traffic,
    publish_messages,
)

__all__ = [
    "BUNDLED_SETS",
    "DOSSIER_FAULTS",
    "EXPECTED_RULES",
    "PAYMENT_FAULTS",
    "PORTAL_EXPECTED_RULES",
    "SSO_FAULTS",
    "Applicant",
    "Business",
    "CodeIssuer",
    "DossierFactory",
    "DossierOutcome",
    "DossierPlan",
    "Fault",
    "FaultRates",
    "GroundTruth",
    "LifecycleOdds",
    "LoginRefused",
    "Person",
    "ProcedureNames",
    "ProfileSet",
    "ProvincePools",
    "ProvinceProfile",
    "ProvinceRun",
    "SentMessage",
    "Step",
    "VietnamProvider",
    "VirtualProvince",
    "build_pools",
    "cap_nhat_tien_do",
    "dong_bo_ho_so",
    "dossier_code_of",
    "draw_dossier_faults",
    "draw_independent",
    "lay_thu_tuc",
    "load_profile_set",
    "names_from_answer",
    "names_from_catalogue",
    "offline_traffic",
    "parse_profile_set",
    "population_shares",
    "publish_messages",
    "tra_cuu_ho_so",
    "vietnamese_faker",
]
