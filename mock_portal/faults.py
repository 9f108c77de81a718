"""Fault injection: the portal misbehaving on purpose, as the real DVCQG sometimes does.

Provinces must survive a portal that is slow, down for maintenance, overloaded or broken, so the
mock can be told to be all of these, for every unit (scope `"*"`) or one unit (scope = its
agency code; a unit's own profile wins over `"*"`). Profiles come from the config (`[faults."*"]`
…), written to the store at start, or from the operator API at run time; they live in the store
so that every worker process sees them, each reloading them at most once a second.

A profile (TOML table / JSON object; every section optional)::

    {"latency": {"distribution": "fixed", "ms": 50, "rate": 1.0},
     #            or "uniform" with min_ms/max_ms, or "lognormal" with median_ms/sigma
     "errors": {"rate": 0.1, "statuses": [500, 502, 503, 504, 429], "retry_after": 5},
     "malformed": {"rate": 0.01},
     "hang": {"rate": 0.0, "seconds": 65},
     "drop": {"rate": 0.0},
     "stall": {"every": 200, "seconds": 1.0},
     "maintenance": [{"start": "2026-03-02T08:00:00+07:00", "end": "2026-03-02T09:00:00+07:00"},
                     {"daily": "12:00-12:30"}],
     "seed": 42}

What each fault does (every one is marked in the journal's `fault` column with the label shown):

- maintenance (`maintenance`): inside a window, 503 with the portal's JSON refusal
  (`error_code` UNAVAILABLE, "bảo trì / maintenance") and `Retry-After` up to the window's end.
- errors (`error:503`): the status drawn from `statuses` with the portal's JSON error body;
  429 and 503 carry `Retry-After: retry_after`.
- malformed (`malformed`): HTTP 200 whose body is not JSON (truncated mid-character, a proxy's
  HTML page, or empty), as a broken portal or proxy sends.
- hang (`hang:65s`): nothing for `seconds` (at most 300), then 504.
- drop (`drop`): the status line and headers promising a body (`Content-Length`), then no body:
  the handler returns and uvicorn logs "ASGI callable returned without completing response"
  and closes the connection, so the client sees the connection cut mid-response (httpx:
  `RemoteProtocolError`). In-process (httpx's ASGI transport) the missing body fails an assertion.
- latency (`latency:120ms`): the request waits, then is processed normally.
- stall (`stall:1s`): every `every`-th request freezes the portal for `seconds`: it and every
  request arriving before the freeze ends wait until its end, then are processed normally, as a
  garbage-collection pause or a locked table would hold them. The count and the freeze are per
  worker process (and per profile), so with several workers each freezes on its own. Made for
  the honesty check of open-model load (`portalsim plan probe`): a closed-model client stops
  sending during a freeze and so hides it.

Rates are shares of requests: one uniform draw picks hang, drop, error, malformed or none, in
that order, so the four refusing rates may add up to at most 1; latency applies (with its own
`rate`) only to requests no other fault hit. A stall comes before the draw (after maintenance): a
request held by a stall gets no other fault. A request refused by a fault records no findings
and changes no dossier: the province is not blamed for the portal's faults.

Reproducible runs: each unit draws from its own generator, seeded from the profile's `seed`
(else the injector's, e.g. the run's `--seed`), the profile's scope and the unit code, so one
unit's decisions do not depend on how other units' requests interleave. With several worker
processes each draws separately, so only a single-process run repeats exactly.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from contracts.identifiers import parse_agency_code
from mock_portal._exchange import Exchange
from mock_portal._fault_profile import (
    MAX_HANG_SECONDS,
    FaultProfile,
    FaultProfileError,
    Latency,
    Window,
    parse_profile,
)
from mock_portal.store import Store, StoreError
from mock_portal.wire import JSON_MEDIA_TYPE, ErrorCode, refusal

__all__ = [
    "GLOBAL_SCOPE",
    "MAX_HANG_SECONDS",
    "DroppedResponse",
    "FaultDecision",
    "FaultInjector",
    "FaultProfile",
    "FaultProfileError",
    "Latency",
    "Window",
    "check_scope",
    "fault_response",
    "parse_profile",
    "refuses",
]

GLOBAL_SCOPE = "*"
#: labels of faults that delay a request and then let it through (the others refuse it)
_DELAYS = ("latency:", "stall:")
RELOAD_SECONDS = 1.0
_log = logging.getLogger(__name__)

#: bodies a broken portal answers with 200: truncated mid-character, a proxy's page, nothing
_GARBAGE = (
    b'{"error_code":0,"message":"Th\xc3',
    b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
    b"",
)


def _key(raw: object) -> str:
    """A profile's identity: a new or changed profile restarts its units' generators."""
    return json.dumps(raw, sort_keys=True, default=str)


def refuses(label: str) -> bool:
    """Whether a journaled fault label means the portal refused the message (all but latency)."""
    return not label.startswith(_DELAYS)


def check_scope(scope: str) -> str:
    """`"*"` or a unit's QCVN 102 agency code; `FaultProfileError` otherwise."""
    if scope != GLOBAL_SCOPE and parse_agency_code(scope) is None:
        raise FaultProfileError(
            f"scope {scope!r}: must be '*' (every unit) or an agency code like 000.00.00.H56"
        )
    return scope


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do to one request: its kind, journal label, status and how long to wait first."""

    kind: str  # maintenance | error | malformed | hang | drop | stall | latency
    label: str
    status: int = 200
    wait_seconds: float = 0.0
    retry_after: int | None = None
    variant: int = 0

    @property
    def refuses(self) -> bool:
        return refuses(self.label)


class DroppedResponse(Response):
    """Sends the status line and headers promising a body, then returns without the body."""

    def __init__(self, promised: int = 64) -> None:
        super().__init__(b"", media_type=JSON_MEDIA_TYPE)
        self.headers["content-length"] = str(promised)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = {"type": "http.response.start", "status": self.status_code}
        await send({**start, "headers": self.raw_headers})


def fault_response(decision: FaultDecision) -> Response:
    """What the client receives for a refusing fault."""
    retry = {"Retry-After": str(decision.retry_after)} if decision.retry_after is not None else {}
    if decision.kind == "maintenance":
        return refusal(ErrorCode.UNAVAILABLE, "bảo trì / maintenance", status=503, headers=retry)
    if decision.kind == "hang":
        return refusal(ErrorCode.UNAVAILABLE, "hết thời gian chờ / gateway timeout", status=504)
    if decision.kind == "drop":
        return DroppedResponse()
    if decision.kind == "malformed":
        return Response(_GARBAGE[decision.variant % len(_GARBAGE)], media_type=JSON_MEDIA_TYPE)
    if decision.status == 429:
        message = "quá nhiều yêu cầu; thử lại sau / too many requests, retry later"
        return refusal(ErrorCode.THROTTLED, message, status=429, headers=retry)
    message = f"lỗi hệ thống; thử lại sau / portal error {decision.status}, retry later"
    return refusal(ErrorCode.UNAVAILABLE, message, status=decision.status, headers=retry)


class FaultInjector:
    """Decides, per request, which fault (if any) to inject, from the profiles in the store."""

    def __init__(
        self,
        store: Store,
        *,
        seed: int | None = None,
        reload_seconds: float = RELOAD_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._seed = seed if seed is not None else secrets.randbits(63)
        self._reload_seconds = reload_seconds
        self._monotonic = monotonic
        self._loaded_at: float | None = None
        self._profiles: dict[str, tuple[str, FaultProfile]] = {}
        self._rngs: dict[tuple[str, str, str], random.Random] = {}
        # per (scope, profile key): requests counted, and the monotonic end of the current stall
        self._stalls: dict[tuple[str, str], list[float]] = {}

    # profiles ---------------------------------------------------------------------------------

    def install(self, profiles: Mapping[str, Mapping[str, Any]], where: str = "faults") -> None:
        """Check every profile (all before any is stored), then store them: the config's."""
        for scope, raw in profiles.items():
            try:
                check_scope(scope)
            except FaultProfileError as error:
                raise FaultProfileError(f"{where}: {error}") from None
            parse_profile(raw, f'{where}."{scope}"')
        for scope, raw in profiles.items():
            self._store.set_fault_profile(scope, dict(raw))
        self.reload()

    def put(self, scope: str, raw: object) -> FaultProfile:
        """Check and store one scope's profile; this process applies it at once."""
        check_scope(scope)
        profile = parse_profile(raw)
        assert isinstance(raw, Mapping)
        self._store.set_fault_profile(scope, dict(raw))
        self.reload()
        return profile

    def delete(self, scope: str) -> bool:
        """Stop injecting faults for `scope`; False when it had no profile."""
        deleted = self._store.clear_fault_profile(scope)
        self.reload()
        return deleted

    def profiles(self) -> dict[str, dict[str, Any]]:
        """Every stored profile by scope, as stored."""
        return self._store.fault_profiles()

    def reload(self) -> None:
        """Read the profiles from the store now; a profile that fails its check is skipped."""
        self._loaded_at = self._monotonic()
        try:
            stored = self._store.fault_profiles()
        except StoreError as error:
            _log.warning("fault profiles not reloaded, keeping the previous ones: %s", error)
            return
        profiles: dict[str, tuple[str, FaultProfile]] = {}
        for scope, raw in stored.items():
            try:
                profiles[scope] = (_key(raw), parse_profile(raw, f'faults."{scope}"'))
            except FaultProfileError as error:
                _log.warning("fault profile ignored: %s", error)
        if profiles != self._profiles:
            current = {(scope, key) for scope, (key, _profile) in profiles.items()}
            self._rngs = {k: rng for k, rng in self._rngs.items() if (k[1], k[2]) in current}
            self._stalls = {k: v for k, v in self._stalls.items() if k in current}
            self._profiles = profiles

    def _profile_for(self, unit: str | None) -> tuple[str, str, FaultProfile] | None:
        loaded_at = self._loaded_at
        if loaded_at is None or self._monotonic() - loaded_at >= self._reload_seconds:
            self.reload()
        for scope in (unit, GLOBAL_SCOPE):
            if scope is not None and scope in self._profiles:
                key, profile = self._profiles[scope]
                return scope, key, profile
        return None

    # decisions --------------------------------------------------------------------------------

    def decide(self, unit: str | None, now: datetime) -> FaultDecision | None:
        """The fault to inject into a request of `unit` received at `now`, or None."""
        found = self._profile_for(unit)
        if found is None:
            return None
        scope, key, profile = found
        for window in profile.maintenance:
            end = window.end_if_open(now)
            if end is not None:
                wait = max(1, math.ceil((end - now).total_seconds()))
                return FaultDecision("maintenance", "maintenance", 503, retry_after=wait)
        if profile.stall_every:
            stalled = self._stall(scope, key, profile)
            if stalled is not None:
                return stalled
        rng = self._rng(unit or "", scope, key, profile)
        draw = rng.random()
        if draw < (edge := profile.hang_rate):
            seconds = profile.hang_seconds
            return FaultDecision("hang", f"hang:{seconds:g}s", 504, wait_seconds=seconds)
        if draw < (edge := edge + profile.drop_rate):
            return FaultDecision("drop", "drop")
        if draw < (edge := edge + profile.error_rate):
            status = rng.choice(profile.statuses)
            retry = profile.retry_after if status in (429, 503) else None
            return FaultDecision("error", f"error:{status}", status, retry_after=retry)
        if draw < edge + profile.malformed_rate:
            return FaultDecision("malformed", "malformed", variant=rng.randrange(len(_GARBAGE)))
        latency = profile.latency
        if latency is not None and rng.random() < latency.rate:
            ms = latency.sample_ms(rng)
            return FaultDecision("latency", f"latency:{round(ms)}ms", wait_seconds=ms / 1000)
        return None

    def _stall(self, scope: str, key: str, profile: FaultProfile) -> FaultDecision | None:
        """Count the request; the wait when it falls in a stall or opens one, else None."""
        state = self._stalls.setdefault((scope, key), [0.0, 0.0])
        state[0] += 1
        now = self._monotonic()
        if now >= state[1] and state[0] % profile.stall_every == 0:
            state[1] = now + profile.stall_seconds
        if now >= state[1]:
            return None
        # one label per profile (the freeze's length), not per wait: the journal's labels stay few
        label = f"stall:{profile.stall_seconds:g}s"
        return FaultDecision("stall", label, wait_seconds=state[1] - now)

    def _rng(self, unit: str, scope: str, key: str, profile: FaultProfile) -> random.Random:
        rng = self._rngs.get((unit, scope, key))
        if rng is None:
            seed = profile.seed if profile.seed is not None else self._seed
            rng = self._rngs[(unit, scope, key)] = random.Random(f"{seed}|{scope}|{unit}")
        return rng

    async def inject(self, exchange: Exchange, unit: str | None) -> Response | None:
        """Apply the decision for one request: mark the exchange, wait, and return the response
        that replaces the portal's answer, or None to process the request normally."""
        decision = self.decide(unit, exchange.received_at)
        if decision is None:
            return None
        exchange.fault = decision.label
        if decision.wait_seconds > 0:
            await asyncio.sleep(decision.wait_seconds)
        return fault_response(decision) if decision.refuses else None
