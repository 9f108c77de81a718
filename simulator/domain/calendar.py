"""Vietnamese working days, for appointment dates (`NgayHenTra`) and timeliness rules.

A day is a working day when it is Monday-Friday and not a public holiday of the `holidays`
package (Labour Code 2019 Art. 112, days in lieu included), or a weekend day the package lists as
a compensating working day. Government day swaps and extra Tết days are decided yearly and only
partly encoded upstream, so a TOML override file adds `days_off` and `working_days` per year; it
wins over the package. The bundled `data/calendar_overrides.toml` is deliberately empty: add only
swaps you can cite.

`add_working_days` runs for every dossier message. Each year's working days are computed once,
on first use, as a sorted list of ordinals (and a set for `is_working_day`), so a call is one
bisection plus a step per year boundary crossed; a stray date in year 1 costs one year, not two
thousand.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from importlib import resources
from pathlib import Path

import holidays

__all__ = [
    "OFFICE_HOURS",
    "VN_TZ",
    "VietnamCalendar",
    "YearOverride",
    "bundled_calendar",
    "is_office_hours",
    "load_calendar",
    "load_overrides",
]

#: Vietnam time (Asia/Ho_Chi_Minh): UTC+7 all year, no daylight saving.
VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
#: Office hours of a one-stop unit: morning and afternoon sessions, [start, end).
OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 0)),
)


@dataclass(frozen=True, slots=True)
class YearOverride:
    """One year's government decisions on top of the statutory holidays."""

    year: int
    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)
    source: str = ""


class VietnamCalendar:
    """Working-day arithmetic; implements `contracts.WorkingCalendar`.

    Safe to share between threads: a year is computed once and published by one assignment
    (two threads racing on a new year compute the same list twice, harmlessly).
    """

    def __init__(self, overrides: Mapping[int, YearOverride] | None = None) -> None:
        self._overrides: dict[int, YearOverride] = dict(overrides or {})
        self._days: dict[int, list[int]] = {}
        self._sets: dict[int, frozenset[int]] = {}

    def _year(self, year: int) -> list[int]:
        """Sorted ordinals of the working days of `year`, computed on first use."""
        days = self._days.get(year)
        if days is None:
            days = self._compute(year)
            self._sets[year] = frozenset(days)
            self._days[year] = days
        return days

    def _compute(self, year: int) -> list[int]:
        statutory = holidays.country_holidays("VN", years=year)
        off = {day for day in statutory if day.year == year}
        swaps = {
            day
            for day in getattr(statutory, "weekend_workdays", ())
            if day.year == year and day.weekday() >= 5
        }
        override = self._overrides.get(year)
        result: list[int] = []
        for ordinal in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1):
            day = date.fromordinal(ordinal)
            working = (day.weekday() < 5 and day not in off) or day in swaps
            if override is not None:
                if day in override.working_days:
                    working = True
                elif day in override.days_off:
                    working = False
            if working:
                result.append(ordinal)
        return result

    def is_working_day(self, day: date) -> bool:
        """True when `day` is a working day."""
        days = self._sets.get(day.year)
        if days is None:
            self._year(day.year)
            days = self._sets[day.year]
        return day.toordinal() in days

    def add_working_days(self, start: date, days: int) -> date:
        """The day `days` working days after `start` (start itself not counted).

        `days` = 0 gives `start` unchanged ("within the day"); negative counts backwards.
        The result is a working day whenever `days` is not 0.
        """
        if days == 0:
            return start
        ordinal = start.toordinal()
        year = start.year
        ordinals = self._year(year)
        if days > 0:
            index = bisect_right(ordinals, ordinal)
            remaining = days
            while remaining > len(ordinals) - index:
                remaining -= len(ordinals) - index
                year += 1
                ordinals, index = self._year(year), 0
            return date.fromordinal(ordinals[index + remaining - 1])
        index = bisect_left(ordinals, ordinal)  # working days of `year` before start
        remaining = -days
        while remaining > index:
            remaining -= index
            year -= 1
            ordinals = self._year(year)
            index = len(ordinals)
        return date.fromordinal(ordinals[index - remaining])

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """The signed number of working days stepped onto going from `start` to `end`.

        Forwards, the working days in (start, end]; backwards (end before start), minus those
        in [end, start). So `working_days_between(a, add_working_days(a, n)) == n` for every n.
        """
        if end < start:
            one = timedelta(days=1)
            return -self._count(end - one, start - one)
        return self._count(start, end)

    def _count(self, start: date, end: date) -> int:
        """Working days in (start, end], start <= end."""
        first = self._year(start.year)
        skipped = bisect_right(first, start.toordinal())
        if start.year == end.year:
            return bisect_right(first, end.toordinal()) - skipped
        count = len(first) - skipped
        for year in range(start.year + 1, end.year):
            count += len(self._year(year))
        return count + bisect_right(self._year(end.year), end.toordinal())

    def days_off(self, year: int) -> list[date]:
        """Monday-Friday days of `year` that are not working days (holidays, days in lieu)."""
        working = self._sets.get(year) or frozenset(self._year(year))
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        return [
            date.fromordinal(o)
            for o in range(first, last + 1)
            if date.fromordinal(o).weekday() < 5 and o not in working
        ]

    def is_office_hours(self, moment: datetime) -> bool:
        """True during `OFFICE_HOURS` on a working day; aware times are read in Vietnam time."""
        local = moment.astimezone(VN_TZ) if moment.tzinfo is not None else moment
        if not self.is_working_day(local.date()):
            return False
        clock = local.time().replace(tzinfo=None)
        return any(opens <= clock < closes for opens, closes in OFFICE_HOURS)


