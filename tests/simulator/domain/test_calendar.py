"""Working days: statutory holidays, Tết, days in lieu, overrides and office hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import WorkingCalendar
from simulator.domain.calendar import (
    OFFICE_HOURS,
    VietnamCalendar,
    YearOverride,
    bundled_calendar,
    is_office_hours,
    load_calendar,
    load_overrides,
)

#: domain.md §9, as checked against the `holidays` package.
HOLIDAYS_2025 = ["01-01", "01-27", "01-28", "01-29", "01-30", "01-31", "02-01", "04-07",
                 "04-30", "05-01", "09-01", "09-02"]  # fmt: skip
HOLIDAYS_2026 = ["01-01", "02-16", "02-17", "02-18", "02-19", "02-20", "04-27", "04-30",
                 "05-01", "09-01", "09-02"]  # fmt: skip

CALENDAR = bundled_calendar()
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=400)


def test_calendar_satisfies_the_protocol() -> None:
    """The calendar is usable wherever the rules expect a `WorkingCalendar`."""
    calendar: WorkingCalendar = CALENDAR
    assert calendar.is_working_day(date(2026, 3, 2))


@pytest.mark.parametrize(
    "day",
    [date.fromisoformat(f"2025-{d}") for d in HOLIDAYS_2025]
    + [date.fromisoformat(f"2026-{d}") for d in HOLIDAYS_2026],
    ids=str,
)
def test_statutory_holidays_are_not_working_days(day: date) -> None:
    """Every 2025 and 2026 holiday of domain.md §9, in-lieu days included, is a day off."""
    assert not CALENDAR.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 3, 2), date(2026, 4, 28), date(2025, 12, 31)], ids=str)
def test_ordinary_weekdays_are_working_days(day: date) -> None:
    """A plain Monday-Friday is a working day."""
    assert CALENDAR.is_working_day(day)


def test_weekends_are_not_working_days() -> None:
    """Saturdays and Sundays are off in an ordinary week."""
    assert not CALENDAR.is_working_day(date(2026, 3, 7))
    assert not CALENDAR.is_working_day(date(2026, 3, 8))


def test_library_day_swap_is_honoured() -> None:
    """Saturday 2025-04-26 was worked so that Friday 2025-05-02 could be taken off."""
    assert CALENDAR.is_working_day(date(2025, 4, 26))
    assert not CALENDAR.is_working_day(date(2025, 5, 2))


def test_tet_2026_is_skipped() -> None:
    """One working day after Friday 2026-02-13 is Monday 2026-02-23, after the Tết week."""
    assert CALENDAR.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert CALENDAR.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert CALENDAR.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_day_in_lieu_2026_04_27_is_skipped() -> None:
    """Hùng Kings' day fell on Sunday 2026-04-26; Monday 04-27 is off in lieu."""
    assert CALENDAR.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert CALENDAR.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)


def test_zero_and_negative_counts() -> None:
    """Zero days is the same day; negative counts go backwards over the same days off."""
    assert CALENDAR.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 14)
    assert CALENDAR.add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert CALENDAR.add_working_days(date(2026, 1, 2), -1) == date(2025, 12, 31)


def test_days_off_lists_weekday_holidays() -> None:
    """`days_off` lists exactly the Monday-Friday days off of a year."""
    off = CALENDAR.days_off(2026)
    assert date(2026, 2, 16) in off
    assert date(2026, 4, 26) not in off  # a Sunday
    assert all(day.weekday() < 5 and day.year == 2026 for day in off)


@given(start=days, n=st.integers(min_value=1, max_value=400))
def test_result_is_never_a_day_off(start: date, n: int) -> None:
    """A positive count always lands on a working weekday that is not a holiday."""
    result = CALENDAR.add_working_days(start, n)
    statutory = holidays.country_holidays("VN", years=result.year)
    assert result > start
    assert CALENDAR.is_working_day(result)
    assert result not in statutory
    assert result.weekday() < 5 or result in statutory.weekend_workdays


@given(start=days, n=counts, m=counts)
def test_monotonic_in_the_count(start: date, n: int, m: int) -> None:
    """More working days never gives an earlier date."""
    low, high = sorted((n, m))
    assert CALENDAR.add_working_days(start, low) <= CALENDAR.add_working_days(start, high)


@given(a=days, b=days, n=counts)
def test_monotonic_in_the_start(a: date, b: date, n: int) -> None:
    """A later start never gives an earlier date."""
    early, late = sorted((a, b))
    assert CALENDAR.add_working_days(early, n) <= CALENDAR.add_working_days(late, n)


@given(start=days, n=st.integers(min_value=-400, max_value=400))
def test_between_inverts_add(start: date, n: int) -> None:
    """Counting the working days to `add_working_days(a, n)` gives back n."""
    assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, n)) == n


@given(a=days, b=days)
def test_add_between_lands_on_or_before_the_end(a: date, b: date) -> None:
    """Adding the working days between a and b never overshoots b, and is exact on working days."""
    start, end = sorted((a, b))
    n = CALENDAR.working_days_between(start, end)
    landed = CALENDAR.add_working_days(start, n)
    assert landed <= end
    if CALENDAR.is_working_day(end) and end > start:
        assert landed == end


