"""A Faker provider for the Vietnamese data Faker's `vi_VN` locale lacks.

Faker knows Vietnamese given names and street names, but not citizen IDs, tax codes with their
check digit, the mobile prefixes in use since 2018, the two-level addresses of July 2025
(commune or ward, province) or business names. `VietnamProvider` adds them the idiomatic way,
so `fake.citizen_id(...)` sits beside `fake.street_name()` and one `seed_instance` reproduces
both. Identifiers come from the seeded generators of `simulator.domain.identifiers`, which pass
the contract's validators by construction.

Faker is slow (microseconds per call); it is meant for building pools once (`pools.py`), never
for the hot path of a load test.

>>> from faker import Faker
>>> fake = Faker("vi_VN")
>>> fake.add_provider(VietnamProvider)
>>> fake.seed_instance(7)
>>> len(fake.citizen_id("38", date(1990, 5, 17), "female"))
12
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, timedelta
from random import Random
from typing import Any

from faker import Faker
from faker.providers import BaseProvider

from simulator.domain.identifiers import (
    Gender,
    generate_citizen_id,
    generate_legacy_id,
    generate_phone,
    generate_tax_code,
)
from simulator.synthetic import _vocabulary as words

__all__ = ["REFERENCE_DAY", "VietnamProvider", "ascii_fold", "vietnamese_faker"]

#: Ages are counted back from this day, not from today, so a seed gives the same people forever.
REFERENCE_DAY = date(2026, 1, 1)

_FAMILY = [name for name, _ in words.FAMILY_NAMES]
_FAMILY_WEIGHTS = [share for _, share in words.FAMILY_NAMES]
_FORMS = [form for form, _ in words.COMPANY_FORMS]
_FORM_WEIGHTS = [share for _, share in words.COMPANY_FORMS]
_DOMAINS = [domain for domain, _ in words.EMAIL_DOMAINS]
_DOMAIN_WEIGHTS = [share for _, share in words.EMAIL_DOMAINS]


def ascii_fold(text: str) -> str:
    """Vietnamese text without diacritics ("Đặng Thị Hạnh" → "Dang Thi Hanh"), for e-mail names."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class VietnamProvider(BaseProvider):
    """Citizen IDs, tax codes, phones, names, communes, addresses and businesses of Vietnam."""

    @property
    def _rng(self) -> Random:
        generator: Any = self.generator
        rng: Random = generator.random
        return rng

    # identifiers ----------------------------------------------------------------------------

    def citizen_id(self, province: str, birth_date: date, gender: Gender) -> str:
        """A 12-digit personal number: birth province (former GSO code), gender/century, year."""
        return generate_citizen_id(self._rng, province, birth_date, gender)

    def legacy_id(self) -> str:
        """A 9-digit identity-card number of the old kind (CMND)."""
        return generate_legacy_id(self._rng)

    def tax_code(self, branch: bool = False) -> str:
        """A tax code with a valid check digit; a branch's has the `-001`…`-999` suffix."""
        return generate_tax_code(self._rng, branch)

    def mobile_number(self) -> str:
        """A 10-digit mobile number with a prefix assigned since the 2018 renumbering."""
        return generate_phone(self._rng, "mobile")

    def landline_number(self) -> str:
        """An 11-digit landline number (02xx area codes)."""
        return generate_phone(self._rng, "landline")

    def retired_mobile_number(self) -> str:
        """An 11-digit mobile number of a prefix retired in 2018 (what old records still hold)."""
        prefix = self._rng.choice(words.OLD_MOBILE_PREFIXES)
        return f"{prefix}{self._rng.randrange(10_000_000):07d}"

    def tech_id(self) -> str:
        """A DVCQG account id (`TechID`): a random UUID drawn from the seeded generator."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # people ---------------------------------------------------------------------------------

    def gender(self) -> Gender:
        return "female" if self._rng.random() < 0.5 else "male"

    def birth_date(self, minimum_age: int = 18, maximum_age: int = 80) -> date:
        """A birth date of an adult applicant, ages skewed young (a beta distribution)."""
        span = maximum_age - minimum_age
        age_days = int((minimum_age + self._rng.betavariate(2.0, 3.0) * span) * 365.25)
        return REFERENCE_DAY - timedelta(days=age_days)

    def person_name(self, gender: Gender) -> str:
        """Family, middle and given name, NFC: "Nguyễn Thị Hạnh", "Trần Quốc Việt"."""
        rng = self._rng
        family = rng.choices(_FAMILY, weights=_FAMILY_WEIGHTS)[0]
        middle = rng.choice(words.MIDDLE_NAMES[gender])
        if rng.random() < 0.5:
            generator: Any = self.generator
            given = str(
                generator.first_name_female() if gender == "female" else generator.first_name_male()
            )
        else:
            given = rng.choice(words.GIVEN_NAMES[gender])
        return _nfc(f"{family} {middle} {given}")

    def personal_email(self, name: str) -> str:
        """An address made from a name, as people make them: "hanhnt87@gmail.com"."""
        rng = self._rng
        parts = ascii_fold(name).lower().split()
        domain = rng.choices(_DOMAINS, weights=_DOMAIN_WEIGHTS)[0]
        number = rng.randrange(1, 100)
        if rng.random() < 0.5:
            local = parts[-1] + "".join(part[0] for part in parts[:-1]) + str(number)
        else:
            local = f"{parts[-1]}.{parts[0]}{number}"
        return f"{local}@{domain}"

    # places ---------------------------------------------------------------------------------

    def ward_or_commune(self, ward: bool) -> str:
        """A realistic, synthetic commune ("Xã Quảng Tâm") or ward ("Phường Đông Sơn") name."""
        rng = self._rng
        first = rng.choice(words.PLACE_FIRST)
        second = rng.choice(words.PLACE_SECOND)
        while second == first:
            second = rng.choice(words.PLACE_SECOND)
        return _nfc(f"{'Phường' if ward else 'Xã'} {first} {second}")

    def house_address(self) -> str:
        """A house number and street, "12 Lê Lợi" or "Số 7 ngõ 45 Trần Phú"."""
        rng = self._rng
        generator: Any = self.generator
        street = str(generator.street_name())
        number = rng.randrange(1, 400)
        if rng.random() < 0.3:
            return _nfc(f"Số {number} ngõ {rng.randrange(2, 200)} {street}")
        return _nfc(f"{number} {street}")

    def two_level_address(self, commune: str, province: str) -> str:
        """An address of the two-level scheme in force since 1 July 2025: no district.

        `province` is the unit's full name ("tỉnh Thanh Hóa", "Thành phố Hồ Chí Minh").
        """
        return _nfc(f"{self.house_address()}, {commune}, {province}")

    # businesses -----------------------------------------------------------------------------

    def brand_name(self) -> str:
        """Two auspicious syllables, as most business names end: "Phú Thịnh", "Minh Long"."""
        rng = self._rng
        first = rng.choice(words.PLACE_FIRST)
        second = rng.choice(words.PLACE_SECOND)
        while second == first:
            second = rng.choice(words.PLACE_SECOND)
        return f"{first} {second}"

    def business_name(self, brand: str | None = None) -> str:
        """A registered name: "Công ty TNHH Thương mại Dịch vụ Phú Thịnh", "Hợp tác xã …"."""
        rng = self._rng
        form = rng.choices(_FORMS, weights=_FORM_WEIGHTS)[0]
        trade = "Nông nghiệp" if form == "Hợp tác xã" else rng.choice(words.COMPANY_TRADES)
        return _nfc(f"{form} {trade} {brand or self.brand_name()}")

    def business_email(self, brand: str) -> str:
        """A company address from its brand: "info@phuthinh.com.vn"."""
        rng = self._rng
        slug = ascii_fold(brand).lower().replace(" ", "")
        box = rng.choice(("info", "lienhe", "ketoan", "contact"))
        return f"{box}@{slug}.{rng.choice(words.COMPANY_EMAIL_TLDS)}"


def vietnamese_faker(seed: int | str) -> Faker:
    """A `Faker("vi_VN")` with `VietnamProvider` added, seeded for reproducible output."""
    fake = Faker("vi_VN")
    fake.add_provider(VietnamProvider)
    fake.seed_instance(seed)
    return fake
