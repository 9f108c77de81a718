"""The province a model is built for: its name, share of national volume, profile, peak months.

A code names a current unit (one of the 34 since 1 July 2025) or a former province (one of the
63): a planner of Quảng Nam's peak months asks for 49, the former province, now part of Đà Nẵng
(48). A current unit is the sum of the former provinces merged into it (`components`, weighted
by their shares of volume), which is how a merged unit inherits a member's peak months.

The default annual volume is domain.md §10's derived national figure, 32 M status-synced
dossiers per half-year (H1 2022) ≈ `NATIONAL_ANNUAL_DOSSIERS` a year, times the province's share
in the bundled profile sets (`clean` for the 34 units, `clean-63` for the former provinces;
Hà Nội + TP.HCM ≈ 30 %, the rest by population: `simulator.synthetic.shares`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from simulator.domain import bundled_provinces
from simulator.synthetic import ProvinceProfile, load_profile_set

__all__ = [
    "NATIONAL_ANNUAL_DOSSIERS",
    "PeakMonths",
    "PlanningProvince",
    "ProvinceNotFound",
    "bundled_peak_months",
    "load_peak_months",
    "resolve_province",
    "year_month",
]

#: domain.md §10 [D]: "32 M synced dossiers per half-year ≈ 64 M/year"
NATIONAL_ANNUAL_DOSSIERS = 64_000_000


class ProvinceNotFound(ValueError):
    """No current unit and no former province has this code."""


@dataclass(frozen=True, slots=True)
class PeakMonths:
    """A province's peak months ("tháng cao điểm") and the decision they come from."""

    months: frozenset[int]
    #: (year, month) of the first month the policy applies, or None: always
    since: tuple[int, int] | None = None
    source: str = ""

    def applies(self, year: int, month: int) -> bool:
        if month not in self.months:
            return False
        return self.since is None or (year, month) >= self.since


@dataclass(frozen=True, slots=True)
class PlanningProvince:
    """A province as the traffic model sees it."""

    code: str
    #: Vietnamese name, NFC ("Quảng Nam")
    name: str
    #: the name for people: "Quảng Nam (49, tỉnh cũ, nay thuộc thành phố Đà Nẵng)"
    label: str
    #: share of national dossier volume (its bundled profile set)
    share: float
    profile: ProvinceProfile
    #: (former GSO code, weight) of the provinces it is made of; weights sum to 1
    components: tuple[tuple[str, float], ...]
    former: bool

    @property
    def default_volume(self) -> float:
        """Annual dossiers by domain.md §10: the national figure times the share."""
        return NATIONAL_ANNUAL_DOSSIERS * self.share


def resolve_province(code: str) -> PlanningProvince:
    """The unit or former province with GSO code `code` ("48", "49", "1"); ProvinceNotFound."""
    text = code.strip()
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 3):
        raise ProvinceNotFound(f"province {code!r} is not a GSO code such as 48 or 01")
    registry = bundled_provinces()
    key = f"{int(text):02d}"
    unit = registry.by_code(key)
    former_shares = {profile.code: profile.share for profile in load_profile_set("clean-63")}
    if unit is not None:
        profile = load_profile_set("clean").get(unit.code)
        if profile is None:  # pragma: no cover - the bundled set lists every unit
            raise ProvinceNotFound(f"province {key} has no bundled profile")
        total = sum(former_shares[old] for old in unit.merged_from)
        components = tuple((old, former_shares[old] / total) for old in sorted(unit.merged_from))
        return PlanningProvince(
            unit.code, unit.name, f"{unit.name} ({unit.code})", profile.share, profile,
            components, former=False,
        )  # fmt: skip
    old = registry.former_province(key)
    if old is None:
        raise ProvinceNotFound(
            f"province {key} does not exist (neither one of the 34 units nor a former province)"
        )
    profile = load_profile_set("clean-63").get(old.code)
    if profile is None:  # pragma: no cover - the bundled set lists every former province
        raise ProvinceNotFound(f"former province {key} has no bundled profile")
    successor = registry.by_code(old.successor)
    now_in = f", nay thuộc {successor.full_name()}" if successor is not None else ""
    label = f"{old.name} ({old.code}, tỉnh cũ{now_in})"
    return PlanningProvince(
        old.code, old.name, label, profile.share, profile, ((old.code, 1.0),), former=True
    )


def year_month(text: str) -> tuple[int, int] | None:
    """(year, month) of `YYYY-MM` (ASCII digits, a month 01-12); None for anything else."""
    year, dash, month = text.partition("-")
    if not dash or len(year) != 4 or len(month) != 2 or not text.isascii():
        return None
    if not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12:
        return None
    return int(year), int(month)


def _month(value: object, where: str) -> tuple[int, int]:
    parsed = year_month(str(value))
    if parsed is None:
        raise ValueError(f"{where}: 'since' must be YYYY-MM (e.g. 2025-07), not {value!r}")
    return parsed


def parse_months(value: object, where: str) -> frozenset[int]:
    """A list of month numbers 1-12; ValueError naming `where` otherwise."""
    if not isinstance(value, list) or not all(
        isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value
    ):
        raise ValueError(f"{where}: 'months' must be a list of month numbers 1-12")
    return frozenset(value)


def _parse_peak_months(document: Mapping[str, Any], source: str) -> dict[str, PeakMonths]:
    provinces = document.get("provinces", {})
    if not isinstance(provinces, dict):
        raise ValueError(f"{source}: 'provinces' must be a table of [provinces.\"CODE\"]")
    result: dict[str, PeakMonths] = {}
    for code, table in provinces.items():
        where = f"{source}: [provinces.{code}]"
        if not isinstance(table, dict):
            raise ValueError(f"{where}: expected a table")
        unknown = sorted(set(table) - {"months", "since", "source"})
        if unknown:
            raise ValueError(f"{where}: unknown keys {unknown}")
        since = _month(table["since"], where) if "since" in table else None
        months = parse_months(table.get("months"), where)
        result[str(code)] = PeakMonths(months, since, str(table.get("source", "")))
    return result


def load_peak_months(path: str | Path) -> dict[str, PeakMonths]:
    """Peak months per former province from a TOML file in the format of the bundled one."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{path}: cannot read ({error.strerror or error})") from error
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML ({error})") from error
    return _parse_peak_months(document, str(path))


@cache
def bundled_peak_months() -> Mapping[str, PeakMonths]:
    """`data/peak_months.toml`: the peak months we can cite (Quảng Nam's)."""
    resource = resources.files("simulator.planning") / "data" / "peak_months.toml"
    document = tomllib.loads(resource.read_text(encoding="utf-8"))
    return _parse_peak_months(document, "bundled peak_months.toml")
