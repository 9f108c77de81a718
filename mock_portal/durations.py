"""One way to write a duration, on every command line and in every configuration file.

`250ms`, `90s`, `1.5s`, `30m`, `1h30m`, `2d`, or a plain number of seconds (`0.25`, `90`; in
TOML also a bare number). Units: `ms`, `s`, `m`, `h`, `d`; parts add up, largest or not, and
spaces do not count (`1h 30m`, `250 ms`). Durations are whole microseconds, like `timedelta`.
Callers add their own bounds (a callback timeout of at most an hour, say) and error type.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

__all__ = ["EXAMPLES", "parse_duration"]

EXAMPLES = "250ms, 90s, 30m, 1h30m"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# `ms` before `m`: "250ms" is milliseconds, not 250 minutes and a stray "s"
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)")
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3_600.0, "d": 86_400.0}


def parse_duration(value: object, *, allow_zero: bool = False) -> timedelta:
    """A positive duration (or zero, if allowed) from its text or a number of seconds;
    ValueError says what is wrong."""
    seconds = _seconds(value)
    try:
        duration = timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"{value!r}: a duration that long cannot be used") from None
    # after rounding to microseconds: 0.0000001s is no time at all
    if duration < timedelta(0) or (duration == timedelta(0) and not allow_zero):
        raise ValueError(f"{value!r}: a duration must be positive")
    return duration


def _seconds(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value):
            return float(value)
    elif isinstance(value, str):
        text = "".join(value.split()).lower()
        if _NUMBER.fullmatch(text):
            return float(text)
        parts = _PART.findall(text)
        if parts and "".join(number + unit for number, unit in parts) == text:
            return sum(float(number) * _SECONDS[unit] for number, unit in parts)
    raise ValueError(f"{value!r} is not a duration (examples: {EXAMPLES})")
