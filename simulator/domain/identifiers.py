"""Seeded generators of identifiers that pass the validators of `contracts.identifiers`.

Every generator takes a `random.Random`, so a scenario's seed reproduces its traffic. The
validators are re-exported, so simulator code has one import for making and checking values.
"""

from __future__ import annotations

from datetime import date
from random import Random
from typing import Literal

from contracts.identifiers import (
    FORMER_PROVINCE_ID_CODES,
    MOBILE_PREFIXES,
    AgencyCode,
    CitizenIdParts,
    Gender,
    agency_parents,
    agency_within,
    citizen_id_problem,
    decode_citizen_id,
    email_problem,
    is_valid_citizen_id,
    is_valid_email,
    is_valid_legacy_id,
    is_valid_phone,
    is_valid_tax_code,
    normalise_phone,
    parse_agency_code,
    phone_problem,
    tax_check_digit,
    tax_code_problem,
)

__all__ = [
    "AgencyCode",
    "CitizenIdParts",
    "Gender",
    "agency_parents",
    "agency_within",
    "citizen_id_problem",
    "decode_citizen_id",
    "email_problem",
    "generate_citizen_id",
    "generate_legacy_id",
    "generate_phone",
    "generate_tax_code",
    "is_valid_citizen_id",
    "is_valid_email",
    "is_valid_legacy_id",
    "is_valid_phone",
    "is_valid_tax_code",
    "normalise_phone",
    "parse_agency_code",
    "phone_problem",
    "tax_check_digit",
    "tax_code_problem",
]

_MOBILE_PREFIXES = sorted(MOBILE_PREFIXES)
#: Real landline area codes (after the 2017 renumbering) used for generated numbers: Hà Nội 024,
#: TP.HCM 028 (8-digit subscriber numbers), and 4-digit codes with 7-digit subscribers.
_AREA_CODES = ("024", "028", "0225", "0234", "0236", "0237", "0238", "0292", "0296", "0203")
_CENTURY_DIGIT = {1800: 8, 1900: 0, 2000: 2, 2100: 4, 2200: 6}


def generate_citizen_id(
    rng: Random, province_gso_code: str, birth_date: date, gender: Gender
) -> str:
    """A 12-digit citizen ID for someone born on `birth_date` and registered in that province.

    `province_gso_code` is a GSO code of one of the former 63 provinces ("1", "01" or "001";
    the 34 current units kept codes from that set). Digits 7-12 are random.
    """
    province = f"{int(province_gso_code):03d}"
    if province not in FORMER_PROVINCE_ID_CODES:
        raise ValueError(f"{province_gso_code!r} is not the GSO code of a province")
    century = birth_date.year // 100 * 100
    if century not in _CENTURY_DIGIT:
        raise ValueError(f"birth year {birth_date.year} is outside 1800-2299")
    digit = _CENTURY_DIGIT[century] + (1 if gender == "female" else 0)
    serial = rng.randrange(1_000_000)
    return f"{province}{digit}{birth_date.year % 100:02d}{serial:06d}"


def generate_legacy_id(rng: Random) -> str:
    """A 9-digit legacy identity-card number (CMND)."""
    return f"{rng.randrange(1_000_000_000):09d}"


def generate_tax_code(rng: Random, branch: bool = False) -> str:
    """A tax code with a correct check digit; with `branch`, a `-001`…`-999` unit suffix.

    The first two digits are a province-style prefix 01..99, as issued numbers have.
    """
    while True:
        first_nine = f"{rng.randrange(1, 100):02d}{rng.randrange(10_000_000):07d}"
        check = tax_check_digit(first_nine)
        if check is not None:
            break
    code = f"{first_nine}{check}"
    return f"{code}-{rng.randrange(1, 1000):03d}" if branch else code


def generate_phone(rng: Random, kind: Literal["mobile", "landline"] = "mobile") -> str:
    """A Vietnamese phone number as bare digits: mobile (10 digits) or landline (11 digits)."""
    if kind == "mobile":
        return f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"
    area = rng.choice(_AREA_CODES)
    width = 11 - len(area)
    return f"{area}{rng.randrange(2 * 10 ** (width - 1), 10**width)}"
