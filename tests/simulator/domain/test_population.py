"""The synthetic population of DVCQG accounts: seeded, Vietnamese names in NFC, valid numbers."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import replace

import pytest

from contracts.identifiers import (
    decode_citizen_id,
    is_valid_citizen_id,
    is_valid_legacy_id,
    is_valid_tax_code,
)
from simulator.domain import (
    CITIZEN,
    LEVELS_OF_ASSURANCE,
    ORGANISATION,
    Population,
    bundled_population,
    synthetic_population,
)
from simulator.domain.provinces import bundled_provinces


def test_the_same_seed_builds_the_same_people() -> None:
    """A seed reproduces every account (so every worker process agrees); another seed differs."""
    assert synthetic_population(seed=5).accounts == synthetic_population(seed=5).accounts
    assert synthetic_population(seed=5).accounts != synthetic_population(seed=6).accounts


def test_bundled_population_has_citizens_and_businesses() -> None:
    """40 citizens and 12 businesses, LoaiTaiKhoan 1 and 2."""
    people = bundled_population()
    assert len(people.citizens()) == 40
    assert len(people.businesses()) == 12
    assert {a.account_type for a in people.citizens()} == {CITIZEN}
    assert {a.account_type for a in people.businesses()} == {ORGANISATION}


@pytest.mark.parametrize("seed", [1, 2026, 99])
def test_identifiers_pass_the_contract_checks(seed: int) -> None:
    """Citizen IDs (12 digits, province and century coherent), CMND, tax codes are valid."""
    people = synthetic_population(seed=seed, citizens=200, businesses=50)
    for account in people.citizens():
        assert is_valid_citizen_id(account.citizen_id), account.citizen_id
        parts = decode_citizen_id(account.citizen_id)
        assert account.birth_date is not None
        assert parts.birth_year == account.birth_date.year
        assert parts.gender == account.gender
        assert account.legacy_id == "" or is_valid_legacy_id(account.legacy_id)
        assert account.tax_code == "" or is_valid_tax_code(account.tax_code)
        assert account.enterprise_code == ""
    for account in people.businesses():
        assert account.citizen_id == ""
        assert account.enterprise_code == account.tax_code
        assert is_valid_tax_code(account.tax_code)


def test_some_citizens_have_a_legacy_card_and_only_older_ones() -> None:
    """Some, not all, citizens keep a 9-digit CMND; only those born before 2000."""
    citizens = synthetic_population(citizens=200).citizens()
    with_card = [a for a in citizens if a.legacy_id]
    assert 0 < len(with_card) < len(citizens)
    assert all(a.birth_date is not None and a.birth_date.year < 2000 for a in with_card)


def test_names_are_vietnamese_in_nfc() -> None:
    """Names carry diacritics and are NFC; a citizen's name is family name + given names."""
    people = bundled_population()
    assert any(not account.name.isascii() for account in people.accounts)
    for account in people.accounts:
        assert unicodedata.is_normalized("NFC", account.name)
        assert unicodedata.is_normalized("NFC", account.address)
    for account in people.citizens():
        assert account.name == f"{account.family_name} {account.given_name}"


def test_tech_ids_are_uuids_and_every_identifier_finds_its_account() -> None:
    """TechID is a UUID v4; each identifier of an account, any case, finds that account."""
    people = bundled_population()
    for account in people.accounts:
        assert uuid.UUID(account.tech_id).version == 4
        for value in account.identifiers():
            assert people.find(value) is account
            assert people.find(f"  {value.upper()} ") is account
    assert people.find("000000000000") is None


def test_levels_of_assurance_start_at_loa1_and_are_contiguous() -> None:
    """An account reaching LoA2 also reaches LoA1: its levels are a prefix of LoA1..LoA3."""
    for account in bundled_population().accounts:
        assert account.levels == LEVELS_OF_ASSURANCE[: len(account.levels)]
        assert account.highest_level == account.levels[-1]


def test_provinces_are_current_units() -> None:
    """Each account lives in one of the 34 units."""
    registry = bundled_provinces()
    assert all(registry.by_code(a.province) for a in bundled_population().accounts)


def test_a_repeated_identifier_is_refused() -> None:
    """A population where two accounts share a number cannot be built."""
    first, second = bundled_population().citizens()[:2]
    with pytest.raises(ValueError, match="names two accounts"):
        Population([first, replace(second, citizen_id=first.citizen_id)])
