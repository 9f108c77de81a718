"""The traffic model: expected arrival rate per flow per minute, from the calendar and volumes.

A year's dossiers (`annual_volume`) are spread over its minutes in proportion to a weight:

    weight(minute) = day factor × intraday curve(minute)

The day factor is 0 on days off (`VietnamCalendar`: weekends, holidays, Tết, day swaps
honoured) and otherwise the product of the named `Factors` that apply that day (peak month,
month or quarter end, Tết lull, post-Tết rush); the curve is 0 outside office hours and follows
`MORNING_CURVE` / `AFTERNOON_CURVE` inside them, the morning raised by `monday_morning` on the
first working day after days off. Weights are normalised per calendar year, so the rates of a
year add up to exactly its annual volume, and a flow's rate is the dossier rate times its
requests per dossier (`flows.flow_mix`). Steady state is assumed: a dossier's later steps fall
on days like the one it arrived on (its processing is days, not months).

Everything is deterministic: the same inputs give the same rates, bit for bit.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from types import MappingProxyType
from typing import Any

import holidays

from simulator.domain import OFFICE_HOURS, VN_TZ, VietnamCalendar, bundled_calendar
from simulator.planning.factors import AFTERNOON_CURVE, MORNING_CURVE, Factors
from simulator.planning.flows import FLOWS, FlowMix, flow_mix
from simulator.planning.province import (
    PeakMonths,
    PlanningProvince,
    bundled_peak_months,
    resolve_province,
    year_month,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "VIETNAMESE_WEEKDAYS",
    "DayFactors",
    "ModelInputError",
    "PeakNeed",
    "RateSeries",
    "TrafficModel",
    "lunar_new_year",
    "parse_month",
]

#: the first year modelled: DVCQG's first full year of traffic (domain.md §10 figures from 2020)
FIRST_YEAR = 2020
#: the last: the `holidays` package dates Tết (its lunisolar tables) up to 2100
LAST_YEAR = 2100
#: Monday … Sunday
VIETNAMESE_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_MINUTES_PER_DAY = 1440
_QUARTER_END_MONTHS = frozenset({3, 6, 9, 12})


class ModelInputError(ValueError):
    """A month, range or volume the model cannot take; the message names it."""


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of "YYYY-MM" within FIRST_YEAR..LAST_YEAR; ModelInputError otherwise."""
    parsed = year_month(text.strip())
    if parsed is None:
        raise ModelInputError(f"month {text!r} is not of the form YYYY-MM (e.g. 2026-03)")
    year, month = parsed
    _check_year(year, f"month {text.strip()}")
    return year, month


