"""Synthetic people and businesses: valid identifiers, NFC text, reproducible from a seed."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.identifiers import (
    citizen_id_problem,
    decode_citizen_id,
    email_problem,
    is_valid_legacy_id,
    phone_problem,
    tax_code_problem,
)
from simulator.domain import PROVINCES_2025, successor
from simulator.synthetic import Business, Person, build_pools, vietnamese_faker
from simulator.synthetic import _vocabulary as words
from simulator.synthetic.pools import place_of
from simulator.synthetic.providers import REFERENCE_DAY

CURRENT = sorted(unit.code for unit in PROVINCES_2025)
FORMER_ONLY = ["02", "06", "67", "62", "64", "49"]  # merged away on 1 July 2025
ADDRESS = re.compile(r"^.+, (Phường|Xã) \S+ \S+, (tỉnh |thành phố |Thành phố ).+$")


def _nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def _check_person(person: Person, province: str) -> None:
    assert citizen_id_problem(person.citizen_id, REFERENCE_DAY) is None
    parts = decode_citizen_id(person.citizen_id)
    assert parts.province_code == person.birth_province
    assert (parts.gender, parts.birth_year) == (person.gender, person.birth_date.year)
    heir = successor(person.birth_province)
    assert heir is not None
    assert person.birth_province == province or heir.code == province
    assert person.legacy_id == "" or is_valid_legacy_id(person.legacy_id)
    assert phone_problem(person.phone) is None
    assert email_problem(person.email) is None
    assert 18 <= (REFERENCE_DAY - person.birth_date).days // 365.25 <= 80
    assert ADDRESS.match(person.address), person.address
    for text in (person.name, person.address):
        assert _nfc(text)


def _check_business(business: Business) -> None:
    assert tax_code_problem(business.tax_code) is None
    assert len(business.tax_code) in (10, 14)
    assert business.name.startswith(("Công ty", "Doanh nghiệp", "Hợp tác xã", "Chi nhánh"))
    assert phone_problem(business.phone) is None
    assert email_problem(business.email) is None
    assert _nfc(business.name)
    assert _nfc(business.address)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), province=st.sampled_from(CURRENT + FORMER_ONLY))
def test_pools_pass_the_contract_identifier_rules(seed: int, province: str) -> None:
    """People and businesses of any seed and province pass citizen-ID, tax, phone and e-mail
    rules, are consistent with birth date and home province, and are NFC."""
    pools = build_pools(province, seed, people=40, businesses=15, communes=10, staff=4)
    for person in pools.people:
        _check_person(person, province)
    for business in pools.businesses:
        _check_business(business)
    assert all(_nfc(name) for name in (*pools.communes, *pools.staff))


def test_pools_are_reproducible_and_seed_dependent() -> None:
    """The same seed and province give the same pools; another seed gives other people."""
    first = build_pools("68", 11, people=20, businesses=5)
    assert first == build_pools("68", 11, people=20, businesses=5)
    assert first.people != build_pools("68", 12, people=20, businesses=5).people


def test_citizen_ids_carry_the_former_provinces_of_a_merged_unit() -> None:
    """Lâm Đồng's people were born in Lâm Đồng, Đắk Nông or Bình Thuận (IDs 068, 067, 060)."""
    pools = build_pools("68", 3, people=300, businesses=1)
    assert {person.citizen_id[:3] for person in pools.people} == {"068", "067", "060"}


def test_addresses_use_the_two_level_scheme_and_the_unit_name() -> None:
    """Addresses name a commune or ward and the province, no district, since July 2025."""
    hcm = build_pools("79", 5, people=30, businesses=3)
    assert hcm.full_name == "Thành phố Hồ Chí Minh"
    assert all(p.address.endswith(", Thành phố Hồ Chí Minh") for p in hcm.people)
    assert not any("Quận" in p.address or "Huyện" in p.address for p in hcm.people)
    thanh_hoa = build_pools("38", 5, people=5, businesses=1)
    assert thanh_hoa.people[0].address.endswith(", tỉnh Thanh Hóa")
    assert place_of("67")[0] == "tỉnh Đắk Nông"


def test_cities_have_more_wards_than_provinces() -> None:
    """Centrally run cities are mostly wards (phường); provinces mostly communes (xã)."""
    city = build_pools("01", 2, people=1, businesses=1, communes=60).communes
    rural = build_pools("12", 2, people=1, businesses=1, communes=60).communes
    assert sum(c.startswith("Phường") for c in city) > sum(c.startswith("Phường") for c in rural)


@pytest.mark.parametrize("code", ["99", "H36", "", "0x"])
def test_unknown_province_codes_are_refused(code: str) -> None:
    """A pool for a code that is no province is a ValueError naming the code."""
    with pytest.raises(ValueError, match=re.escape(repr(code))):
        build_pools(code, 1)


def test_faker_provider_methods_are_seeded() -> None:
    """The provider is reachable through Faker and follows `seed_instance`."""
    values = []
    for _ in range(2):
        fake = vietnamese_faker(42)
        values.append(
            (
                fake.citizen_id("38", date(1990, 1, 2), "male"),
                fake.tax_code(branch=True),
                fake.mobile_number(),
                fake.retired_mobile_number(),
                fake.business_name(),
                fake.ward_or_commune(True),
            )
        )
    assert values[0] == values[1]
    citizen, tax, mobile, retired, business, ward = values[0]
    assert citizen.startswith("0380")
    assert tax_code_problem(tax) is None
    assert re.fullmatch(r"\d{10}-\d{3}", tax)
    assert phone_problem(mobile) is None
    assert phone_problem(retired) is not None  # the planted ID-003 fault
    assert business.split()[0] in {"Công", "Doanh", "Hợp"}
    assert ward.startswith("Phường ")


def test_vocabulary_is_nfc() -> None:
    """Every bundled word is NFC, so generated text is NFC by construction."""
    texts: list[str] = [name for name, _ in words.FAMILY_NAMES]
    texts += [w for group in words.MIDDLE_NAMES.values() for w in group]
    texts += [w for group in words.GIVEN_NAMES.values() for w in group]
    texts += [*words.PLACE_FIRST, *words.PLACE_SECOND, *words.COMPANY_TRADES]
    texts += [form for form, _ in words.COMPANY_FORMS]
    texts += [note for notes in words.STEP_NOTES.values() for note in notes]
    assert all(_nfc(text) for text in texts)