# -- override files -------------------------------------------------------------------------


def _dates(value: object, key: str, year: int, where: str) -> frozenset[date]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: '{key}' must be a list of dates")
    result: set[date] = set()
    for item in value:
        if isinstance(item, datetime) or not isinstance(item, date | str):
            raise ValueError(f"{where}: '{key}' holds {item!r}, not a date like 2026-02-23")
        try:
            day = date.fromisoformat(item) if isinstance(item, str) else item
        except ValueError as error:
            raise ValueError(f"{where}: '{key}' holds {item!r}, not a date") from error
        if day.year != year:
            raise ValueError(f"{where}: {day.isoformat()} in '{key}' is not in {year}")
        result.add(day)
    return frozenset(result)


def _parse_overrides(document: Mapping[str, object], source: str) -> dict[int, YearOverride]:
    years = document.get("years", {})
    if not isinstance(years, dict):
        raise ValueError(f"{source}: 'years' must be a table of [years.YYYY] tables")
    result: dict[int, YearOverride] = {}
    for key, table in years.items():
        where = f"{source}: [years.{key}]"
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
            raise ValueError(f"{where}: year keys must be four digits")
        if not isinstance(table, dict):
            raise ValueError(f"{where}: expected a table")
        unknown = sorted(set(table) - {"days_off", "working_days", "source"})
        if unknown:
            raise ValueError(f"{where}: unknown keys {unknown}")
        year = int(key)
        off = _dates(table.get("days_off", []), "days_off", year, where)
        working = _dates(table.get("working_days", []), "working_days", year, where)
        both = sorted(off & working)
        if both:
            raise ValueError(f"{where}: {[d.isoformat() for d in both]} both off and working")
        source_text = table.get("source", "")
        result[year] = YearOverride(year, off, working, str(source_text))
    return result


def load_overrides(path: str | Path) -> dict[int, YearOverride]:
    """Per-year overrides from a TOML file in the format of `data/calendar_overrides.toml`.

    Raises ValueError naming the file and the problem when it is missing or malformed.
    """
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{path}: cannot read calendar ({error.strerror or error})") from error
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML ({error})") from error
    return _parse_overrides(document, str(path))


def load_calendar(path: str | Path) -> VietnamCalendar:
    """A calendar with the overrides of a TOML file (see `load_overrides`)."""
    return VietnamCalendar(load_overrides(path))


@cache
def bundled_calendar() -> VietnamCalendar:
    """The calendar with the bundled overrides file (one shared instance)."""
    resource = resources.files("simulator.domain") / "data" / "calendar_overrides.toml"
    document = tomllib.loads(resource.read_text(encoding="utf-8"))
    return VietnamCalendar(_parse_overrides(document, "bundled calendar_overrides.toml"))


def is_office_hours(moment: datetime, calendar: VietnamCalendar | None = None) -> bool:
    """True during office hours on a working day (bundled calendar unless one is given)."""
    return (calendar or bundled_calendar()).is_office_hours(moment)
