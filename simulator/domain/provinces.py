"""Province-level units: the 34 since 1 July 2025, the former 63, and how they map.

Two code systems meet here and must not be confused (domain.md §8): GSO codes (`01` Hà Nội …
`96` Cà Mau) are what addresses and citizen IDs carry; QCVN 102:2016/BTTTT codes (`H26` …) are
what agency codes, and so dossier codes, carry.

Hxx codes: no official H01-H63 list was found. The bundled codes follow the customary listing
order of the 63 former provinces (An Giang H01 … Yên Bái H63), which reproduces every code seen in
real traffic (H22 Hà Giang, H26 Hà Nội, H27 Hà Tĩnh, H29 TP.HCM, H30 Hậu Giang, H38 Lào Cai,
H55 Thái Nguyên, H56 Thanh Hóa). Those carry `agency_code_verified=True`; every other code is
inferred. Because the verified codes break plain alphabetical order between H22 and H31, the
unverified H23-H25, H28 and H31 are only a best guess. **Assumption:** each of the 34 new units
uses the Hxx of the former province whose GSO code it kept (new 15 Lào Cai kept Yên Bái's GSO
code, so it gets H63). Replace the whole registry with `load_provinces(path)` when a real list
turns up; the file format is that of `data/provinces.json`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from contracts.identifiers import parse_agency_code

__all__ = [
    "CENTRAL_CITY",
    "FORMER_GSO_CODES",
    "FORMER_PROVINCES",
    "PROVINCE",
    "PROVINCES_2025",
    "FormerProvince",
    "KindChange",
    "Province",
    "ProvinceRegistry",
    "bundled_provinces",
    "former_province",
    "load_provinces",
    "province_by_code",
    "province_of_agency",
    "successor",
]

#: `kind` of a centrally run city ("thành phố trực thuộc trung ương").
CENTRAL_CITY = "thành phố trực thuộc trung ương"
#: `kind` of a province ("tỉnh").
PROVINCE = "tỉnh"
_KINDS = frozenset({CENTRAL_CITY, PROVINCE})


@dataclass(frozen=True, slots=True)
class KindChange:
    """A unit changing kind on a date, e.g. Quảng Ninh becoming a centrally run city."""

    effective: date
    kind: str
    source: str


@dataclass(frozen=True, slots=True)
class Province:
    """One of the 34 province-level units in force since 1 July 2025."""

    code: str
    """GSO code, two digits ("01")."""
    name: str
    """Vietnamese name, NFC ("Hà Nội", "Thành phố Hồ Chí Minh")."""
    name_ascii: str
    kind: str
    """Kind on 1 July 2025: `CENTRAL_CITY` or `PROVINCE`; see `kind_on` for later changes."""
    agency_code: str
    """QCVN 102 level-1 code ("H26"), see the module docstring for how it was assigned."""
    agency_code_verified: bool
    merged_from: tuple[str, ...]
    """GSO codes of the former provinces merged into this unit (itself included)."""
    kind_changes: tuple[KindChange, ...] = ()

    def kind_on(self, day: date) -> str:
        """The unit's kind on `day`, taking later upgrades into account."""
        kind = self.kind
        for change in self.kind_changes:
            if change.effective <= day:
                kind = change.kind
        return kind

    def full_name(self, day: date | None = None) -> str:
        """The name with its kind: `tỉnh Thanh Hóa`, `thành phố Hà Nội`, `Thành phố Hồ Chí Minh`.

        With `day`, the kind in force on that day (Quảng Ninh is a city from 2026-09-01).
        """
        if self.name.startswith("Thành phố"):
            return self.name
        kind = self.kind if day is None else self.kind_on(day)
        return f"{'thành phố' if kind == CENTRAL_CITY else 'tỉnh'} {self.name}"

    @property
    def people_committee(self) -> str:
        """The name of the unit's people's committee, e.g. "UBND tỉnh Thanh Hóa"."""
        return f"UBND {self.full_name()}"

    @property
    def province_agency(self) -> str:
        """The unit's own agency code, `000.00.00.Hxx`."""
        return f"000.00.00.{self.agency_code}"


@dataclass(frozen=True, slots=True)
class FormerProvince:
    """One of the 63 province-level units before 1 July 2025."""

    code: str
    name: str
    name_ascii: str
    kind: str
    agency_code: str
    agency_code_verified: bool
    successor: str
    """GSO code of the unit it belongs to since 1 July 2025."""


class ProvinceRegistry:
    """The units and their indexes; built once, then read on every message."""

    def __init__(self, units: Iterable[Province], former: Iterable[FormerProvince]) -> None:
        self.units: tuple[Province, ...] = tuple(units)
        self.former: tuple[FormerProvince, ...] = tuple(former)
        self.former_gso_codes: frozenset[str] = frozenset(p.code for p in self.former)
        self._by_code: dict[str, Province] = {}
        for unit in self.units:
            self._by_code[unit.code] = unit
            self._by_code[unit.agency_code] = unit
        self._former: dict[str, FormerProvince] = {}
        for old in self.former:
            self._former[old.code] = old
            self._former[old.agency_code] = old

    @staticmethod
    def _key(code: str) -> str:
        text = code.strip().upper()
        if text.isdigit() and text.isascii():
            return f"{int(text):02d}"
        return text

    def by_code(self, code: str) -> Province | None:
        """The current unit with GSO code `code` ("1", "01", "001") or own Hxx code ("H26").

        Codes of merged-away provinces ("02", "H22") give None: use `successor` for those.
        """
        return self._by_code.get(self._key(code))

    def former_province(self, code: str) -> FormerProvince | None:
        """The former province with GSO code or Hxx code `code`."""
        return self._former.get(self._key(code))

    def successor(self, old_code: str) -> Province | None:
        """The current unit a former province (GSO or Hxx code) belongs to."""
        old = self.former_province(old_code)
        return None if old is None else self._by_code.get(old.successor)

    def of_agency(self, agency_code: str) -> Province | None:
        """The current unit owning an agency code `000.xx.yy.Hzz` (or a bare `Hzz`)."""
        parsed = parse_agency_code(agency_code)
        level1 = parsed.level1 if parsed is not None else agency_code
        return self.successor(level1) if level1.startswith("H") else None


