"""A synthetic population of DVCQG accounts: citizens and businesses that can log in by SSO.

The national portal's identity provider answers each account's claims (domain.md §5):
`LoaiTaiKhoan` (1 citizen, 2 organisation), `SoDinhDanh` (12-digit personal number),
`SoCMND` (9-digit identity card of the old kind, for people who had one), `HoChieu`,
`MaSoThue`, `MaSoDoanhNghiep`, `TechID` (a stable UUID the provinces link accounts by) and
`loAs` (the levels of assurance the account reaches). The mock portal's SSO provider lets a
person pick one of these accounts on its login page, or a test name one by `login_hint`.

Everything comes from one seed, so every worker process of a portal (and every test run)
builds the same people with the same identifiers; nothing needs storing. Names are Vietnamese
with diacritics, in NFC; identifiers pass the checks of `contracts.identifiers`.

>>> people = synthetic_population(seed=7)
>>> account = people.accounts[0]
>>> people.find(account.tech_id) is account and people.find(account.subject_number) is account
True
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from random import Random

from simulator.domain.identifiers import (
    Gender,
    generate_citizen_id,
    generate_legacy_id,
    generate_phone,
    generate_tax_code,
)
from simulator.domain.provinces import PROVINCES_2025

__all__ = [
    "CITIZEN",
    "LEVELS_OF_ASSURANCE",
    "ORGANISATION",
    "Account",
    "Population",
    "bundled_population",
    "synthetic_population",
]

#: `LoaiTaiKhoan` of a citizen's account.
CITIZEN = 1
#: `LoaiTaiKhoan` of an organisation's (business's) account; DVCQG reads any value but 1 so.
ORGANISATION = 2
#: The levels of assurance of DVCQG accounts, lowest first.
LEVELS_OF_ASSURANCE = ("LoA1", "LoA2", "LoA3")

_SEED = 2026
_SURNAMES = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
    ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trịnh", 1), ("Đoàn", 1),
)  # fmt: skip
_MIDDLE = {
    "male": ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Xuân", "Công", "Đình"),
    "female": ("Thị", "Ngọc", "Thu", "Thanh", "Kim", "Thùy", "Mỹ", "Bích", "Hồng"),
}
_GIVEN = {
    "male": (
        "Anh", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam",
        "Nghĩa", "Phúc", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt",
    ),
    "female": (
        "Anh", "Châu", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hương", "Lan", "Linh", "Mai",
        "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Tuyết", "Yến",
    ),
}  # fmt: skip
_COMPANY_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã")
_COMPANY_TRADES = (
    "Thương mại", "Dịch vụ", "Xây dựng", "Nông sản", "Vận tải", "Du lịch", "Thủy sản",
    "Cơ khí", "Dược phẩm", "Công nghệ",
)  # fmt: skip
_COMPANY_NAMES = (
    "Hòa Bình", "Phú Thịnh", "Minh Long", "Sao Mai", "Hồng Hà", "Đại Việt", "Trường Sơn",
    "An Phát", "Thành Đạt", "Hưng Thịnh", "Bình Minh", "Cửu Long", "Tây Nguyên", "Đông Á",
)  # fmt: skip
_STREETS = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Quang Trung",
    "Lý Thường Kiệt",
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True, slots=True)
class Account:
    """One DVCQG account and the claims the identity provider answers for it."""

    #: stable technical id (a UUID), `TechID`; also the OpenID Connect `sub`
    tech_id: str
    #: `LoaiTaiKhoan`: `CITIZEN` or `ORGANISATION`
    account_type: int
    #: full name (a person) or registered name (a business), NFC
    name: str
    #: 12-digit personal identification number, `SoDinhDanh` ("" for a business)
    citizen_id: str
    #: 9-digit identity card of the old kind, `SoCMND` ("" when the person never had one)
    legacy_id: str
    #: passport number, `HoChieu` ("" when none)
    passport: str
    #: tax code, `MaSoThue` ("" when none)
    tax_code: str
    #: enterprise code, `MaSoDoanhNghiep` (a business's; equal to its tax code), else ""
    enterprise_code: str
    #: levels of assurance the account reaches, lowest first, e.g. ("LoA1", "LoA2")
    levels: tuple[str, ...]
    #: GSO code of the province (of the 34) the account is registered in
    province: str
    phone: str
    email: str
    address: str
    birth_date: date | None = None
    gender: Gender | None = None
    #: for a citizen, the family and given names (`family_name`, `given_name` claims)
    family_name: str = ""
    given_name: str = ""

    @property
    def is_citizen(self) -> bool:
        return self.account_type == CITIZEN

    @property
    def subject_number(self) -> str:
        """The number the account is known by: its `SoDinhDanh`, or a business's tax code."""
        return self.citizen_id or self.enterprise_code

    @property
    def highest_level(self) -> str:
        return self.levels[-1]

    def identifiers(self) -> tuple[str, ...]:
        """Every value that names this account (for `login_hint`): TechID and its numbers."""
        values = (
            self.tech_id,
            self.citizen_id,
            self.legacy_id,
            self.passport,
            self.tax_code,
            self.enterprise_code,
        )
        return tuple(value for value in values if value)


