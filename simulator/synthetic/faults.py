"""The mistakes a virtual province can make on purpose, how often, and which rule catches each.

Every fault is one the field reports or the OpenCPS record show provinces making (see the
profile sets for which report line each rate comes from). Each is designed to break exactly its
rule and nothing else, so a test can assert that validating the traffic finds exactly the planted
faults (`EXPECTED_RULES`):

- dossier code dated the online filing day, not the receipt day (HS-002); written with an
  eight-digit date (HS-001); or carrying a foreign agency, such as a merged-away province's
  people's committee (HS-003; the portal also refuses it as another unit's dossier, AU-001);
- procedure code unknown to the national catalogue (TT-002) or the localised service code
  `2.001218.000.00.00.H38` instead of the MaTTHC (TT-001);
- status 9 skipped: a result returned while the portal still shows "processing" (LC-004);
- the first sync sent more than the one-hour limit after the receipt (LC-007);
- a progress update (CapNhatTienDoHoSoMC) never sent — no rule of tt01-2018 sees this, so its
  rule set is empty and only message counts show it;
- names typed in decomposed Unicode (ID-005); a pre-2018 eleven-digit mobile number (ID-003);
- a status written as a JSON number in one progress update (SC-002; refused in both modes);
- payment callbacks and SSO: rates travel with the profile for the payment and SSO flows, which
  draw them (`draw_independent`); the dossier factory does not.

Dossier-code faults exclude each other, as do procedure-code faults (each group's rates must sum
to at most 1). A foreign-agency dossier gets no other fault: the portal refuses all of its
messages, so a later fault would never be seen.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from random import Random

__all__ = [
    "CODE_FAULTS",
    "DOSSIER_FAULTS",
    "EXPECTED_RULES",
    "PAYMENT_FAULTS",
    "PORTAL_EXPECTED_RULES",
    "PROCEDURE_FAULTS",
    "SSO_FAULTS",
    "Fault",
    "FaultRates",
    "draw_dossier_faults",
    "draw_independent",
]


class Fault(enum.StrEnum):
    """One planted mistake; the value is its key in profile files (with `_` for `-`)."""

    DOSSIER_CODE_DATE = "dossier-code-date"
    DOSSIER_CODE_MALFORMED = "dossier-code-malformed"
    DOSSIER_CODE_FOREIGN = "dossier-code-foreign"
    PROCEDURE_UNKNOWN = "procedure-unknown"
    PROCEDURE_MALFORMED = "procedure-malformed"
    ILLEGAL_TRANSITION = "illegal-transition"
    LATE_SYNC = "late-sync"
    MISSING_PROGRESS = "missing-progress"
    NFD_TEXT = "nfd-text"
    BAD_PHONE = "bad-phone"
    WRONG_TYPE = "wrong-type"
    PAYMENT_TAMPERED_ACCEPTED = "payment-tampered-accepted"
    PAYMENT_NOT_IDEMPOTENT = "payment-not-idempotent"
    SSO_NO_STATE = "sso-no-state"
    SSO_NO_NONCE = "sso-no-nonce"
    SSO_NO_PKCE = "sso-no-pkce"

    @property
    def key(self) -> str:
        """The name of its rate in `FaultRates` and in profile files: `dossier_code_date`."""
        return self.value.replace("-", "_")


CODE_FAULTS = (Fault.DOSSIER_CODE_DATE, Fault.DOSSIER_CODE_MALFORMED, Fault.DOSSIER_CODE_FOREIGN)
PROCEDURE_FAULTS = (Fault.PROCEDURE_UNKNOWN, Fault.PROCEDURE_MALFORMED)
_INDEPENDENT = (
    Fault.ILLEGAL_TRANSITION,
    Fault.LATE_SYNC,
    Fault.MISSING_PROGRESS,
    Fault.NFD_TEXT,
    Fault.BAD_PHONE,
    Fault.WRONG_TYPE,
)
#: faults of the dossier integration RPC, drawn per dossier by `draw_dossier_faults`
DOSSIER_FAULTS = (*CODE_FAULTS, *PROCEDURE_FAULTS, *_INDEPENDENT)
PAYMENT_FAULTS = (Fault.PAYMENT_TAMPERED_ACCEPTED, Fault.PAYMENT_NOT_IDEMPOTENT)
SSO_FAULTS = (Fault.SSO_NO_STATE, Fault.SSO_NO_NONCE, Fault.SSO_NO_PKCE)

#: The rules a fault must trigger when the traffic is validated offline (`contracts.Validator`).
EXPECTED_RULES: Mapping[Fault, frozenset[str]] = {
    Fault.DOSSIER_CODE_DATE: frozenset({"HS-002"}),
    Fault.DOSSIER_CODE_MALFORMED: frozenset({"HS-001"}),
    Fault.DOSSIER_CODE_FOREIGN: frozenset({"HS-003"}),
    Fault.PROCEDURE_UNKNOWN: frozenset({"TT-002"}),
    Fault.PROCEDURE_MALFORMED: frozenset({"TT-001"}),
    Fault.ILLEGAL_TRANSITION: frozenset({"LC-004"}),
    Fault.LATE_SYNC: frozenset({"LC-007"}),
    Fault.MISSING_PROGRESS: frozenset(),
    Fault.NFD_TEXT: frozenset({"ID-005"}),
    Fault.BAD_PHONE: frozenset({"ID-003"}),
    Fault.WRONG_TYPE: frozenset({"SC-002"}),
    Fault.PAYMENT_TAMPERED_ACCEPTED: frozenset({"PAY-022"}),
    Fault.PAYMENT_NOT_IDEMPOTENT: frozenset({"PAY-023"}),
    Fault.SSO_NO_STATE: frozenset({"SSO-001"}),
    Fault.SSO_NO_NONCE: frozenset({"SSO-002"}),
    Fault.SSO_NO_PKCE: frozenset({"SSO-003"}),
}
#: The same, as the mock portal records them: it also refuses another unit's dossier (AU-001).
PORTAL_EXPECTED_RULES: Mapping[Fault, frozenset[str]] = {
    **EXPECTED_RULES,
    Fault.DOSSIER_CODE_FOREIGN: frozenset({"HS-003", "AU-001"}),
}


@dataclass(frozen=True, slots=True)
class FaultRates:
    """Probability per dossier (per payment, per login for those flows) of each fault."""

    dossier_code_date: float = 0.0
    dossier_code_malformed: float = 0.0
    dossier_code_foreign: float = 0.0
    procedure_unknown: float = 0.0
    procedure_malformed: float = 0.0
    illegal_transition: float = 0.0
    late_sync: float = 0.0
    missing_progress: float = 0.0
    nfd_text: float = 0.0
    bad_phone: float = 0.0
    wrong_type: float = 0.0
    payment_tampered_accepted: float = 0.0
    payment_not_idempotent: float = 0.0
    sso_no_state: float = 0.0
    sso_no_nonce: float = 0.0
    sso_no_pkce: float = 0.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{field.name}: rate must be a number, not {value!r}")
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{field.name}: rate {value!r} is not between 0 and 1")
        for group in (CODE_FAULTS, PROCEDURE_FAULTS):
            total = sum(self.rate(fault) for fault in group)
            if total > 1.0 + 1e-9:
                names = " + ".join(fault.key for fault in group)
                raise ValueError(f"{names} = {total:g}: these exclude each other, at most 1")

    def rate(self, fault: Fault) -> float:
        """The probability of `fault`."""
        value: float = getattr(self, fault.key)
        return value

    @property
    def is_clean(self) -> bool:
        """True when every rate is 0."""
        return all(self.rate(fault) == 0.0 for fault in Fault)

    @classmethod
    def from_mapping(cls, rates: Mapping[str, object]) -> FaultRates:
        """Rates by key (`late_sync = 0.2`); ValueError naming an unknown key or a bad rate."""
        known = {fault.key for fault in Fault}
        unknown = sorted(set(rates) - known)
        if unknown:
            raise ValueError(f"unknown fault {unknown[0]!r} (known: {', '.join(sorted(known))})")
        return cls(**rates)  # type: ignore[arg-type]  # values are checked in __post_init__


def _pick(rates: FaultRates, group: Iterable[Fault], draw: float) -> Fault | None:
    """The fault of a mutually exclusive group that one uniform `draw` lands in, if any."""
    edge = 0.0
    for fault in group:
        edge += rates.rate(fault)
        if draw < edge:
            return fault
    return None


def draw_dossier_faults(rates: FaultRates, rng: Random) -> frozenset[Fault]:
    """The integration faults of one dossier. Always consumes the same number of draws, so a
    dossier's other random choices do not depend on which faults it got."""
    code_draw, procedure_draw = rng.random(), rng.random()
    others = [(fault, rng.random()) for fault in _INDEPENDENT]
    code_fault = _pick(rates, CODE_FAULTS, code_draw)
    if code_fault is Fault.DOSSIER_CODE_FOREIGN:
        return frozenset({code_fault})
    chosen = {fault for fault, draw in others if draw < rates.rate(fault)}
    for fault in (code_fault, _pick(rates, PROCEDURE_FAULTS, procedure_draw)):
        if fault is not None:
            chosen.add(fault)
    return frozenset(chosen)


def draw_independent(rates: FaultRates, faults: Iterable[Fault], rng: Random) -> frozenset[Fault]:
    """Independent draws of `faults` (one per fault, in the order given): for the payment and
    SSO flows, which plant their faults per payment or per login."""
    return frozenset(fault for fault in faults if rng.random() < rates.rate(fault))
