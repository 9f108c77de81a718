"""Province profiles: how much traffic each province sends, what it offers, and what it gets wrong.

A profile set is a TOML file (format below); the bundled ones are `clean` and `field-reports`
for the 34 units since 1 July 2025, and `clean-63` and `field-reports-63` for historical runs
over the former 63 provinces. `load_profile_set` takes a bundled name or a path, and refuses a
bad set with one ValueError naming the file and the key.

```toml
name = "my-set"
description = "…"
units = "2025"                   # "2025": the 34 units; "former": the 63 before July 2025

[defaults]                       # for every province unless it says otherwise
procedures = "all"               # or a list of MaTTHC codes of the catalogue
payment_connected = true
sso_integrated = true
[defaults.faults]                # every rate is 0 unless given; see faults.FaultRates
bad_phone = 0.01

[provinces."68"]                 # GSO code
name = "Lâm Đồng"                # optional; checked against the registry
share = 0.0292                   # of national volume; all shares sum to 1
[provinces."68".faults]
dossier_code_date = 0.2
```
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from simulator.domain import CENTRAL_CITY, Catalogue, bundled_catalogue, bundled_provinces
from simulator.synthetic.faults import FaultRates

__all__ = [
    "BUNDLED_SETS",
    "ProfileSet",
    "ProvinceProfile",
    "load_profile_set",
    "parse_profile_set",
]

#: Names of the profile sets shipped in `simulator/synthetic/data/profiles/`.
BUNDLED_SETS = ("clean", "clean-63", "field-reports", "field-reports-63")
_SCHEMES = ("2025", "former")
_TOP_KEYS = frozenset({"name", "description", "units", "defaults", "provinces"})
_PROVINCE_KEYS = frozenset(
    {"name", "share", "procedures", "payment_connected", "sso_integrated", "faults"}
)
_DEFAULT_KEYS = _PROVINCE_KEYS - {"name", "share"}
_SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class ProvinceProfile:
    """One province as a virtual one-stop system behaves."""

    #: GSO code ("68"); of a current unit, or of a former province in a historical set
    code: str
    #: Vietnamese name, NFC ("Lâm Đồng")
    name: str
    #: QCVN 102 level-1 code ("H36"), from the province registry
    agency_code: str
    #: share of national dossier volume (a set's shares sum to 1)
    share: float
    #: procedure codes (MaTTHC) the province offers online, from the catalogue
    procedures: tuple[str, ...]
    #: connected to the national payment platform
    payment_connected: bool
    #: citizens log in through the national SSO
    sso_integrated: bool
    faults: FaultRates
    #: a province of the former 63 (historical runs)
    former: bool = False

    @property
    def unit(self) -> str:
        """The province's own agency code, `000.00.00.Hxx`: its login and its `madonvi`."""
        return f"000.00.00.{self.agency_code}"

    @property
    def people_committee(self) -> str:
        """The unit's name when provisioning it at a portal: "UBND tỉnh Lâm Đồng"."""
        registry = bundled_provinces()
        unit = None if self.former else registry.by_code(self.code)
        if unit is not None:
            return unit.people_committee
        old = registry.former_province(self.code)
        if old is not None and old.name.startswith("Thành phố"):
            return f"UBND {old.name}"
        city = old is not None and old.kind == CENTRAL_CITY
        return f"UBND {'thành phố' if city else 'tỉnh'} {self.name}"


@dataclass(frozen=True, slots=True)
class ProfileSet:
    """The provinces of one run, each with its profile."""

    name: str
    description: str
    #: "2025" (the 34 units) or "former" (the 63 provinces before July 2025)
    units: str
    profiles: tuple[ProvinceProfile, ...]
    #: where it came from, for messages: a path or "bundled <name>"
    source: str

    def __iter__(self) -> Iterator[ProvinceProfile]:
        return iter(self.profiles)

    def __len__(self) -> int:
        return len(self.profiles)

    def get(self, code: str) -> ProvinceProfile | None:
        """The profile of GSO code `code` ("1", "01"), or None."""
        key = f"{int(code):02d}" if code.isdigit() else code
        return next((profile for profile in self.profiles if profile.code == key), None)


class _Problem(ValueError):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)


