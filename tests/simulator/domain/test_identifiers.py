"""Seeded identifier generators: what they make passes the contract validators."""

from __future__ import annotations

from datetime import date
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import contracts.identifiers as validators
from simulator.domain import identifiers
from simulator.domain.identifiers import (
    decode_citizen_id,
    generate_citizen_id,
    generate_legacy_id,
    generate_phone,
    generate_tax_code,
    is_valid_citizen_id,
    is_valid_legacy_id,
    is_valid_phone,
    is_valid_tax_code,
    tax_code_problem,
)
from simulator.domain.provinces import FORMER_GSO_CODES

seeds = st.integers(min_value=0, max_value=2**32)
TODAY = date(2026, 7, 1)


@given(
    seed=seeds,
    province=st.sampled_from(sorted(FORMER_GSO_CODES)),
    born=st.dates(min_value=date(1800, 1, 1), max_value=TODAY),
    gender=st.sampled_from(["male", "female"]),
)
def test_generated_citizen_ids_are_valid_and_decode(
    seed: int, province: str, born: date, gender: str
) -> None:
    """A generated ID is valid and decodes to the province, birth year and gender asked for."""
    value = generate_citizen_id(Random(seed), province, born, gender)  # type: ignore[arg-type]
    assert is_valid_citizen_id(value, today=TODAY)
    parts = decode_citizen_id(value)
    assert (parts.province_code, parts.birth_year, parts.gender) == (province, born.year, gender)


def test_citizen_id_accepts_unpadded_province_codes() -> None:
    """ "1", "01" and "001" all mean Hà Nội."""
    rngs = [Random(7) for _ in range(3)]
    born = date(1990, 5, 17)
    ids = {
        generate_citizen_id(rng, code, born, "male")
        for rng, code in zip(rngs, ["1", "01", "001"], strict=True)
    }
    assert len(ids) == 1
    assert ids.pop().startswith("0010" + "90")


@pytest.mark.parametrize(
    ("province", "born", "message"),
    [
        ("03", date(1990, 1, 1), "GSO code"),
        ("97", date(1990, 1, 1), "GSO code"),
        ("01", date(1799, 1, 1), "1800-2299"),
    ],
)
def test_citizen_id_generator_refuses_impossible_input(
    province: str, born: date, message: str
) -> None:
    """Unknown provinces and birth years outside the encodable centuries are refused."""
    with pytest.raises(ValueError, match=message):
        generate_citizen_id(Random(1), province, born, "female")


@given(seed=seeds)
def test_generated_legacy_ids_are_valid(seed: int) -> None:
    """A generated CMND number is nine digits."""
    assert is_valid_legacy_id(generate_legacy_id(Random(seed)))


@given(seed=seeds, branch=st.booleans())
def test_generated_tax_codes_are_valid(seed: int, branch: bool) -> None:
    """A generated tax code has a correct check digit, and a branch suffix when asked."""
    value = generate_tax_code(Random(seed), branch=branch)
    assert is_valid_tax_code(value)
    assert len(value) == (14 if branch else 10)


@given(seed=seeds, branch=st.booleans(), shift=st.integers(min_value=1, max_value=9))
def test_flipping_the_check_digit_invalidates(seed: int, branch: bool, shift: int) -> None:
    """Changing the tenth digit of a valid tax code always makes it invalid."""
    value = generate_tax_code(Random(seed), branch=branch)
    flipped = value[:9] + str((int(value[9]) + shift) % 10) + value[10:]
    problem = tax_code_problem(flipped)
    assert problem is not None
    assert "check digit" in problem


@given(seed=seeds, kind=st.sampled_from(["mobile", "landline"]))
def test_generated_phones_are_valid(seed: int, kind: str) -> None:
    """A generated mobile has 10 digits, a landline 11, both valid."""
    value = generate_phone(Random(seed), kind)  # type: ignore[arg-type]
    assert is_valid_phone(value)
    assert len(value) == (10 if kind == "mobile" else 11)


def test_generators_are_deterministic_per_seed() -> None:
    """The same seed gives the same identifiers."""

    def batch(seed: int) -> list[str]:
        rng = Random(seed)
        return [
            generate_citizen_id(rng, "79", date(2001, 2, 3), "female"),
            generate_legacy_id(rng),
            generate_tax_code(rng),
            generate_tax_code(rng, branch=True),
            generate_phone(rng),
            generate_phone(rng, "landline"),
        ]

    assert batch(42) == batch(42)
    assert batch(42) != batch(43)


def test_validators_are_re_exported_unchanged() -> None:
    """Simulator code checks with exactly the functions the contract rules use."""
    for name in identifiers.__all__:
        if not name.startswith("generate_"):
            assert getattr(identifiers, name) is getattr(validators, name)
