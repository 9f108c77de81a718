"""Pre-generated people, businesses, communes and staff of one province: Faker runs here, once.

A load test draws applicants from these pools with a plain `random.Random`, so the hot path
never calls Faker (the issue's load-generator benchmark needs that). A pool is built from a seed
and the province code alone, so every worker process builds the same one.

People are consistent with themselves: the citizen ID carries the GSO code of a former province
that is now part of their home unit (the 63 codes of Decision 124/2004, which IDs keep), their
gender and the century and year of their birth date; the address is in the home province, in
the two-level scheme since 1 July 2025 (house, commune or ward, province).

>>> pools = build_pools("38", seed=1, people=5, businesses=2)
>>> pools.people[0].citizen_id[:3] in ("038",)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from random import Random

from simulator.domain.identifiers import Gender
from simulator.domain.provinces import (
    CENTRAL_CITY,
    FormerProvince,
    Province,
    bundled_provinces,
)
from simulator.synthetic.providers import vietnamese_faker

__all__ = ["Business", "Person", "ProvincePools", "build_pools", "place_of"]


@dataclass(frozen=True, slots=True)
class Person:
    """A citizen who files dossiers (and, with a `tech_id`, has a DVCQG account)."""

    name: str
    gender: Gender
    birth_date: date
    #: two-digit GSO code of the former province the citizen ID was issued for
    birth_province: str
    #: GSO code of the province the person lives in (the pool's province)
    home_province: str
    citizen_id: str
    #: 9-digit identity card of the old kind, "" when the person never had one
    legacy_id: str
    phone: str
    email: str
    address: str
    #: DVCQG account id (`TechID`), "" when the person has no account
    tech_id: str


@dataclass(frozen=True, slots=True)
class Business:
    """An enterprise, branch or cooperative that files dossiers."""

    name: str
    tax_code: str
    address: str
    phone: str
    email: str
    representative: Person
    tech_id: str


@dataclass(frozen=True, slots=True)
class ProvincePools:
    """Everything synthetic one province's traffic needs, made once."""

    province: str
    #: the name addresses carry: "tỉnh Thanh Hóa", "Thành phố Hồ Chí Minh"
    full_name: str
    communes: tuple[str, ...]
    people: tuple[Person, ...]
    businesses: tuple[Business, ...]
    #: one-stop and department staff who act on dossiers (`NguoiXuLy`)
    staff: tuple[str, ...]


def place_of(code: str) -> tuple[str, tuple[str, ...], bool]:
    """(full name, former GSO codes IDs may carry, centrally run city?) of a province code.

    `code` is a current unit's GSO code ("68") or, for historical runs, a former province's
    ("67" Đắk Nông, merged into Lâm Đồng). ValueError when it is neither.
    """
    registry = bundled_provinces()
    if not (code.isdigit() and code.isascii()):
        raise ValueError(f"{code!r} is not the GSO code of a province (current or former)")
    unit: Province | None = registry.by_code(code)
    if unit is not None:
        return unit.full_name(), unit.merged_from, unit.kind == CENTRAL_CITY
    old: FormerProvince | None = registry.former_province(code)
    if old is None:
        raise ValueError(f"{code!r} is not the GSO code of a province (current or former)")
    is_city = old.kind == CENTRAL_CITY
    if old.name.startswith("Thành phố"):
        return old.name, (old.code,), is_city
    return f"{'thành phố' if is_city else 'tỉnh'} {old.name}", (old.code,), is_city


def build_pools(
    province: str,
    seed: int,
    *,
    people: int = 300,
    businesses: int = 60,
    communes: int = 40,
    staff: int = 24,
) -> ProvincePools:
    """The pools of one province (GSO code, current or former), reproducible from `seed`."""
    if min(people, businesses, communes, staff) < 1:
        raise ValueError("every pool needs at least one member")
    full_name, birth_codes, is_city = place_of(province)
    fake = vietnamese_faker(f"portalsim:{seed}:{province}")
    rng: Random = fake.random
    ward_share = 0.55 if is_city else 0.18
    commune_names: list[str] = []
    for _ in range(communes * 4):
        name = fake.ward_or_commune(rng.random() < ward_share)
        if name not in commune_names:
            commune_names.append(name)
        if len(commune_names) == communes:
            break

    def person() -> Person:
        gender: Gender = fake.gender()
        born: date = fake.birth_date()
        birth_province = rng.choice(birth_codes)
        name: str = fake.person_name(gender)
        has_card = born.year < 2000 and rng.random() < 0.7
        return Person(
            name=name,
            gender=gender,
            birth_date=born,
            birth_province=birth_province,
            home_province=province,
            citizen_id=fake.citizen_id(birth_province, born, gender),
            legacy_id=fake.legacy_id() if has_card else "",
            phone=fake.mobile_number() if rng.random() < 0.92 else fake.landline_number(),
            email=fake.personal_email(name),
            address=fake.two_level_address(rng.choice(commune_names), full_name),
            tech_id=fake.tech_id() if rng.random() < 0.6 else "",
        )

    crowd = tuple(person() for _ in range(people))
    firms: list[Business] = []
    for _ in range(businesses):
        brand: str = fake.brand_name()
        branch = rng.random() < 0.1
        registered: str = fake.business_name(brand)
        firms.append(
            Business(
                name=f"Chi nhánh {registered}" if branch else registered,
                tax_code=fake.tax_code(branch),
                address=fake.two_level_address(rng.choice(commune_names), full_name),
                phone=fake.mobile_number() if rng.random() < 0.5 else fake.landline_number(),
                email=fake.business_email(brand),
                representative=rng.choice(crowd),
                tech_id=fake.tech_id() if rng.random() < 0.7 else "",
            )
        )
    return ProvincePools(
        province=province,
        full_name=full_name,
        communes=tuple(commune_names),
        people=crowd,
        businesses=tuple(firms),
        staff=tuple(fake.person_name(fake.gender()) for _ in range(staff)),
    )
