"""One duration syntax for every option and configuration file (`mock_portal.durations`)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from mock_portal.config import ConfigError, load_config
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
    ("1h 30m", timedelta(hours=1, minutes=30)),  # spaces do not count
    ("250 ms", timedelta(milliseconds=250)),
    ("0.25", timedelta(seconds=0.25)),
    ("90", timedelta(seconds=90)),
    (90, timedelta(seconds=90)),  # a bare TOML number: seconds
    (0.25, timedelta(seconds=0.25)),
]

INVALID = [
    ("soon", "is not a duration (examples: 250ms, 90s, 30m, 1h30m)"),
    ("", "is not a duration"),
    ("1h-30m", "is not a duration"),
    ("h1", "is not a duration"),
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
    ("0.0000001s", "a duration must be positive"),  # less than a microsecond: no time
    (1e-9, "a duration must be positive"),
    ("99999999999d", "a duration that long cannot be used"),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_a_duration_is_read(text: object, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["0", "0s", "0ms", "0m", 0])
def test_zero_only_where_it_is_allowed(text: object) -> None:
    """`--drain 0`: no draining; elsewhere a zero duration is refused."""
    assert parse_duration(text, allow_zero=True) == timedelta(0)
    with pytest.raises(ValueError, match="must be positive"):
        parse_duration(text)


@pytest.mark.parametrize(("text", "problem"), INVALID)
def test_what_is_not_a_duration_is_named(text: object, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)) as refused:
        parse_duration(text)
    assert repr(text) in str(refused.value)


CONFIG_DURATIONS = [
    # (TOML line, what the portal's configuration must make of it: a duration or the problem)
    ('session_lifetime = "1h30m"', timedelta(hours=1, minutes=30)),
    ("session_lifetime = 90", timedelta(seconds=90)),
    ('session_lifetime = "500ms"', "session_lifetime: '500ms' is shorter than 1s"),
    ('session_lifetime = "soon"', "session_lifetime: 'soon' is not a duration"),
    ('[limits]\nlogin_window = "0.5s"', "limits.login_window: '0.5s' is shorter than 1s"),
    ('[sso]\ntoken_lifetime = "10 m"', timedelta(minutes=10)),
    ('[sso]\ncode_lifetime = "0s"', "sso.code_lifetime: '0s': a duration must be positive"),
]


@pytest.mark.parametrize(("toml", "expected"), CONFIG_DURATIONS)
def test_the_portal_configuration_reads_durations_in_whole_seconds_at_least(
    tmp_path: Path, toml: str, expected: timedelta | str
) -> None:
    """Lifetimes and windows reach the wire in whole seconds: less than one is refused."""
    path = tmp_path / "portal.toml"
    path.write_text(toml + "\n", encoding="utf-8")
    if isinstance(expected, str):
        with pytest.raises(ConfigError, match=re.escape(expected)):
            load_config(path)
        return
    config = load_config(path)
    found = {
        "session_lifetime": config.session_lifetime,
        "token_lifetime": config.sso.token_lifetime,
    }
    assert expected in found.values()