def _check_year(year: int, what: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ModelInputError(f"{what} is outside the calendar's years {FIRST_YEAR}-{LAST_YEAR}")


@dataclass(frozen=True, slots=True)
class DayFactors:
    """Why a day gets the traffic it gets: the named factors that apply (all 1 are left out)."""

    day: date
    working: bool
    #: factor name → value, e.g. {"peak_month": 1.3, "quarter_end": 1.4}
    applied: Mapping[str, float]
    #: the morning is raised by `monday_morning` (first working day after days off)
    after_days_off: bool

    @property
    def value(self) -> float:
        """The day factor: 0 on days off, else the product of `applied` (morning excluded)."""
        if not self.working:
            return 0.0
        product = 1.0
        for name, value in self.applied.items():
            if name != "monday_morning":
                product *= value
        return product


@dataclass(frozen=True, slots=True)
class RateSeries:
    """Expected arrivals minute by minute from `start` (midnight, Vietnam time).

    `dossiers[i]` is the dossier rate (per second) during minute i; a flow's rate is that times
    its requests per dossier (`rates(flow)`), in requests per second.
    """

    start: datetime
    per_dossier: Mapping[str, float]
    dossiers: Sequence[float]

    @property
    def flows(self) -> tuple[str, ...]:
        return tuple(self.per_dossier)

    def __len__(self) -> int:
        return len(self.dossiers)

    def minute(self, index: int) -> datetime:
        return self.start + timedelta(minutes=index)

    def rates(self, flow: str) -> list[float]:
        """Requests per second of `flow` in each minute."""
        factor = self.per_dossier[flow]
        return [rate * factor for rate in self.dossiers]

    def total(self) -> list[float]:
        """Requests per second across flows in each minute."""
        factor = sum(self.per_dossier.values())
        return [rate * factor for rate in self.dossiers]

    def requests(self, flow: str | None = None) -> float:
        """Expected requests over the whole range (of one flow, or of all)."""
        factor = sum(self.per_dossier.values()) if flow is None else self.per_dossier[flow]
        return sum(self.dossiers) * 60 * factor


@dataclass(frozen=True, slots=True)
class PeakNeed:
    """What a month asks of the portal link at its busiest: the peak minute and hour."""

    province: str
    province_name: str
    province_label: str
    month: str
    #: the start of the busiest minute (Vietnam time) and its rate across flows (requests/s)
    minute: datetime
    rate: float
    #: requests per second of each flow in that minute
    flows: Mapping[str, float]
    #: the busiest 60 consecutive minutes: start and mean rate across flows (requests/s)
    hour_start: datetime
    hour_rate: float
    working_days: int
    #: expected dossiers and requests in the month
    dossiers: float
    requests: float
    annual_volume: float
    #: the factors of the peak day
    factors: Mapping[str, float]

    @property
    def weekday(self) -> str:
        """The peak minute's weekday in Vietnamese ("Thứ Hai")."""
        return VIETNAMESE_WEEKDAYS[self.minute.weekday()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "province_name": self.province_name,
            "month": self.month,
            "annual_volume": self.annual_volume,
            "working_days": self.working_days,
            "dossiers": self.dossiers,
            "requests": self.requests,
            "peak_minute": self.minute.isoformat(),
            "peak_weekday": self.weekday,
            "peak_rate_rps": self.rate,
            "peak_flows_rps": dict(self.flows),
            "peak_hour_start": self.hour_start.isoformat(),
            "peak_hour_rate_rps": self.hour_rate,
            "peak_day_factors": dict(self.factors),
        }


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _interpolate(anchors: Sequence[tuple[time, float]], at: float) -> float:
    points = [(_minutes(clock), weight) for clock, weight in anchors]
    if at <= points[0][0]:
        return points[0][1]
    if at >= points[-1][0]:
        return points[-1][1]
    index = bisect_right([x for x, _ in points], at)
    (x0, y0), (x1, y1) = points[index - 1], points[index]
    return y0 + (y1 - y0) * (at - x0) / (x1 - x0)


def _curve(morning_factor: float) -> tuple[float, ...]:
    """Weights of the 1440 minutes of a working day (0 outside office hours)."""
    weights = [0.0] * _MINUTES_PER_DAY
    for opens, closes in OFFICE_HOURS:
        morning = opens < time(12, 0)
        anchors = MORNING_CURVE if morning else AFTERNOON_CURVE
        for minute in range(_minutes(opens), _minutes(closes)):
            weight = _interpolate(anchors, minute + 0.5)
            weights[minute] = weight * (morning_factor if morning else 1.0)
    return tuple(weights)


def lunar_new_year(year: int) -> date | None:
    """Mùng 1 Tết of `year`, from the `holidays` package's lunisolar calendar."""
    table = holidays.country_holidays("VN", years=year, language="en_US")
    return next((day for day, name in sorted(table.items()) if name == "Lunar New Year"), None)


@dataclass(slots=True)
class _Year:
    """One year's day factors and the normaliser of its minute weights."""

    days: dict[date, DayFactors] = field(default_factory=dict)
    total_weight: float = 0.0


class TrafficModel:
    """Expected arrivals per flow per minute for one province; see the module docstring."""

    def __init__(
        self,
        province: PlanningProvince,
        annual_volume: float,
        *,
        mix: FlowMix | None = None,
        factors: Factors | None = None,
        peak_months: Mapping[str, PeakMonths] | None = None,
        calendar: VietnamCalendar | None = None,
    ) -> None:
        if not (annual_volume > 0 and math.isfinite(annual_volume)):
            raise ModelInputError(f"annual volume {annual_volume} must be a number > 0")
        self.province = province
        self.annual_volume = float(annual_volume)
        self.mix = mix or flow_mix(province.profile)
        self.factors = factors or Factors()
        table = bundled_peak_months() if peak_months is None else peak_months
        #: (weight, peak months) of each component that has peak months
        self._peaks = tuple(
            (weight, table[code]) for code, weight in province.components if code in table
        )
        self.calendar = calendar or bundled_calendar()
        self._years: dict[int, _Year] = {}
        self._plain = _curve(1.0)
        self._monday = _curve(self.factors.monday_morning)

    @classmethod
    def from_province(
        cls,
        code: str,
        annual_volume: float | None = None,
        *,
        factors: Factors | None = None,
        peak_months: Sequence[int] | None = None,
        peak_table: Mapping[str, PeakMonths] | None = None,
        calendar: VietnamCalendar | None = None,
    ) -> TrafficModel:
        """The model of GSO code `code` (a current unit or a former province).

        `annual_volume` defaults to the domain.md §10 share (`PlanningProvince.default_volume`);
        `peak_months` (1-12), when given, are the whole province's peak months and replace the
        bundled table (`peak_table`). Raises `ProvinceNotFound` or `ModelInputError`.
        """
        province = resolve_province(code)
        volume = province.default_volume if annual_volume is None else annual_volume
        if peak_months is not None:
            months = frozenset(peak_months)
            if not all(1 <= month <= 12 for month in months):
                raise ModelInputError(f"peak months {sorted(months)} must be numbers 1-12")
            override = PeakMonths(months, None, "given for this run")
            peak_table = {code: override for code, _ in province.components}
        return cls(province, volume, factors=factors, peak_months=peak_table, calendar=calendar)

    # -- the calendar --------------------------------------------------------------------------

    def peak_month_factor(self, year: int, month: int) -> float:
        """`peak_month` weighted by the share of the province that runs `month` as a peak."""
        share = sum(weight for weight, peaks in self._peaks if peaks.applies(year, month))
        return 1.0 + (self.factors.peak_month - 1.0) * share

    def day_factors(self, day: date) -> DayFactors:
        """The factors of `day` (its year must be within FIRST_YEAR..LAST_YEAR)."""
        return self._year(day.year).days[day]

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            _check_year(year, f"year {year}")
            cached = self._build_year(year)
            self._years[year] = cached
        return cached

    def _build_year(self, year: int) -> _Year:
        factors = self.factors
        first, last = date(year, 1, 1), date(year, 12, 31)
        all_days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        working = [day for day in all_days if self.calendar.is_working_day(day)]
        applied: dict[date, dict[str, float]] = {day: {} for day in working}

        by_month: dict[int, list[date]] = {}
        for day in working:
            by_month.setdefault(day.month, []).append(day)
        for month, days in by_month.items():
            peak = self.peak_month_factor(year, month)
            for day in days:
                if peak != 1.0:
                    applied[day]["peak_month"] = peak
            ends = days[-factors.month_end_days :] if factors.month_end_days else []
            quarter = (
                days[-factors.quarter_end_days :]
                if month in _QUARTER_END_MONTHS and factors.quarter_end_days
                else []
            )
            for day in ends:
                applied[day]["month_end"] = factors.month_end
            for day in quarter:
                if factors.quarter_end >= applied[day].get("month_end", 0.0):
                    applied[day].pop("month_end", None)
                    applied[day]["quarter_end"] = factors.quarter_end

        before, after = self._around_tet(year, working)
        for day in before[-factors.tet_lull_days :] if factors.tet_lull_days else []:
            applied[day]["tet_lull"] = factors.tet_lull
        for day in after[: factors.post_tet_rush_days]:
            applied[day]["post_tet_rush"] = factors.post_tet_rush

        result = _Year()
        working_set = set(working)
        for day in all_days:
            if day not in working_set:
                result.days[day] = DayFactors(day, False, MappingProxyType({}), False)
                continue
            after_off = not self.calendar.is_working_day(day - timedelta(days=1))
            names = applied[day]
            if after_off and factors.monday_morning != 1.0:
                names["monday_morning"] = factors.monday_morning
            entry = DayFactors(day, True, MappingProxyType(dict(sorted(names.items()))), after_off)
            result.days[day] = entry
            curve_total = self._curve_total(after_off)
            result.total_weight += entry.value * curve_total
        return result

    @cached_property
    def _curve_totals(self) -> tuple[float, float]:
        return sum(self._plain), sum(self._monday)

    def _curve_total(self, after_days_off: bool) -> float:
        return self._curve_totals[1 if after_days_off else 0]

    def _around_tet(self, year: int, working: list[date]) -> tuple[list[date], list[date]]:
        """(working days before the Tết break, working days after it) within `year`."""
        span = self.tet_break(year)
        if span is None:
            return [], []
        start, end = span
        return [d for d in working if d < start], [d for d in working if d > end]

    def tet_break(self, year: int) -> tuple[date, date] | None:
        """First and last day of the run of days off around mùng 1 Tết of `year`."""
        new_year = lunar_new_year(year)
        if new_year is None or self.calendar.is_working_day(new_year):
            return None
        start = end = new_year
        while not self.calendar.is_working_day(start - timedelta(days=1)):
            start -= timedelta(days=1)
        while not self.calendar.is_working_day(end + timedelta(days=1)):
            end += timedelta(days=1)
        return start, end

    # -- rates ---------------------------------------------------------------------------------

    def day_rates(self, day: date) -> list[float]:
        """Dossiers per second in each of the 1440 minutes of `day`."""
        year = self._year(day.year)
        entry = year.days[day]
        if not entry.working or year.total_weight <= 0:
            return [0.0] * _MINUTES_PER_DAY
        scale = self.annual_volume * entry.value / year.total_weight / 60
        curve = self._monday if entry.after_days_off else self._plain
        return [weight * scale for weight in curve]

    def arrival_rates(self, start: date, end: date) -> RateSeries:
        """Per-minute rates from `start` 00:00 to `end` 24:00 (both days included)."""
        if end < start:
            raise ModelInputError(f"range {start} to {end} ends before it starts")
        for day in (start, end):
            _check_year(day.year, f"day {day.isoformat()}")
        dossiers: list[float] = []
        day = start
        while day <= end:
            dossiers.extend(self.day_rates(day))
            day += timedelta(days=1)
        return RateSeries(
            datetime.combine(start, time(0, 0), VN_TZ),
            self.mix.per_dossier,
            tuple(dossiers),
        )

    def month_rates(self, month: str) -> RateSeries:
        year, number = parse_month(month)
        first = date(year, number, 1)
        following = date(year + number // 12, number % 12 + 1, 1)
        return self.arrival_rates(first, following - timedelta(days=1))

    def working_days(self, month: str) -> int:
        year, number = parse_month(month)
        return sum(
            1
            for day, entry in self._year(year).days.items()
            if day.month == number and entry.working
        )

    def peak(self, month: str) -> PeakNeed:
        """The busiest minute and hour of `month` ("YYYY-MM"); ModelInputError on a bad month."""
        series = self.month_rates(month)
        rates = series.dossiers
        per_request = self.mix.total
        best = max(range(len(rates)), key=lambda index: (rates[index], -index))
        hour_start, hour_sum = 0, -1.0
        window = sum(rates[:60])
        for index in range(len(rates) - 59):
            if index:
                window += rates[index + 59] - rates[index - 1]
            if window > hour_sum + 1e-12:
                hour_start, hour_sum = index, window
        minute = series.minute(best)
        return PeakNeed(
            province=self.province.code,
            province_name=self.province.name,
            province_label=self.province.label,
            month=month.strip(),
            minute=minute,
            rate=rates[best] * per_request,
            flows=MappingProxyType(
                {flow: rates[best] * self.mix.per_dossier[flow] for flow in FLOWS}
            ),
            hour_start=series.minute(hour_start),
            hour_rate=hour_sum / 60 * per_request,
            working_days=self.working_days(month),
            dossiers=sum(rates) * 60,
            requests=series.requests(),
            annual_volume=self.annual_volume,
            factors=self.day_factors(minute.date()).applied,
        )
