"""`YYYY-MM` read one way for `--month` and a province table's `since` (`year_month`)."""

from __future__ import annotations

import pytest

from simulator.planning.model import ModelInputError, parse_month
from simulator.planning.province import year_month

READ = [("2026-03", (2026, 3)), ("2025-12", (2025, 12)), ("1999-01", (1999, 1))]
REFUSED = ["2026-3", "26-03", "2026-13", "2026-00", "2026/03", "2026-03-01", "２０２６-03", "", "-"]


@pytest.mark.parametrize(("text", "expected"), READ)
def test_a_month_is_read(text: str, expected: tuple[int, int]) -> None:
    assert year_month(text) == expected


@pytest.mark.parametrize("text", REFUSED)
def test_what_is_not_a_month_is_refused_by_both_readers(text: str) -> None:
    """The province tables' `since` and `--month` refuse the same texts."""
    assert year_month(text) is None
    with pytest.raises(ModelInputError, match="is not of the form YYYY-MM"):
        parse_month(text)


def test_month_also_keeps_to_the_calendar_years() -> None:
    with pytest.raises(ModelInputError, match="outside the calendar's years"):
        parse_month("1999-01")