def _table(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Problem(where, "expected a table")
    return value


def _unknown(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _Problem(where, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _boolean(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _Problem(where, f"expected true or false, not {value!r}")
    return value


def _procedures(value: object, catalogue: Catalogue, where: str) -> tuple[str, ...]:
    if value == "all":
        return tuple(catalogue.codes())
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise _Problem(where, 'expected "all" or a list of procedure codes')
    if not value:
        raise _Problem(where, "a province must offer at least one procedure")
    unknown = [code for code in value if code not in catalogue]
    if unknown:
        raise _Problem(where, f"procedure codes not in the catalogue: {', '.join(unknown)}")
    return tuple(dict.fromkeys(value))


def _faults(defaults: Mapping[str, Any], own: object, where: str) -> FaultRates:
    rates = dict(defaults)
    rates.update(_table(own, where) if own is not None else {})
    try:
        return FaultRates.from_mapping(rates)
    except (TypeError, ValueError) as error:
        raise _Problem(where, str(error)) from error


def _identity(code: str, units: str, where: str) -> tuple[str, str]:
    """(name, Hxx) of a province code in the set's scheme, or a problem naming it."""
    registry = bundled_provinces()
    if not (code.isdigit() and code.isascii()):
        raise _Problem(where, f'{code!r} is not a GSO province code like "38"')
    if units == "2025":
        unit = registry.by_code(code)
        if unit is not None:
            return unit.name, unit.agency_code
        old = registry.former_province(code)
        if old is not None:
            heir = registry.by_code(old.successor)
            heir_name = f"{heir.code} {heir.name}" if heir is not None else old.successor
            raise _Problem(
                where,
                f"{code} ({old.name}) merged into {heir_name} on 1 July 2025; "
                'use units = "former" for a historical set',
            )
        raise _Problem(where, f"{code} is not one of the 34 province-level units")
    old = registry.former_province(code)
    if old is None:
        raise _Problem(where, f"{code} is not one of the former 63 provinces")
    return old.name, old.agency_code


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip()


def parse_profile_set(
    document: Mapping[str, Any], source: str, catalogue: Catalogue | None = None
) -> ProfileSet:
    """A profile set from a parsed TOML document; ValueError "<source>: <key>: <problem>"."""
    try:
        return _parse(document, catalogue or bundled_catalogue(), source)
    except _Problem as problem:
        raise ValueError(f"{source}: {problem}") from problem


def _parse(document: Mapping[str, Any], catalogue: Catalogue, source: str) -> ProfileSet:
    _unknown(document, _TOP_KEYS, "")
    name = document.get("name", "")
    description = document.get("description", "")
    if not isinstance(name, str) or not name:
        raise _Problem("name", "expected a non-empty string")
    if not isinstance(description, str):
        raise _Problem("description", "expected a string")
    units = document.get("units", "2025")
    if units not in _SCHEMES:
        raise _Problem("units", f'expected "2025" or "former", not {units!r}')
    defaults = _table(document.get("defaults", {}), "defaults")
    _unknown(defaults, _DEFAULT_KEYS, "defaults")
    default_faults = _table(defaults.get("faults", {}), "defaults.faults")
    _faults(default_faults, None, "defaults.faults")  # checked once, here
    provinces = _table(document.get("provinces", {}), "provinces")
    if not provinces:
        raise _Problem("provinces", "the set has no provinces")
    profiles: list[ProvinceProfile] = []
    seen: set[str] = set()
    for key, raw in provinces.items():
        where = f"provinces.{key}"
        table = _table(raw, where)
        _unknown(table, _PROVINCE_KEYS, where)
        official, agency_code = _identity(key, units, where)
        code = f"{int(key):02d}"
        if code in seen:
            raise _Problem(where, f"province {code} appears twice")
        seen.add(code)
        given = table.get("name")
        if given is not None and (not isinstance(given, str) or _fold(given) != _fold(official)):
            raise _Problem(f"{where}.name", f"{given!r} is not {code}'s name {official!r}")
        share = table.get("share")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
            raise _Problem(f"{where}.share", f"expected a number in (0, 1], not {share!r}")
        merged = {**defaults, **{k: v for k, v in table.items() if k != "faults"}}
        profiles.append(
            ProvinceProfile(
                code=code,
                name=official,
                agency_code=agency_code,
                share=float(share),
                procedures=_procedures(
                    merged.get("procedures", "all"), catalogue, f"{where}.procedures"
                ),
                payment_connected=_boolean(
                    merged.get("payment_connected", True), f"{where}.payment_connected"
                ),
                sso_integrated=_boolean(
                    merged.get("sso_integrated", True), f"{where}.sso_integrated"
                ),
                faults=_faults(default_faults, table.get("faults"), f"{where}.faults"),
                former=units == "former",
            )
        )
    total = sum(profile.share for profile in profiles)
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        raise _Problem("provinces", f"shares sum to {total:.8f}, not 1")
    profiles.sort(key=lambda profile: profile.code)
    return ProfileSet(name, description, units, tuple(profiles), source)


def load_profile_set(name_or_path: str | Path, *, catalogue: Catalogue | None = None) -> ProfileSet:
    """A bundled set by name (`BUNDLED_SETS`) or a set read from a TOML file.

    ValueError naming the file and the key for anything wrong: unreadable or not TOML, an
    unknown key, province or procedure, a rate outside [0, 1], shares not summing to 1, no
    provinces. `catalogue` (default: bundled) decides which procedure codes exist.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, str) and text in BUNDLED_SETS:
        resource = resources.files("simulator.synthetic") / "data" / "profiles" / f"{text}.toml"
        source = f"bundled profile set {text!r}"
        document = tomllib.loads(resource.read_text(encoding="utf-8"))
    else:
        path = Path(name_or_path)
        source = str(path)
        if not path.exists() and path.suffix == "" and isinstance(name_or_path, str):
            raise ValueError(
                f"{text}: no such profile set (bundled: {', '.join(BUNDLED_SETS)}) and no such file"
            )
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ValueError(f"{source}: cannot read ({error.strerror or error})") from error
        except UnicodeDecodeError as error:
            raise ValueError(f"{source}: not UTF-8 text ({error.reason})") from error
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{source}: not valid TOML ({error})") from error
    return parse_profile_set(document, source, catalogue)
