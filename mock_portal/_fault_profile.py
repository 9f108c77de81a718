"""Fault profiles: the TOML table / JSON object that says which faults to inject, checked whole.

A profile is validated before it is stored or used, and every problem is a `FaultProfileError`
naming the key and what is wrong with it, so an operator's typo never turns into a silently
fault-free run. See `mock_portal.faults` for what each fault does on the wire.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from mock_portal.config import ConfigError
from mock_portal.store import VIETNAM

#: the longest a hang may last, so a test or a forgotten profile cannot stall a client forever
MAX_HANG_SECONDS = 300.0
#: the longest injected latency, for the same reason
MAX_LATENCY_MS = 300_000.0
DEFAULT_STATUSES = (500, 502, 503, 504)
DISTRIBUTIONS = ("fixed", "uniform", "lognormal")

_SECTIONS = ("latency", "errors", "malformed", "hang", "drop", "stall", "maintenance", "seed")
#: the longest stall, so a forgotten profile cannot freeze the portal for good
MAX_STALL_SECONDS = 60.0
_LATENCY_KEYS = ("distribution", "ms", "min_ms", "max_ms", "median_ms", "sigma", "rate")


class FaultProfileError(ConfigError):
    """A fault profile cannot be used; the message names the key and the problem.

    A `ConfigError` (hence a `ValueError`): a bad `[faults]` table is a configuration error.
    """


@dataclass(frozen=True, slots=True)
class Latency:
    """Extra delay before a request is processed normally."""

    distribution: str
    ms: float = 0.0
    min_ms: float = 0.0
    max_ms: float = 0.0
    median_ms: float = 0.0
    sigma: float = 0.5
    rate: float = 1.0

    def sample_ms(self, rng: random.Random) -> float:
        if self.distribution == "uniform":
            value = rng.uniform(self.min_ms, self.max_ms)
        elif self.distribution == "lognormal":
            value = self.median_ms * math.exp(self.sigma * rng.gauss(0.0, 1.0))
        else:
            value = self.ms
        return min(value, MAX_LATENCY_MS)


@dataclass(frozen=True, slots=True)
class Window:
    """A maintenance window: absolute (`start`–`end`) or daily (`daily`, Vietnamese wall time)."""

    start: datetime | None = None
    end: datetime | None = None
    daily: tuple[time, time] | None = None

    def end_if_open(self, now: datetime) -> datetime | None:
        """The end of this window when `now` falls inside it, else None."""
        if self.daily is None:
            start, end = self.start, self.end
            return end if start is not None and end is not None and start <= now < end else None
        local = now.astimezone(VIETNAM)
        opens, closes = self.daily
        today = local.date()
        clock = local.time().replace(tzinfo=None)
        if opens < closes:
            inside = opens <= clock < closes
            end_day = today
        elif clock >= opens:  # a window across midnight, evening part
            inside, end_day = True, today + timedelta(days=1)
        else:  # … its morning part
            inside, end_day = clock < closes, today
        return datetime.combine(end_day, closes, VIETNAM) if inside else None


@dataclass(frozen=True, slots=True)
class FaultProfile:
    """A validated profile; rates are shares of requests (the refusing ones sum to at most 1)."""

    latency: Latency | None = None
    error_rate: float = 0.0
    statuses: tuple[int, ...] = DEFAULT_STATUSES
    retry_after: int = 5
    malformed_rate: float = 0.0
    hang_rate: float = 0.0
    hang_seconds: float = 65.0
    drop_rate: float = 0.0
    #: every `stall_every`-th request freezes the portal for `stall_seconds` (0: no stalls)
    stall_every: int = 0
    stall_seconds: float = 1.0
    maintenance: tuple[Window, ...] = ()
    seed: int | None = None


def parse_profile(raw: object, where: str = "") -> FaultProfile:
    """The profile `raw` describes, or `FaultProfileError` naming `where`+key and the problem."""
    prefix = f"{where}." if where else ""
    if not isinstance(raw, Mapping):
        raise FaultProfileError(f"{where or 'profile'}: must be a table / JSON object")
    unknown = sorted(str(key) for key in raw if key not in _SECTIONS)
    if unknown:
        raise FaultProfileError(
            f"{prefix}{unknown[0]}: unknown key; known: {', '.join(sorted(_SECTIONS))}"
        )
    errors = _table(raw, "errors", ("rate", "statuses", "retry_after"), prefix)
    hang = _table(raw, "hang", ("rate", "seconds"), prefix)
    malformed = _table(raw, "malformed", ("rate",), prefix)
    drop = _table(raw, "drop", ("rate",), prefix)
    stall = _table(raw, "stall", ("every", "seconds"), prefix)
    if stall and "every" not in stall:
        raise FaultProfileError(f"{prefix}stall.every: required (a stall every N requests)")
    profile = FaultProfile(
        latency=(
            _latency(_table(raw, "latency", _LATENCY_KEYS, prefix), f"{prefix}latency")
            if raw.get("latency") is not None
            else None
        ),
        error_rate=_rate(errors.get("rate", 0.0), f"{prefix}errors.rate"),
        statuses=_statuses(errors.get("statuses", list(DEFAULT_STATUSES)), f"{prefix}errors"),
        retry_after=_int(errors.get("retry_after", 5), f"{prefix}errors.retry_after", 0, 86_400),
        malformed_rate=_rate(malformed.get("rate", 0.0), f"{prefix}malformed.rate"),
        hang_rate=_rate(hang.get("rate", 0.0), f"{prefix}hang.rate"),
        hang_seconds=_number(
            hang.get("seconds", 65), f"{prefix}hang.seconds", 0.0, MAX_HANG_SECONDS, open_low=True
        ),
        drop_rate=_rate(drop.get("rate", 0.0), f"{prefix}drop.rate"),
        stall_every=_int(stall.get("every", 0), f"{prefix}stall.every", 0, 10**9),
        stall_seconds=_number(
            stall.get("seconds", 1.0),
            f"{prefix}stall.seconds",
            0.0,
            MAX_STALL_SECONDS,
            open_low=True,
        ),
        maintenance=_windows(raw.get("maintenance", []), f"{prefix}maintenance"),
        seed=None if raw.get("seed") is None else _int(raw["seed"], f"{prefix}seed", 0, 2**63),
    )
    total = profile.error_rate + profile.malformed_rate + profile.hang_rate + profile.drop_rate
    if total > 1.0 + 1e-9:
        raise FaultProfileError(
            f"{prefix}rates: errors, malformed, hang and drop rates add up to {total:g};"
            " each is a share of requests, so together they may be at most 1"
        )
    return profile


def _table(raw: Mapping[str, Any], key: str, known: tuple[str, ...], prefix: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise FaultProfileError(f"{prefix}{key}: must be a table / JSON object")
    unknown = sorted(str(name) for name in value if name not in known)
    if unknown:
        raise FaultProfileError(
            f"{prefix}{key}.{unknown[0]}: unknown key; known: {', '.join(known)}"
        )
    return dict(value)


def _latency(table: Mapping[str, Any], where: str) -> Latency:
    distribution = table.get("distribution", "fixed")
    if distribution not in DISTRIBUTIONS:
        raise FaultProfileError(
            f"{where}.distribution: {distribution!r} is not one of {', '.join(DISTRIBUTIONS)}"
        )
    rate = _rate(table.get("rate", 1.0), f"{where}.rate")
    ms = _ms(table, "ms", where, required=distribution == "fixed")
    low = _ms(table, "min_ms", where, required=distribution == "uniform")
    high = _ms(table, "max_ms", where, required=distribution == "uniform")
    if low > high:
        raise FaultProfileError(f"{where}.min_ms: {low:g} is more than max_ms {high:g}")
    median = _ms(table, "median_ms", where, required=distribution == "lognormal")
    sigma = _number(table.get("sigma", 0.5), f"{where}.sigma", 0.0, 5.0)
    return Latency(distribution, ms, low, high, median, sigma, rate)


def _ms(table: Mapping[str, Any], key: str, where: str, *, required: bool) -> float:
    if key not in table:
        if required:
            distribution = table.get("distribution", "fixed")
            raise FaultProfileError(f"{where}.{key}: required for the {distribution} distribution")
        return 0.0
    return _number(table[key], f"{where}.{key}", 0.0, MAX_LATENCY_MS)


def _statuses(value: object, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise FaultProfileError(f"{where}.statuses: must be a non-empty array of HTTP statuses")
    return tuple(_int(status, f"{where}.statuses[{i}]", 400, 599) for i, status in enumerate(value))


def _windows(value: object, where: str) -> tuple[Window, ...]:
    if not isinstance(value, list):
        raise FaultProfileError(f"{where}: must be an array of windows")
    return tuple(_window(entry, f"{where}[{index}]") for index, entry in enumerate(value))


def _window(entry: object, where: str) -> Window:
    if not isinstance(entry, Mapping):
        raise FaultProfileError(f'{where}: must be {{"start","end"}} or {{"daily": "HH:MM-HH:MM"}}')
    keys = set(entry)
    if keys == {"daily"}:
        return Window(daily=_daily(entry["daily"], f"{where}.daily"))
    if keys == {"start", "end"}:
        start = _moment(entry["start"], f"{where}.start")
        end = _moment(entry["end"], f"{where}.end")
        if end <= start:
            raise FaultProfileError(f"{where}.end: must be after start")
        return Window(start=start, end=end)
    raise FaultProfileError(
        f'{where}: has keys {sorted(keys)}; expected {{"start","end"}} or {{"daily"}}'
    )


def _daily(value: object, where: str) -> tuple[time, time]:
    parts = value.split("-") if isinstance(value, str) else []
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in parts)
    except ValueError:
        raise FaultProfileError(
            f"{where}: {value!r} is not a daily window like 12:00-12:30"
        ) from None
    if opens == closes:
        raise FaultProfileError(f"{where}: {value!r} is an empty window")
    return opens, closes


def _moment(value: object, where: str) -> datetime:
    """An ISO 8601 date-time (a TOML date-time too); without an offset, Vietnamese time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise FaultProfileError(
                f"{where}: {value!r} is not an ISO date-time like 2026-03-02T08:00:00+07:00"
            ) from None
    if not isinstance(value, datetime):
        raise FaultProfileError(f"{where}: must be an ISO date-time string")
    return value if value.tzinfo is not None else value.replace(tzinfo=VIETNAM)


def _rate(value: object, where: str) -> float:
    return _number(value, where, 0.0, 1.0)


def _number(value: object, where: str, low: float, high: float, *, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise FaultProfileError(f"{where}: must be a number, not {value!r}")
    if value < low or value > high or (open_low and value == low):
        bound = "more than" if open_low else "from"
        raise FaultProfileError(f"{where}: must be {bound} {low:g} to {high:g}, not {value!r}")
    return float(value)


def _int(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FaultProfileError(f"{where}: must be an integer, not {value!r}")
    if not low <= value <= high:
        raise FaultProfileError(f"{where}: must be from {low} to {high}, not {value}")
    return value
