"""Dossier codes (mã hồ sơ, Circular 01/2018 Art. 19) as a province issues them, faults included.

A code is `<receiving agency>-<YYMMDD>-<XXXX>`: the agency's QCVN 102 code, the receipt date and
a four-digit number within the agency's day. The planted code faults change it: the online
filing day instead of the receipt day (HS-002), an eight-digit date (HS-001), or an agency
outside the province's tree (HS-003) — chosen so that it never collides with a real dossier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from simulator.domain import VN_TZ, AgencyDirectory, VietnamCalendar, bundled_provinces
from simulator.synthetic.faults import Fault
from simulator.synthetic.profiles import ProvinceProfile

__all__ = ["CodeIssuer", "foreign_agencies", "scheme_rank"]


class CodeIssuer:
    """Dossier codes `<agency>-<YYMMDD>-<XXXX>` (Circular 01/2018 Art. 19), numbered per agency
    and day from 0001, with the planted code faults applied.

    Codes under a foreign agency are numbered downwards from 9999 in steps of `stride`, starting
    at `9999 - rank`: provinces of one scheme (each with its own `rank` below `stride`) never
    issue the same foreign code, so a planted foreign code is never mistaken for another
    dossier's (HS-004). Foreign agencies are chosen among units that receive no dossiers.
    """

    def __init__(self, calendar: VietnamCalendar, *, rank: int = 0, stride: int = 1) -> None:
        if not 0 <= rank < stride:
            raise ValueError("rank must be in [0, stride)")
        self._calendar = calendar
        self._rank, self._stride = rank, stride
        self._issued: Counter[tuple[str, str]] = Counter()

    def issue(self, agencies: Sequence[str], received: datetime, faults: frozenset[Fault]) -> str:
        """The next code of the first of `agencies` with numbers left that day."""
        day = received.astimezone(VN_TZ).date()
        if Fault.DOSSIER_CODE_DATE in faults:
            day = self._calendar.add_working_days(day, -1)  # the day it was filed online
        wide = Fault.DOSSIER_CODE_MALFORMED in faults
        stamp = day.strftime("%Y%m%d" if wide else "%y%m%d")  # eight digits: HS-001
        foreign = Fault.DOSSIER_CODE_FOREIGN in faults
        for agency in agencies:
            count = self._issued[agency, stamp] + 1
            number = 9999 - self._rank - (count - 1) * self._stride if foreign else count
            if 1 <= number <= 9999:
                self._issued[agency, stamp] = count
                return f"{agency}-{stamp}-{number:04d}"
        raise ValueError(f"{', '.join(agencies)}: no dossier numbers left on {day.isoformat()}")


def scheme_rank(profile: ProvinceProfile) -> tuple[int, int]:
    """(position of the province in its scheme, number of provinces in the scheme)."""
    registry = bundled_provinces()
    codes = (
        [old.code for old in registry.former]
        if profile.former
        else [unit.code for unit in registry.units]
    )
    return (codes.index(profile.code) if profile.code in codes else 0), len(codes)


def foreign_agencies(profile: ProvinceProfile, agencies: AgencyDirectory) -> list[str]:
    """Registered agency codes outside the province's tree that its system might still use.

    People's committees (`000.00.00.Hxx`) of provinces that have other registered units, so no
    province receives dossiers under them: first those of provinces merged into this one (or
    with it, for a former province), else the next such province in code order.
    """
    registry = bundled_provinces()
    if profile.former:
        own = registry.former_province(profile.code)
        heir = own.successor if own is not None else profile.code
        mates = [old.agency_code for old in registry.former if old.successor == heir]
        ordered = [old.agency_code for old in registry.former]
    else:
        unit = registry.by_code(profile.code)
        merged = unit.merged_from if unit is not None else ()
        mates = [old.agency_code for old in registry.former if old.code in merged]
        ordered = [unit.agency_code for unit in registry.units]

    def usable(level1: str) -> bool:
        committee = f"000.00.00.{level1}"
        return (
            level1 != profile.agency_code
            and agencies.is_known(committee)
            and len(agencies.province_units(level1)) > 1
        )

    codes = [f"000.00.00.{level1}" for level1 in mates if usable(level1)]
    if codes:
        return codes
    start = ordered.index(profile.agency_code) + 1 if profile.agency_code in ordered else 0
    for level1 in ordered[start:] + ordered[:start]:
        if usable(level1):
            return [f"000.00.00.{level1}"]
    raise ValueError(f"{profile.code} {profile.name}: no agency to plant a foreign code with")
