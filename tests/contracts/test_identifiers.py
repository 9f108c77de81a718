"""The pure identifier checks of `contracts.identifiers`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.identifiers import (
    FORMER_PROVINCE_ID_CODES,
    MOBILE_PREFIXES,
    TAX_CODE_WEIGHTS,
    AgencyCode,
    CitizenIdParts,
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

TODAY = date(2026, 7, 1)
CONTAINMENT: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "agency_containment.json").read_text(encoding="utf-8")
)

# --- citizen ID ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("001090123456", CitizenIdParts("01", "male", 1990)),
        ("079303001234", CitizenIdParts("79", "female", 2003)),
        ("096185000001", CitizenIdParts("96", "female", 1985)),
        ("038224999999", CitizenIdParts("38", "male", 2024)),
        ("040855000001", CitizenIdParts("40", "male", 1855)),
        ("002999000000", CitizenIdParts("02", "female", 1899)),
    ],
)
def test_valid_citizen_ids_decode(value: str, parts: CitizenIdParts) -> None:
    """A well-formed ID is valid and decodes to province, gender and birth year."""
    assert citizen_id_problem(value, TODAY) is None
    assert is_valid_citizen_id(value, today=TODAY)
    assert decode_citizen_id(value) == parts


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("00109012345", "12"),
        ("0010901234567", "12"),
        ("00109012345a", "12"),
        ("００１０９０１２３４５６", "12"),  # full-width digits are not ASCII digits
        (" 001090123456", "12"),
        ("", "12"),
        ("003090123456", "'003'"),  # 03 was never a province code
        ("097090123456", "'097'"),
        ("000090123456", "'000'"),
        ("001299123456", "2099"),  # 2000s male, year 99: in the future on TODAY
        ("001428123456", "2128"),
    ],
)
def test_invalid_citizen_ids_say_why(value: str, fragment: str) -> None:
    """An invalid ID gets a bilingual reason naming what is wrong."""
    problem = citizen_id_problem(value, TODAY)
    assert problem is not None
    assert fragment in problem
    assert " / " in problem


def test_citizen_id_future_is_relative_to_today() -> None:
    """A birth year is only "future" relative to the date checked against."""
    assert citizen_id_problem("001227123456", date(2026, 1, 1)) is not None
    assert citizen_id_problem("001227123456", date(2027, 1, 1)) is None


def test_citizen_id_rejects_non_strings() -> None:
    """Numbers and None are not IDs (a leading zero would be lost anyway)."""
    assert citizen_id_problem(1090123456) is not None
    assert not is_valid_citizen_id(None)


def test_decode_rejects_malformed_ids() -> None:
    """Decoding a malformed ID raises ValueError with the reason."""
    with pytest.raises(ValueError, match="12"):
        decode_citizen_id("12345")


def test_province_codes_are_the_former_63() -> None:
    """The ID province table holds 63 three-digit codes between 001 and 096."""
    assert len(FORMER_PROVINCE_ID_CODES) == 63
    assert all(len(code) == 3 and "001" <= code <= "096" for code in FORMER_PROVINCE_ID_CODES)


@given(
    province=st.sampled_from(sorted(FORMER_PROVINCE_ID_CODES)),
    year=st.integers(1800, 2026),
    female=st.booleans(),
    serial=st.integers(0, 999_999),
)
def test_citizen_id_birth_year_round_trips(
    province: str, year: int, female: bool, serial: int
) -> None:
    """Encoding century, gender and year into digit 4-6 decodes back to the same values."""
    century_digit = {1800: 8, 1900: 0, 2000: 2}[year // 100 * 100] + int(female)
    value = f"{province}{century_digit}{year % 100:02d}{serial:06d}"
    assert citizen_id_problem(value, TODAY) is None
    parts = decode_citizen_id(value)
    assert (parts.province_code, parts.birth_year) == (province[1:], year)
    assert parts.gender == ("female" if female else "male")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("012345678", True),
        ("987654321", True),
        ("12345678", False),
        ("0123456789", False),
        ("01234567a", False),
        ("٠١٢٣٤٥٦٧٨", False),  # Arabic-Indic digits
        (12345678, False),
    ],
)
def test_legacy_id_is_nine_ascii_digits(value: object, valid: bool) -> None:
    """A legacy CMND number is exactly nine ASCII digits."""
    assert is_valid_legacy_id(value) is valid


# --- tax code -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["0100109106", "0100109106-001", "0100109106001", "0100109106-999"]
)
def test_valid_tax_codes(value: str) -> None:
    """A 10-digit code with the right check digit, with or without a branch suffix, is valid."""
    assert tax_code_problem(value) is None
    assert is_valid_tax_code(value)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0100109107", "expected 6"),
        ("0100109106-000", "001"),
        ("010010910", "10 digits"),
        ("0100109106-01", "10 digits"),
        ("0100109106_001", "10 digits"),
        ("01001091O6", "10 digits"),
        ("0000000000", "check 10"),
    ],
)
def test_invalid_tax_codes_say_why(value: str, fragment: str) -> None:
    """An invalid tax code gets a bilingual reason naming what is wrong."""
    problem = tax_code_problem(value)
    assert problem is not None
    assert fragment in problem


def test_check_digit_follows_the_documented_weights() -> None:
    """The check digit is 10 − (Σ dᵢ·wᵢ mod 11) with weights 31, 29, 23, 19, 17, 13, 7, 5, 3."""
    assert TAX_CODE_WEIGHTS == (31, 29, 23, 19, 17, 13, 7, 5, 3)
    total = sum(int(d) * w for d, w in zip("010010910", TAX_CODE_WEIGHTS, strict=True))
    assert tax_check_digit("010010910") == 10 - total % 11 == 6


@given(st.text("0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_is_valid(first_nine: str) -> None:
    """For any nine digits, at most one tenth digit is valid, and none when the check is 10."""
    valid = [d for d in "0123456789" if is_valid_tax_code(first_nine + d)]
    check = tax_check_digit(first_nine)
    assert valid == ([] if check is None else [str(check)])


# --- phone --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("02438253456", "02438253456"),
        ("(028) 3829 1234", "02838291234"),
        ("+84 236 3821 234", "02363821234"),
    ],
)
def test_valid_phones_normalise(value: str, normalised: str) -> None:
    """Vietnamese numbers in common notations are valid and normalise to a leading 0."""
    assert phone_problem(value) is None
    assert normalise_phone(value) == normalised


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0951234567", "095"),
        ("0123456789", "012"),
        ("01234567890", "2018"),
        ("+1 202 555 0100", "+84"),
        ("0912 345 67", "10"),
        ("091234567890", "10"),
        ("02001234567", "0200"),
        ("0912a45678", "invalid characters"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_invalid_phones_say_why(value: str, fragment: str) -> None:
    """An invalid phone gets a bilingual reason naming what is wrong."""
    problem = phone_problem(value)
    assert problem is not None
    assert fragment in problem


def test_mobile_prefixes_exclude_unassigned_ones() -> None:
    """Mobile prefixes are three digits; 095 (defunct S-Fone) and 080 are not among them."""
    assert all(len(p) == 3 and p.startswith("0") for p in MOBILE_PREFIXES)
    assert {"095", "080", "031", "060"}.isdisjoint(MOBILE_PREFIXES)


@given(
    prefix=st.sampled_from(sorted(MOBILE_PREFIXES)),
    rest=st.integers(0, 9_999_999),
    style=st.sampled_from(["{p}{r}", "+84{q}{r}", "{p} {a} {b}", "{p}.{a}.{b}", "84 {q} {a}-{b}"]),
)
def test_every_assigned_mobile_number_is_valid(prefix: str, rest: int, style: str) -> None:
    """Any number on an assigned prefix is valid whatever the separators."""
    digits = f"{rest:07d}"
    text = style.format(p=prefix, q=prefix[1:], r=digits, a=digits[:3], b=digits[3:])
    assert is_valid_phone(text)
    assert normalise_phone(text) == prefix + digits


# --- e-mail -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "a@example.vn",
        "nguyen.van.a+dvc@sub.example.com.vn",
        "o'brien@example.org",
        "a@bộtưpháp.vn",
        "a@example.xn--p1ai",
        "A1_b-c@EXAMPLE.GOV.VN",
    ],
)
def test_valid_emails(value: str) -> None:
    """Ordinary, tagged, IDN and punycode-TLD addresses are valid."""
    assert email_problem(value) is None
    assert is_valid_email(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a@b",
        "a@@b.vn",
        "a@b@c.vn",
        "a@b..vn",
        ".a@b.vn",
        "a.@b.vn",
        "a..b@c.vn",
        "a b@c.vn",
        "a@-b.vn",
        "a@b-.vn",
        "a@b.v",
        "a@b.123",
        "ạ@b.vn",
        "@b.vn",
        "a@",
        '"quoted"@b.vn',
        "a@" + "b" * 64 + ".vn",
        "x" * 65 + "@b.vn",
    ],
)
def test_invalid_emails(value: str) -> None:
    """Malformed addresses get a bilingual reason."""
    problem = email_problem(value)
    assert problem is not None
    assert " / " in problem


def test_email_rejects_non_strings() -> None:
    """None is not an address."""
    assert not is_valid_email(None)


# --- agency codes -------------------------------------------------------------------------


def test_parse_agency_code_names_the_levels() -> None:
    """Segments are read from level 4 (leftmost) to level 1 (the province)."""
    code = parse_agency_code("000.A0.01.H26")
    assert code == AgencyCode(level4="000", level3="A0", level2="01", level1="H26")
    assert str(code) == "000.A0.01.H26"
    assert code.depth == 3


@pytest.mark.parametrize(
    ("code", "depth"),
    [("000.00.00.H56", 1), ("000.00.22.H56", 2), ("000.17.22.H56", 3), ("001.17.22.H56", 4)],
)
def test_agency_depth(code: str, depth: int) -> None:
    """The depth is the lowest level with a non-zero segment."""
    parsed = parse_agency_code(code)
    assert parsed is not None
    assert parsed.depth == depth


@pytest.mark.parametrize(
    "code",
    ["", "000.00.00.h56", "000.00.00.H5", "00.00.00.H56", "000.00.00.H56 ", "000-00-00-H56", None],
)
def test_parse_rejects_malformed_codes(code: object) -> None:
    """Anything not shaped `XXX.XX.XX.Ann` parses to None."""
    assert parse_agency_code(code) is None


def test_agency_parents_zero_from_the_lowest_level_up() -> None:
    """Parents are the codes with the lowest non-zero segments zeroed, nearest first."""
    assert agency_parents("001.17.22.H56") == ["000.17.22.H56", "000.00.22.H56", "000.00.00.H56"]
    assert agency_parents("000.17.22.H56") == ["000.00.22.H56", "000.00.00.H56"]
    assert agency_parents("000.17.00.H56") == ["000.00.00.H56"]
    assert agency_parents("000.00.00.H56") == []
    assert agency_parents("garbage") == []


@pytest.mark.parametrize(
    "case", CONTAINMENT["within"], ids=[c["why"] for c in CONTAINMENT["within"]]
)
def test_must_be_within(case: dict[str, str]) -> None:
    """Each listed child is within its listed ancestor."""
    assert agency_within(case["child"], case["ancestor"])


@pytest.mark.parametrize(
    "case", CONTAINMENT["not_within"], ids=[c["why"] for c in CONTAINMENT["not_within"]]
)
def test_must_not_be_within(case: dict[str, str]) -> None:
    """Each listed child is not within its listed ancestor."""
    assert not agency_within(case["child"], case["ancestor"])


_segment3 = st.text("0123456789ABC", min_size=3, max_size=3)
_segment2 = st.text("0123456789ABC", min_size=2, max_size=2)


@given(a=_segment3, b=_segment2, c=_segment2, h=st.integers(1, 63))
def test_every_parent_contains_the_code(a: str, b: str, c: str, h: int) -> None:
    """A code is within each of its parents and within its province's `000.00.00.Hxx`."""
    code = f"{a}.{b}.{c}.H{h:02d}"
    for parent in agency_parents(code):
        assert agency_within(code, parent)
        assert not agency_within(parent, code)
    assert agency_within(code, f"000.00.00.H{h:02d}")
    assert not agency_within(code, f"000.00.00.H{h % 63 + 1:02d}")