def _fail(path: str, problem: str) -> ValueError:
    return ValueError(f"{path}: {problem}")


def _text(entry: Mapping[str, Any], key: str, where: str, path: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise _fail(path, f"{where}: '{key}' must be a non-empty string")
    if not unicodedata.is_normalized("NFC", value):
        raise _fail(path, f"{where}: '{key}' is not in Unicode NFC")
    return value


def _parse(document: object, path: str) -> ProvinceRegistry:
    if not isinstance(document, dict):
        raise _fail(path, "expected a JSON object with 'former_provinces' and 'units_2025'")
    former_rows = document.get("former_provinces")
    unit_rows = document.get("units_2025")
    if not isinstance(former_rows, list) or not isinstance(unit_rows, list):
        raise _fail(path, "'former_provinces' and 'units_2025' must be lists")
    former: list[FormerProvince] = []
    for index, row in enumerate(former_rows):
        where = f"former_provinces[{index}]"
        if not isinstance(row, dict):
            raise _fail(path, f"{where}: expected an object")
        kind = _text(row, "kind", where, path)
        if kind not in _KINDS:
            raise _fail(path, f"{where}: unknown kind {kind!r}")
        former.append(
            FormerProvince(
                code=_text(row, "gso_code", where, path),
                name=_text(row, "name", where, path),
                name_ascii=_text(row, "name_ascii", where, path),
                kind=kind,
                agency_code=_text(row, "agency_code", where, path),
                agency_code_verified=row.get("agency_code_verified") is True,
                successor=_text(row, "successor", where, path),
            )
        )
    by_gso = {old.code: old for old in former}
    if len(by_gso) != len(former) or len({old.agency_code for old in former}) != len(former):
        raise _fail(path, "duplicate GSO or Hxx code among former provinces")
    units: list[Province] = []
    for index, row in enumerate(unit_rows):
        where = f"units_2025[{index}]"
        if not isinstance(row, dict):
            raise _fail(path, f"{where}: expected an object")
        code = _text(row, "gso_code", where, path)
        kind = _text(row, "kind", where, path)
        if kind not in _KINDS:
            raise _fail(path, f"{where}: unknown kind {kind!r}")
        own = by_gso.get(code)
        if own is None:
            raise _fail(path, f"{where}: GSO code {code} is not a former province's code")
        merged = row.get("merged_from")
        if not isinstance(merged, list) or not all(isinstance(c, str) for c in merged):
            raise _fail(path, f"{where}: 'merged_from' must be a list of GSO codes")
        expected = sorted(old.code for old in former if old.successor == code)
        if sorted(merged) != expected:
            raise _fail(path, f"{where}: merged_from {merged} disagrees with successors {expected}")
        changes = []
        for change in row.get("kind_changes", []):
            try:
                effective = date.fromisoformat(change["effective"])
                changes.append(KindChange(effective, change["kind"], change["source"]))
            except (KeyError, TypeError, ValueError) as error:
                raise _fail(path, f"{where}: malformed kind change {change!r}") from error
        units.append(
            Province(
                code=code,
                name=_text(row, "name", where, path),
                name_ascii=_text(row, "name_ascii", where, path),
                kind=kind,
                agency_code=own.agency_code,
                agency_code_verified=own.agency_code_verified,
                merged_from=tuple(merged),
                kind_changes=tuple(sorted(changes, key=lambda c: c.effective)),
            )
        )
    unit_codes = {unit.code for unit in units}
    stray = sorted({old.successor for old in former} - unit_codes)
    if stray:
        raise _fail(path, f"successor codes {stray} are not units")
    return ProvinceRegistry(units, former)


def load_provinces(path: str | Path) -> ProvinceRegistry:
    """A registry read from a file in the format of the bundled `data/provinces.json`.

    Raises ValueError naming the file and the problem when it is missing or malformed.
    """
    name = str(path)
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise _fail(name, f"cannot read province file ({error.strerror or error})") from error
    except json.JSONDecodeError as error:
        raise _fail(name, f"not valid JSON ({error})") from error
    return _parse(document, name)


@cache
def bundled_provinces() -> ProvinceRegistry:
    """The registry shipped with portalsim (read once)."""
    resource = resources.files("simulator.domain") / "data" / "provinces.json"
    return _parse(json.loads(resource.read_text(encoding="utf-8")), "bundled provinces.json")


_BUNDLED = bundled_provinces()

#: The 34 units since 1 July 2025, in GSO-code order.
PROVINCES_2025: tuple[Province, ...] = _BUNDLED.units
#: The 63 former provinces, in Hxx order.
FORMER_PROVINCES: tuple[FormerProvince, ...] = _BUNDLED.former
#: GSO codes of the former 63 provinces (two digits).
FORMER_GSO_CODES: frozenset[str] = _BUNDLED.former_gso_codes

province_by_code = _BUNDLED.by_code
former_province = _BUNDLED.former_province
successor = _BUNDLED.successor
province_of_agency = _BUNDLED.of_agency