@given(a=days, b=days)
def test_between_counts_working_days(a: date, b: date) -> None:
    """Forwards it counts working days in (a, b]; backwards, minus those in [b, a)."""
    start, end = sorted((a, b))
    if (end - start).days > 60:
        end = start + timedelta(days=60)
    span = (end - start).days
    forward = sum(CALENDAR.is_working_day(start + timedelta(days=i)) for i in range(1, span + 1))
    backward = sum(CALENDAR.is_working_day(start + timedelta(days=i)) for i in range(span))
    assert CALENDAR.working_days_between(start, end) == forward
    assert CALENDAR.working_days_between(end, start) == -backward


def test_overrides_win_over_the_package() -> None:
    """Override days off and working days take precedence over the statutory calendar."""
    override = YearOverride(
        2027, days_off=frozenset({date(2027, 3, 3)}), working_days=frozenset({date(2027, 3, 6)})
    )
    calendar = VietnamCalendar({2027: override})
    assert not calendar.is_working_day(date(2027, 3, 3))
    assert calendar.is_working_day(date(2027, 3, 6))  # a Saturday
    assert calendar.add_working_days(date(2027, 3, 2), 1) == date(2027, 3, 4)
    assert CALENDAR.is_working_day(date(2027, 3, 3))


def test_bundled_override_file_is_empty() -> None:
    """The shipped override file parses and lists no year: no unsourced swaps."""
    from importlib import resources

    source = resources.files("simulator.domain") / "data" / "calendar_overrides.toml"
    with resources.as_file(source) as path:
        assert load_overrides(path) == {}


def test_load_calendar_reads_overrides(tmp_path: Path) -> None:
    """A TOML file with dates or date strings becomes a calendar with those decisions."""
    path = tmp_path / "calendar.toml"
    path.write_text(
        'format = 1\n[years.2027]\ndays_off = [2027-02-15, "2027-02-16"]\n'
        'working_days = [2027-02-20]\nsource = "test"\n',
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    assert overrides[2027].days_off == {date(2027, 2, 15), date(2027, 2, 16)}
    assert overrides[2027].source == "test"
    calendar = load_calendar(path)
    assert not calendar.is_working_day(date(2027, 2, 15))
    assert calendar.is_working_day(date(2027, 2, 20))


def test_load_calendar_missing_file_names_it(tmp_path: Path) -> None:
    """A missing file is a ValueError naming the file."""
    with pytest.raises(ValueError, match=r"absent\.toml"):
        load_calendar(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[years.2027\n", "TOML"),
        ("years = 3\n", "table"),
        ("[years.27]\n", "four digits"),
        ("[years.2027]\ndays_off = 2027-02-15\n", "list"),
        ("[years.2027]\ndays_off = [2026-02-15]\n", "not in 2027"),
        ("[years.2027]\ndays_off = [2027-02-15T08:00:00]\n", "not a date"),
        ('[years.2027]\ndays_off = ["15/02/2027"]\n', "not a date"),
        ("[years.2027]\ndays_off = [2027-02-15]\nworking_days = [2027-02-15]\n", "both"),
        ("[years.2027]\nholidays = []\n", "unknown keys"),
    ],
)
def test_load_calendar_rejects_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    """Malformed override files are ValueErrors naming the file and the problem."""
    path = tmp_path / "calendar.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        load_calendar(path)
    assert "calendar.toml" in str(raised.value)


VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (datetime(2026, 3, 2, 7, 30), True),
        (datetime(2026, 3, 2, 7, 29), False),
        (datetime(2026, 3, 2, 11, 29, 59), True),
        (datetime(2026, 3, 2, 11, 30), False),
        (datetime(2026, 3, 2, 12, 0), False),
        (datetime(2026, 3, 2, 13, 30), True),
        (datetime(2026, 3, 2, 16, 59), True),
        (datetime(2026, 3, 2, 17, 0), False),
        (datetime(2026, 3, 7, 9, 0), False),  # Saturday
        (datetime(2026, 2, 17, 9, 0), False),  # Tết
        (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), True),  # 08:00 in Vietnam
        (datetime(2026, 3, 1, 23, 0, tzinfo=UTC), False),  # Mon 06:00 in Vietnam
        (datetime(2026, 3, 2, 9, 0, tzinfo=VN), True),
    ],
)
def test_office_hours(moment: datetime, open_: bool) -> None:
    """Office hours are 7:30-11:30 and 13:30-17:00 on working days, in Vietnam time."""
    assert is_office_hours(moment) is open_
    assert CALENDAR.is_office_hours(moment) is open_


def test_office_hours_constant() -> None:
    """Two sessions, morning then afternoon."""
    assert [(s.isoformat(), e.isoformat()) for s, e in OFFICE_HOURS] == [
        ("07:30:00", "11:30:00"),
        ("13:30:00", "17:00:00"),
    ]


def test_far_dates_are_cheap() -> None:
    """A stray date far from today is computed for its own year only."""
    calendar = VietnamCalendar()
    assert calendar.add_working_days(date(1901, 6, 3), 1) == date(1901, 6, 4)
    assert calendar.is_working_day(date(2026, 3, 2))