class Population:
    """Accounts and an index of every identifier that names one."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self.accounts: tuple[Account, ...] = tuple(accounts)
        self._index: dict[str, Account] = {}
        for account in self.accounts:
            for value in account.identifiers():
                if self._index.setdefault(value.lower(), account) is not account:
                    raise ValueError(f"identifier {value} names two accounts")

    def find(self, hint: str) -> Account | None:
        """The account a TechID, SoDinhDanh, SoCMND, passport, tax or enterprise code names."""
        return self._index.get(hint.strip().lower())

    def citizens(self) -> tuple[Account, ...]:
        return tuple(account for account in self.accounts if account.is_citizen)

    def businesses(self) -> tuple[Account, ...]:
        return tuple(account for account in self.accounts if not account.is_citizen)

    def __len__(self) -> int:
        return len(self.accounts)


def synthetic_population(seed: int = _SEED, citizens: int = 40, businesses: int = 12) -> Population:
    """`citizens` people and `businesses` organisations, the same for the same arguments."""
    rng = Random(seed)
    taken: set[str] = set()
    accounts = [_citizen(rng, taken) for _ in range(citizens)]
    accounts += [_business(rng, taken) for _ in range(businesses)]
    return Population(accounts)


@cache
def bundled_population() -> Population:
    """The default population (seed 2026: 40 citizens, 12 businesses)."""
    return synthetic_population()


def _unique(taken: set[str], make: Callable[[], str]) -> str:
    """A value of `make` not yet taken by another account (draws again on a collision)."""
    while True:
        value = make()
        if value not in taken:
            taken.add(value)
            return value


def _tech_id(rng: Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _levels(rng: Random, weights: tuple[int, int, int]) -> tuple[str, ...]:
    top = rng.choices(range(3), weights=weights)[0]
    return LEVELS_OF_ASSURANCE[: top + 1]


def _citizen(rng: Random, taken: set[str]) -> Account:
    gender: Gender = rng.choice(("male", "female"))
    surname = rng.choices([name for name, _ in _SURNAMES], [w for _, w in _SURNAMES])[0]
    middle = rng.choice(_MIDDLE[gender])
    given = rng.choice(_GIVEN[gender])
    province = rng.choice(PROVINCES_2025)
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 56))
    registered = rng.choice(province.merged_from)
    citizen_id = _unique(taken, lambda: generate_citizen_id(rng, registered, born, gender))
    # The 9-digit cards were issued until 2016: only people of age by then may have had one.
    legacy = (
        _unique(taken, lambda: generate_legacy_id(rng))
        if born.year < 2000 and rng.random() < 0.4
        else ""
    )
    passport = f"C{rng.randrange(10_000_000):07d}" if rng.random() < 0.15 else ""
    if passport:
        taken.add(passport)
    tax_code = _unique(taken, lambda: generate_tax_code(rng)) if rng.random() < 0.25 else ""
    family = _nfc(surname)
    given_name = _nfc(f"{middle} {given}")
    return Account(
        tech_id=_tech_id(rng),
        account_type=CITIZEN,
        name=f"{family} {given_name}",
        citizen_id=citizen_id,
        legacy_id=legacy,
        passport=passport,
        tax_code=tax_code,
        enterprise_code="",
        levels=_levels(rng, (2, 6, 2)),
        province=province.code,
        phone=generate_phone(rng),
        email=f"congdan{citizen_id[-6:]}@example.vn",
        address=_address(rng, province.name),
        birth_date=born,
        gender=gender,
        family_name=family,
        given_name=given_name,
    )


def _business(rng: Random, taken: set[str]) -> Account:
    province = rng.choice(PROVINCES_2025)
    name = " ".join(
        (rng.choice(_COMPANY_FORMS), rng.choice(_COMPANY_TRADES), rng.choice(_COMPANY_NAMES))
    )
    tax_code = _unique(taken, lambda: generate_tax_code(rng))
    return Account(
        tech_id=_tech_id(rng),
        account_type=ORGANISATION,
        name=_nfc(name),
        citizen_id="",
        legacy_id="",
        passport="",
        tax_code=tax_code,
        # Since the Law on Enterprises 2014 the enterprise code is the tax code.
        enterprise_code=tax_code,
        levels=_levels(rng, (3, 7, 0)),
        province=province.code,
        phone=generate_phone(rng, "landline"),
        email=f"lienhe{tax_code[-6:]}@example.vn",
        address=_address(rng, province.name),
    )


def _address(rng: Random, province: str) -> str:
    return _nfc(f"Số {rng.randrange(1, 300)} đường {rng.choice(_STREETS)}, {province}")
