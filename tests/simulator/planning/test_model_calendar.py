"""The traffic model follows the calendar: days off, office hours, peaks, ends, Tết, swaps."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from simulator.domain import VN_TZ, VietnamCalendar, YearOverride
from simulator.planning import Factors, TrafficModel

VOLUME = 1_000_000.0
#: Thanh Hóa (38): an unchanged province without peak months, so other factors show alone
PLAIN = "38"


@pytest.fixture(scope="module")
def plain() -> TrafficModel:
    return TrafficModel.from_province(PLAIN, VOLUME)


@pytest.fixture(scope="module")
def quang_nam() -> TrafficModel:
    return TrafficModel.from_province("49", VOLUME)


def rate_at(model: TrafficModel, moment: datetime) -> float:
    """Dossiers per second in the minute starting at `moment` (Vietnam time)."""
    return model.day_rates(moment.date())[moment.hour * 60 + moment.minute]


def day_total(model: TrafficModel, day: date) -> float:
    return sum(model.day_rates(day)) * 60


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VN_TZ)


# -- zero outside working time (cases as data) -----------------------------------------------

ZERO = [
    ("Sunday", at(date(2026, 7, 12), 9)),
    ("Saturday", at(date(2026, 7, 11), 9)),
    ("Reunification Day 30/4", at(date(2026, 4, 30), 9)),
    ("National Day 2/9", at(date(2026, 9, 2), 9)),
    ("mùng 1 Tết", at(date(2026, 2, 17), 9)),
    ("Tết day in lieu (Monday after)", at(date(2026, 2, 20), 9)),
    ("before opening", at(date(2026, 7, 15), 7, 29)),
    ("lunch", at(date(2026, 7, 15), 11, 30)),
    ("lunch, just before the afternoon", at(date(2026, 7, 15), 13, 29)),
    ("after closing", at(date(2026, 7, 15), 17, 0)),
    ("night", at(date(2026, 7, 15), 2, 0)),
    ("swapped day off (31/8/2026, for Saturday 22/8)", at(date(2026, 8, 31), 9)),
]
OPEN = [
    ("first minute of the morning", at(date(2026, 7, 15), 7, 30)),
    ("last minute of the morning", at(date(2026, 7, 15), 11, 29)),
    ("first minute of the afternoon", at(date(2026, 7, 15), 13, 30)),
    ("last minute of the afternoon", at(date(2026, 7, 15), 16, 59)),
    ("swapped working Saturday 22/8/2026", at(date(2026, 8, 22), 9)),
]


@pytest.mark.parametrize(("case", "moment"), ZERO, ids=[case for case, _ in ZERO])
def test_no_arrivals_outside_working_time(plain: TrafficModel, case: str, moment: datetime) -> None:
    """Sundays, holidays, Tết, lunch, night and swapped days off have a zero rate."""
    assert rate_at(plain, moment) == 0.0


@pytest.mark.parametrize(("case", "moment"), OPEN, ids=[case for case, _ in OPEN])
def test_arrivals_in_office_hours(plain: TrafficModel, case: str, moment: datetime) -> None:
    """Every minute of office hours on a working day has a positive rate."""
    assert rate_at(plain, moment) > 0.0


def test_override_calendar_is_honoured() -> None:
    """A day swap given by the calendar file moves the traffic with it."""
    swap = YearOverride(2026, frozenset({date(2026, 7, 15)}), frozenset({date(2026, 7, 18)}))
    model = TrafficModel.from_province(PLAIN, VOLUME, calendar=VietnamCalendar({2026: swap}))
    assert day_total(model, date(2026, 7, 15)) == 0.0
    assert day_total(model, date(2026, 7, 18)) > 0.0


# -- the shape of a day ------------------------------------------------------------------------


def test_monday_morning_above_a_midweek_morning(plain: TrafficModel) -> None:
    """Monday's 9:00 is above Wednesday's by the monday_morning factor; afternoons are equal."""
    monday, wednesday = date(2026, 7, 13), date(2026, 7, 15)
    ratio = rate_at(plain, at(monday, 9)) / rate_at(plain, at(wednesday, 9))
    assert ratio == pytest.approx(Factors().monday_morning)
    assert rate_at(plain, at(monday, 14)) == pytest.approx(rate_at(plain, at(wednesday, 14)))


def test_after_lunch_peak(plain: TrafficModel) -> None:
    """The afternoon peaks soon after opening, above its opening and its close."""
    day = date(2026, 7, 15)
    assert rate_at(plain, at(day, 14)) > rate_at(plain, at(day, 13, 30))
    assert rate_at(plain, at(day, 14)) > rate_at(plain, at(day, 16, 30))


def test_peak_minute_is_a_morning_of_the_month(quang_nam: TrafficModel) -> None:
    """The peak of an ordinary month falls on a Monday (or after a holiday) morning."""
    need = quang_nam.peak("2026-07")
    assert need.minute.time() < time(11, 30)
    assert "monday_morning" in need.factors
    assert need.hour_rate <= need.rate


# -- the shape of a year -----------------------------------------------------------------------


def test_peak_month_above_an_ordinary_month_by_the_factor(quang_nam: TrafficModel) -> None:
    """Quảng Nam's March (peak month) is above April by peak_month, day for day."""
    ratio = day_total(quang_nam, date(2026, 3, 11)) / day_total(quang_nam, date(2026, 4, 15))
    assert ratio == pytest.approx(Factors().peak_month)


