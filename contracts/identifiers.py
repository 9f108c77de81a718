"""Pure checks of the identifiers a DVCQG message carries: citizen IDs, tax codes, phones,
e-mail addresses and QCVN 102:2016/BTTTT agency codes.

The rules call these on every message, so they are written for speed: regexes are compiled once,
lookup tables are frozensets, and the happy path allocates next to nothing. They never raise for
bad input; the `*_problem` functions return a short bilingual reason ("Vietnamese / English") or
None, and the `is_valid_*` functions are their boolean shorthands.

Standard library only: `contracts` must stay importable without the simulator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

__all__ = [
    "FORMER_PROVINCE_ID_CODES",
    "MOBILE_PREFIXES",
    "TAX_CODE_WEIGHTS",
    "AgencyCode",
    "CitizenIdParts",
    "Gender",
    "agency_parents",
    "agency_within",
    "citizen_id_problem",
    "decode_citizen_id",
    "email_problem",
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

Gender = Literal["male", "female"]

# --------------------------------------------------------------------------------------------
# Citizen ID (căn cước / số định danh cá nhân), Decree 137/2015/NĐ-CP, Circular 07/2016/TT-BCA
# --------------------------------------------------------------------------------------------

#: Digits 1-3 of a citizen ID: the GSO code (Decision 124/2004/QĐ-TTg) of one of the 63
#: provinces that existed before 1 July 2025, zero-padded to three digits. The 34 units since
#: then kept codes from this set, so it still covers every ID ever issued.
FORMER_PROVINCE_ID_CODES: frozenset[str] = frozenset(
    f"{code:03d}"
    for code in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
        34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64,
        66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94,
        95, 96,
    )
)  # fmt: skip

#: Digit 4: gender and century of birth. Even = male, odd = female.
_CENTURY_BY_DIGIT: dict[str, int] = {
    "0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100,
    "5": 2100, "6": 2200, "7": 2200, "8": 1800, "9": 1800,
}  # fmt: skip

_START_YEAR = date.today().year  # time only moves on: a year not after this is never future
_CITIZEN_ID_RE = re.compile(r"[0-9]{12}")
_LEGACY_ID_RE = re.compile(r"[0-9]{9}")


@dataclass(frozen=True, slots=True)
class CitizenIdParts:
    """What a 12-digit citizen ID says about its holder."""

    #: two-digit GSO code of the (former) province of birth registration, e.g. "01"
    province_code: str
    gender: Gender
    birth_year: int


def _citizen_id_shape_problem(value: object) -> str | None:
    if not isinstance(value, str) or _CITIZEN_ID_RE.fullmatch(value) is None:
        return "số định danh cá nhân phải gồm đúng 12 chữ số / citizen ID must be exactly 12 digits"
    if value[:3] not in FORMER_PROVINCE_ID_CODES:
        return f"mã tỉnh '{value[:3]}' không tồn tại / unknown province code '{value[:3]}'"
    return None


def citizen_id_problem(value: object, today: date | None = None) -> str | None:
    """Why `value` is not a valid 12-digit citizen ID, or None when it is.

    Checks: exactly 12 ASCII digits; digits 1-3 a former-province GSO code; the birth year
    implied by digit 4 (century) and digits 5-6 (year) not after `today` (default: today).
    """
    problem = _citizen_id_shape_problem(value)
    if problem is not None:
        return problem
    assert isinstance(value, str)  # narrowed by the shape check
    year = _CENTURY_BY_DIGIT[value[3]] + int(value[4:6])
    if today is None and year <= _START_YEAR:
        return None  # cannot be in the future: saves the clock read on the hot path
    if year > (today or date.today()).year:
        return f"năm sinh {year} ở tương lai / birth year {year} is in the future"
    return None


def is_valid_citizen_id(value: object, *, today: date | None = None) -> bool:
    """True when `value` is a plausible 12-digit citizen ID (see `citizen_id_problem`)."""
    return citizen_id_problem(value, today) is None


def decode_citizen_id(value: str) -> CitizenIdParts:
    """Province, gender and birth year of a citizen ID; ValueError if it is malformed.

    The future-year check is left to `citizen_id_problem`: decoding is pure arithmetic.
    """
    problem = _citizen_id_shape_problem(value)
    if problem is not None:
        raise ValueError(problem)
    digit = value[3]
    gender: Gender = "male" if digit in "02468" else "female"
    return CitizenIdParts(value[1:3], gender, _CENTURY_BY_DIGIT[digit] + int(value[4:6]))


def is_valid_legacy_id(value: object) -> bool:
    """True for a 9-digit legacy identity-card number (CMND): exactly nine ASCII digits."""
    return isinstance(value, str) and _LEGACY_ID_RE.fullmatch(value) is not None


# --------------------------------------------------------------------------------------------
# Tax code (mã số thuế)
# --------------------------------------------------------------------------------------------

#: Weights of digits 1..9 in the check-digit sum.
TAX_CODE_WEIGHTS: tuple[int, ...] = (31, 29, 23, 19, 17, 13, 7, 5, 3)

_TAX_CODE_RE = re.compile(r"([0-9]{10})(?:-?([0-9]{3}))?")


def tax_check_digit(first_nine: str) -> int | None:
    """The check digit (10th digit) for the first nine digits of a tax code.

    Algorithm: S = Σ digit_i × weight_i over digits 1..9 with weights
    31, 29, 23, 19, 17, 13, 7, 5, 3; check = 10 − (S mod 11). A result of 10 (S divisible by 11)
    has no single-digit representation, so such a number is never issued: None is returned.
    """
    total = 0
    for digit, weight in zip(first_nine, TAX_CODE_WEIGHTS, strict=True):
        total += (ord(digit) - 48) * weight
    check = 10 - total % 11
    return None if check == 10 else check


def tax_code_problem(value: object) -> str | None:
    """Why `value` is not a valid tax code, or None when it is.

    Accepted shapes: `NNNNNNNNNC` (10 digits, C the check digit, see `tax_check_digit`),
    `NNNNNNNNNC-BBB` (a branch or dependent unit) and the same 13 digits without the hyphen.
    Branch numbers start at 001, so `000` is refused.
    """
    if not isinstance(value, str):
        return "mã số thuế phải là chuỗi / tax code must be a string"
    match = _TAX_CODE_RE.fullmatch(value)
    if match is None:
        return (
            "mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, '-' và 3 chữ số / "
            "tax code must be 10 digits, or 10 digits, '-' and 3 digits"
        )
    main, branch = match.group(1), match.group(2)
    check = tax_check_digit(main[:9])
    if check is None:
        return (
            "mã số thuế không thể tồn tại (số kiểm tra bằng 10) / tax code cannot exist (check 10)"
        )
    if ord(main[9]) - 48 != check:
        return f"sai chữ số kiểm tra, phải là {check} / wrong check digit, expected {check}"
    if branch == "000":
        return "số đơn vị phụ thuộc phải từ 001 / branch number must start at 001"
    return None


def is_valid_tax_code(value: object) -> bool:
    """True when `value` is a well-formed tax code with a correct check digit."""
    return tax_code_problem(value) is None


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

#: Three-digit mobile prefixes in use since the 2018 renumbering: Viettel 032-039, 086, 096-098;
#: VinaPhone 081-085, 088, 091, 094; MobiFone 070, 076-079, 089, 090, 093; Vietnamobile 052,
#: 056, 058, 092; Gmobile 059, 099; Reddi 055; iTel 087. 095 (the defunct S-Fone) is unassigned.
MOBILE_PREFIXES: frozenset[str] = frozenset(
    (
        "032", "033", "034", "035", "036", "037", "038", "039",
        "052", "055", "056", "058", "059",
        "070", "076", "077", "078", "079",
        "081", "082", "083", "084", "085", "086", "087", "088", "089",
        "090", "091", "092", "093", "094", "096", "097", "098", "099",
    )
)  # fmt: skip

_PHONE_SEPARATORS_RE = re.compile(r"[ .\-()]")
_DIGITS_RE = re.compile(r"[0-9]+")


def normalise_phone(value: str) -> str | None:
    """`value` as bare digits with a leading 0, or None if it is not written like a phone number.

    Spaces, dots, hyphens and parentheses are separators; a `+84` or `84` country prefix becomes
    the trunk `0` (`+84 912 345 678` → `0912345678`, also `+84 (0) 912…`). Length and prefix are
    not judged here: see `phone_problem`.
    """
    text = value.strip()
    plus = text.startswith("+")
    digits = _PHONE_SEPARATORS_RE.sub("", text[1:] if plus else text)
    if _DIGITS_RE.fullmatch(digits) is None:
        return None
    if plus or (digits.startswith("84") and not digits.startswith("0")):
        if not digits.startswith("84"):
            return None
        rest = digits[2:]
        digits = rest if rest.startswith("0") else "0" + rest
    return digits


def phone_problem(value: object) -> str | None:
    """Why `value` is not a Vietnamese phone number, or None when it is.

    Mobile: 10 digits with a prefix from `MOBILE_PREFIXES`. Landline: 11 digits starting 02 with
    an area code 0203..0299 (Hà Nội 024x and TP.HCM 028x fall in that range).
    """
    if isinstance(value, str):
        return _phone_problem(value)
    return "số điện thoại trống / phone number is empty"


@lru_cache(maxsize=65_536)
def _phone_problem(value: str) -> str | None:
    if not value.strip():
        return "số điện thoại trống / phone number is empty"
    digits = normalise_phone(value)
    if digits is None:
        if value.strip().startswith("+"):
            return "không phải số Việt Nam (+84) / not a Vietnamese number (+84)"
        return "số điện thoại chứa ký tự không hợp lệ / phone number has invalid characters"
    length = len(digits)
    if length == 10:
        if digits[:3] in MOBILE_PREFIXES:
            return None
        prefix = digits[:3]
        return f"đầu số di động '{prefix}' không tồn tại / unassigned mobile prefix '{prefix}'"
    if length == 11:
        if digits.startswith("02"):
            if 203 <= int(digits[1:4]) <= 299:
                return None
            return f"mã vùng '{digits[:4]}' không tồn tại / unknown area code '{digits[:4]}'"
        if digits.startswith("01"):
            return (
                "đầu số 11 số cũ, đã chuyển sang 10 số từ 2018 / "
                "old 11-digit mobile number, renumbered to 10 digits in 2018"
            )
    return (
        "số điện thoại phải có 10 (di động) hoặc 11 (cố định) chữ số / "
        "phone number must have 10 (mobile) or 11 (landline) digits"
    )


def is_valid_phone(value: object) -> bool:
    """True when `value` is a Vietnamese mobile or landline number (see `phone_problem`)."""
    return phone_problem(value) is None


# --------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------

_EMAIL_LOCAL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)
_DOMAIN_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD_RE = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}")


def email_problem(value: object) -> str | None:
    """Why `value` is not a usable e-mail address, or None when it is.

    Pragmatic RFC 5322 subset: one `@`; an ASCII dot-atom local part of at most 64 characters
    (no quoted strings, no spaces); a domain of at least two labels, each 1-63 letters, digits
    or inner hyphens, with an alphabetic top-level label of 2+ letters (or an `xn--` one).
    A Unicode domain is accepted when it IDNA-encodes (`a@bộtưpháp.vn`); the local part stays
    ASCII.
    """
    if isinstance(value, str):
        return _email_problem(value)
    return "địa chỉ thư điện tử trống / e-mail address is empty"


@lru_cache(maxsize=65_536)
def _email_problem(value: str) -> str | None:
    if not value:
        return "địa chỉ thư điện tử trống / e-mail address is empty"
    if value.count("@") != 1:
        return "địa chỉ thư điện tử phải có đúng một '@' / e-mail address needs exactly one '@'"
    local, domain = value.split("@")
    if not local or len(local) > 64 or _EMAIL_LOCAL_RE.fullmatch(local) is None:
        return f"phần tên '{local}' không hợp lệ / invalid local part '{local}'"
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return f"tên miền '{domain}' không hợp lệ / invalid domain '{domain}'"
    if len(domain) > 253:
        return "tên miền quá dài / domain too long"
    labels = domain.split(".")
    if len(labels) < 2 or any(_DOMAIN_LABEL_RE.fullmatch(label) is None for label in labels):
        return f"tên miền '{domain}' không hợp lệ / invalid domain '{domain}'"
    if _TLD_RE.fullmatch(labels[-1]) is None:
        return f"tên miền cấp cao '{labels[-1]}' không hợp lệ / invalid top-level domain"
    return None


def is_valid_email(value: object) -> bool:
    """True when `value` is a usable e-mail address (see `email_problem`)."""
    return email_problem(value) is None


# --------------------------------------------------------------------------------------------
# Agency codes, QCVN 102:2016/BTTTT
# --------------------------------------------------------------------------------------------

_AGENCY_RE = re.compile(r"([0-9A-Z]{3})\.([0-9A-Z]{2})\.([0-9A-Z]{2})\.([A-Z][0-9]{2})")


@dataclass(frozen=True, slots=True)
class AgencyCode:
    """An agency code `V1V2V3.Z1Z2.Y1Y2.MX1X2`, read from level 4 (leftmost) to level 1.

    "000" / "00" in a segment means "no unit at this level": `000.00.00.H56` is the province
    (Thanh Hóa) itself, `000.00.22.H56` a level-2 unit under it, `000.17.22.H56` a level-3 unit
    under that. Segments may contain capital letters (`000.A0.01.H26`).
    """

    level4: str
    level3: str
    level2: str
    level1: str

    def __str__(self) -> str:
        return f"{self.level4}.{self.level3}.{self.level2}.{self.level1}"

    @property
    def depth(self) -> int:
        """1 for the level-1 unit itself (`000.00.00.Hxx`) up to 4 for a level-4 unit."""
        if self.level4 != "000":
            return 4
        if self.level3 != "00":
            return 3
        if self.level2 != "00":
            return 2
        return 1


def parse_agency_code(code: object) -> AgencyCode | None:
    """The four segments of an agency code, or None when it is not shaped like one."""
    if not isinstance(code, str):
        return None
    match = _AGENCY_RE.fullmatch(code)
    if match is None:
        return None
    return AgencyCode(match.group(1), match.group(2), match.group(3), match.group(4))


@lru_cache(maxsize=16384)
def _ancestors(code: str) -> tuple[str, ...]:
    match = _AGENCY_RE.fullmatch(code)
    if match is None:
        return ()
    _, level3, level2, level1 = match.groups()
    candidates = (
        f"000.{level3}.{level2}.{level1}",
        f"000.00.{level2}.{level1}",
        f"000.00.00.{level1}",
    )
    result: list[str] = []
    for candidate in candidates:
        if candidate != code and candidate not in result:
            result.append(candidate)
    return tuple(result)


def agency_parents(code: str) -> list[str]:
    """The structural ancestors of `code`, nearest first (empty when malformed or level 1).

    They are formed by zeroing segments from the lowest level up:
    `001.17.22.H56` → `000.17.22.H56`, `000.00.22.H56`, `000.00.00.H56`.
    """
    return list(_ancestors(code))


def agency_within(child: str, ancestor: str) -> bool:
    """True when `child` is `ancestor` or structurally below it (see `agency_parents`).

    `000.17.22.H56` is within `000.00.22.H56`, `000.00.00.H56` and itself, and not within
    `000.00.22.H55` or `000.00.23.H56`. Malformed codes are within nothing.
    """
    if child == ancestor:
        return _AGENCY_RE.fullmatch(child) is not None
    return ancestor in _ancestors(child)
