"""One duration syntax for every option and configuration file (`mock_portal.durations`)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from mock_portal.durations import parse_duration

VALID = [
    ("250ms", timedelta(milliseconds=250)),
    ("90s", timedelta(seconds=90)),
    ("1.5s", timedelta(seconds=1.5)),
    ("30m", timedelta(minutes=30)),
    ("1h30m", timedelta(hours=1, minutes=30)),
    ("1m30s", timedelta(seconds=90)),
    ("30s1m", timedelta(seconds=90)),  # parts add up in any order
    ("2d", timedelta(days=2)),
    ("1h0m1s500ms", timedelta(hours=1, seconds=1.5)),
    (" 15M ", timedelta(minutes=15)),
    ("0.25", timedelta(seconds=0.25)),
    ("90", timedelta(seconds=90)),
    (90, timedelta(seconds=90)),  # a bare TOML number: seconds
    (0.25, timedelta(seconds=0.25)),
]

INVALID = [
    ("soon", "is not a duration (examples: 250ms, 90s, 30m, 1h30m)"),
    ("", "is not a duration"),
    ("10 s", "is not a duration"),
    ("1h 30m", "is not a duration"),
    ("-5s", "is not a duration"),
    ("5x", "is not a duration"),
    ("1.s", "is not a duration"),
    ("ms", "is not a duration"),
    (True, "is not a duration"),
    (None, "is not a duration"),
    ([30], "is not a duration"),
    (float("nan"), "is not a duration"),
    (float("inf"), "is not a duration"),
    ("0s", "a duration must be positive"),
    ("0", "a duration must be positive"),
    (0, "a duration must be positive"),
    (-1, "a duration must be positive"),
    ("99999999999d", "a duration that long cannot be used"),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_a_duration_is_read(text: object, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(("text", "problem"), INVALID)
def test_what_is_not_a_duration_is_named(text: object, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)) as refused:
        parse_duration(text)
    assert repr(text) in str(refused.value)