def test_configured_peak_factor_and_months() -> None:
    """A configured factor and configured months replace the bundled ones."""
    model = TrafficModel.from_province(
        PLAIN, VOLUME, factors=Factors(peak_month=2.0), peak_months=[4]
    )
    ratio = day_total(model, date(2026, 4, 15)) / day_total(model, date(2026, 3, 11))
    assert ratio == pytest.approx(2.0)


def test_merged_unit_inherits_a_member_s_peak_months() -> None:
    """Đà Nẵng (48) takes Quảng Nam's peak months in proportion to Quảng Nam's share."""
    model = TrafficModel.from_province("48", VOLUME)
    quang_nam = dict(model.province.components)["49"]
    ratio = day_total(model, date(2026, 3, 11)) / day_total(model, date(2026, 4, 15))
    assert 0 < quang_nam < 1
    assert ratio == pytest.approx(1 + (Factors().peak_month - 1) * quang_nam)


def test_quarter_end_and_month_end(plain: TrafficModel) -> None:
    """The last 5 working days of June get quarter_end, the last 3 of July month_end."""
    factors = Factors()
    mid_june = day_total(plain, date(2026, 6, 17))
    assert day_total(plain, date(2026, 6, 24)) / mid_june == pytest.approx(factors.quarter_end)
    assert day_total(plain, date(2026, 6, 23)) / mid_june == pytest.approx(1.0)
    mid_july = day_total(plain, date(2026, 7, 15))
    assert day_total(plain, date(2026, 7, 29)) / mid_july == pytest.approx(factors.month_end)
    assert day_total(plain, date(2026, 7, 28)) / mid_july == pytest.approx(1.0)


def test_tet_lull_and_post_tet_rush(plain: TrafficModel) -> None:
    """2026: Tết break 14-22/2; the week before is a lull, the week after a rush."""
    factors = Factors()
    assert plain.tet_break(2026) == (date(2026, 2, 14), date(2026, 2, 22))
    ordinary = day_total(plain, date(2026, 3, 10))  # a Tuesday
    assert day_total(plain, date(2026, 2, 10)) / ordinary == pytest.approx(factors.tet_lull)
    assert day_total(plain, date(2026, 2, 24)) / ordinary == pytest.approx(factors.post_tet_rush)
    assert day_total(plain, date(2026, 3, 3)) / ordinary == pytest.approx(1.0)


def test_factors_of_a_day_are_named(quang_nam: TrafficModel) -> None:
    """day_factors says which named factors make a day: 31/3/2026 is a peak-month quarter end."""
    applied = quang_nam.day_factors(date(2026, 3, 31)).applied
    assert dict(applied) == {"peak_month": 1.3, "quarter_end": 1.4}


def test_peak_months_start_with_their_decision(quang_nam: TrafficModel) -> None:
    """Quảng Nam's peak months apply from March 2022 (Directive 04), not before."""
    assert quang_nam.peak_month_factor(2021, 3) == 1.0
    assert quang_nam.peak_month_factor(2022, 3) == pytest.approx(Factors().peak_month)
    assert quang_nam.peak_month_factor(2022, 4) == 1.0


def test_range_across_new_year(plain: TrafficModel) -> None:
    """A range over New Year joins both years: 1 January 2027 is off, Monday 4 January not."""
    series = plain.arrival_rates(date(2026, 12, 31), date(2027, 1, 4))
    assert len(series) == 5 * 1440
    assert sum(series.dossiers[:1440]) > 0.0
    assert sum(series.dossiers[1440 : 4 * 1440]) == 0.0
    assert sum(series.dossiers[4 * 1440 :]) > 0.0
    assert plain.day_factors(date(2027, 1, 4)).after_days_off
