"""Durations on the command line (`mock_portal.durations`), refused as usage errors."""

from __future__ import annotations

from datetime import timedelta

from mock_portal.durations import parse_duration
from simulator.errors import UsageError

__all__ = ["parse_option_duration", "parse_seconds"]


def parse_option_duration(option: str, text: str, *, allow_zero: bool = False) -> timedelta:
    """The duration an option gives; `UsageError` naming the option when it is not one."""
    try:
        return parse_duration(text, allow_zero=allow_zero)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def parse_seconds(option: str, text: str, *, allow_zero: bool = False) -> float:
    return parse_option_duration(option, text, allow_zero=allow_zero).total_seconds()
