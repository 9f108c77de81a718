"""OpenCPS-shaped load on a served portal, remembering every message the portal acknowledged.

Each client logs in as one unit and walks dossiers of its own through their lifecycle, one
message at a time as a province system does: DongBoHoSoMC (received, status 2), a progress
update to 4 (in progress), a TraCuuHoSo, a progress update to 9 (done) — or, for a seeded share
of dossiers, to an unknown status the lenient portal accepts with findings and no state change
— and a final DongBoHoSoMC at 10 (returned). A message is acknowledged when the portal answered
HTTP 200 with `error_code` 0 (login: a session); those are what the portal promised to keep.

Pacing: `rate` messages per second over all clients (open loop per client: a client that falls
behind sends at once, without piling up a backlog), or as fast as the portal answers.
"""

from __future__ import annotations

import asyncio
import copy
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from tests.mock_portal.durability._serve import PASSWORD, UNITS
from tests.simulator._captures import TEMPLATES

LOGIN = "/api/dvcqg/login"
INTEGRATION = "/api/dvcqg/integration"
#: the lists OpenCPS sends empty for a plain dossier (the template has one file)
_EMPTY_LISTS = ("DanhSachLePhi", "DanhSachTepDinhKemKhac", "DanhSachHoSoBoSung")
_RECEIVED = "20260302083015"
_STEP_TIMES = ("20260302090000", "20260302100000", "20260302110000")
#: share of dossiers whose "done" update carries a status code the contract does not know
_BOGUS_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Ack:
    """A message the portal acknowledged: the bytes the journal must hold, and what it says."""

    kind: str
    body: bytes
    dossier: str | None = None
    status: str | None = None


@dataclass
class LoadStats:
    """What one load run sent and saw."""

    acked: list[Ack] = field(default_factory=list)
    logins_acked: int = 0
    sent: int = 0
    #: answers that were not a success (should stay 0 on a healthy portal)
    refused: int = 0
    #: the first few refusals, for the failure message: (HTTP status, answer, request)
    refusals: list[tuple[int, str, str]] = field(default_factory=list)
    #: requests that got no answer (connection refused or cut: expected only after a kill)
    unanswered: int = 0
    #: requests sent but not answered when the run was stopped (in flight at a kill)
    in_flight_at_stop: int = 0
    #: requests in flight when the kill was ordered (set by the crash test)
    in_flight_at_kill: int = 0
    latencies: list[float] = field(default_factory=list)
    started_at: float = 0.0
    stopped: bool = False
    in_flight: int = 0

    def ack_count(self) -> int:
        return len(self.acked) + self.logins_acked


def journaled_body(raw: bytes, session: str) -> bytes:
    """The bytes sent, as the journal keeps them: the session token masked (a credential)."""
    return raw.replace(b'"' + session.encode() + b'"', b'"***"')


def dossier_code(unit: str, round_: int, client: int, number: int) -> str:
    """A code unique per (round, client, number), valid per HS-001, with the unit's agency."""
    day = date(2020, 1, 1) + timedelta(days=round_ * 64 + client + (number // 10_000) * 4096)
    return f"{unit}-{day:%y%m%d}-{number % 10_000:04d}"


def _dong_bo(session: str, unit: str, code: str, status: str, known: bool) -> dict[str, Any]:
    message = copy.deepcopy(TEMPLATES["dongbo"])
    item = message["data"][0]
    for key in _EMPTY_LISTS:
        item[key] = []
    item.update(MaHoSo=code, TrangThaiHoSo=status, NgayTiepNhan=_RECEIVED)
    item["SoBienNhan"] = code.rsplit("-", 1)[-1]
    if status == "10":
        item.update(NgayTra=_STEP_TIMES[2], NgayKetThucXuLy=_STEP_TIMES[1], ThongTinTra="Tại quầy")
    message.update(madonvi=unit, session=session, isUpdating="True" if known else "False")
    return dict(message)


def _progress(session: str, unit: str, code: str, status: str, at: str) -> dict[str, Any]:
    message = copy.deepcopy(TEMPLATES["capnhat"])
    message["data"][0].update(MaHoSo=code, TrangThai=status, ThoiDiemXuLy=at)
    message.update(madonvi=unit, session=session)
    return dict(message)


def _lookup(session: str, unit: str, code: str) -> dict[str, Any]:
    return {"madonvi": unit, "session": session, "service": "TraCuuHoSo", "mahoso": code}


def lifecycle(
    session: str, unit: str, code: str, rng: random.Random
) -> list[tuple[dict[str, Any], str | None]]:
    """The messages of one dossier, in order, each with the status it states (None: none)."""
    done = "99" if rng.random() < _BOGUS_SHARE else "9"
    return [
        (_dong_bo(session, unit, code, "2", known=False), "2"),
        (_progress(session, unit, code, "4", _STEP_TIMES[0]), "4"),
        (_lookup(session, unit, code), None),
        (_progress(session, unit, code, done, _STEP_TIMES[1]), done),
        (_dong_bo(session, unit, code, "10", known=True), "10"),
    ]


class OpenCpsLoad:
    """Clients driving one served portal until stopped, a deadline, or the portal dies."""

    def __init__(
        self,
        base_url: str,
        *,
        clients: int,
        seed: int,
        round_: int = 0,
        rate: float | None = None,
        sessions: dict[int, str] | None = None,
    ) -> None:
        self.base_url = base_url
        self.clients = clients
        self.rng = random.Random(seed)
        self.round = round_
        self.rate = rate
        #: each client's session, kept across rounds (an acknowledged login must survive)
        self.sessions: dict[int, str] = dict(sessions or {})
        self.stats = LoadStats()
        self._stop = asyncio.Event()
        self.on_ack: Callable[[LoadStats], None] | None = None

    def stop(self) -> None:
        self._stop.set()

    async def run(self, seconds: float) -> LoadStats:
        """Run every client until `stop()`, `seconds` pass, or every client has lost the portal."""
        self.stats.started_at = time.monotonic()
        limits = httpx.Limits(max_connections=self.clients, max_keepalive_connections=self.clients)
        timeout = httpx.Timeout(30.0)
        async with httpx.AsyncClient(
            base_url=self.base_url, limits=limits, timeout=timeout
        ) as http:
            tasks = [
                asyncio.create_task(self._client(http, index, random.Random(self.rng.random())))
                for index in range(self.clients)
            ]
            # with return_exceptions, cancelling the clients below completes this, not cancels it
            everyone = asyncio.gather(*tasks, return_exceptions=True)
            stopper = asyncio.create_task(self._stop.wait())
            await asyncio.wait(
                [everyone, stopper], timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
            self.stats.stopped = True
            self.stats.in_flight_at_stop = self.stats.in_flight
            for task in tasks:
                task.cancel()
            stopper.cancel()
            await asyncio.gather(everyone, stopper, return_exceptions=True)
        return self.stats

    async def _client(self, http: httpx.AsyncClient, index: int, rng: random.Random) -> None:
        unit = UNITS[index % len(UNITS)]
        pace = self.rate / self.clients if self.rate else None
        next_at = time.monotonic() + (rng.random() / pace if pace else 0)
        session = self.sessions.get(index)
        if session is None:
            session = await self._login(http, unit)
            if session is None:
                return
            self.sessions[index] = session
        number = 0
        while not self.stats.stopped:
            code = dossier_code(unit, self.round, index, number)
            number += 1
            for message, status in lifecycle(session, unit, code, rng):
                if pace is not None:
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    next_at = max(next_at + 1 / pace, time.monotonic() - 1 / pace)
                raw = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
                answered = await self._post(http, raw)
                if answered is None:
                    return  # the portal is gone (killed): this client stops
                if answered:
                    journaled = journaled_body(raw, session)
                    self.stats.acked.append(Ack(message["service"], journaled, code, status))
                    self._acknowledged()

    async def _login(self, http: httpx.AsyncClient, unit: str) -> str | None:
        raw = json.dumps({"username": unit, "password": PASSWORD}).encode()
        self.stats.sent += 1
        self.stats.in_flight += 1
        try:
            response = await http.post(LOGIN, content=raw, headers=_HEADERS)
        except httpx.TransportError:
            self.stats.unanswered += 1
            return None
        finally:
            self.stats.in_flight -= 1
        body = _json(response)
        if response.status_code == 200 and body.get("error_code") == 0 and body.get("session"):
            self.stats.logins_acked += 1
            self._acknowledged()
            return str(body["session"])
        self._refused(response, raw)
        return None

    async def _post(self, http: httpx.AsyncClient, raw: bytes) -> bool | None:
        """True: acknowledged; False: refused; None: no answer (the portal is gone)."""
        self.stats.sent += 1
        self.stats.in_flight += 1
        started = time.perf_counter()
        try:
            response = await http.post(INTEGRATION, content=raw, headers=_HEADERS)
        except httpx.TransportError:
            self.stats.unanswered += 1
            return None
        finally:
            self.stats.in_flight -= 1
        self.stats.latencies.append(time.perf_counter() - started)
        if response.status_code == 200 and _json(response).get("error_code") == 0:
            return True
        self._refused(response, raw)
        return False

    def _refused(self, response: httpx.Response, raw: bytes) -> None:
        self.stats.refused += 1
        if len(self.stats.refusals) < 5:
            request = raw.decode()[:300]
            self.stats.refusals.append((response.status_code, response.text[:300], request))

    def _acknowledged(self) -> None:
        if self.on_ack is not None:
            self.on_ack(self.stats)


_HEADERS = {"Content-Type": "application/json"}


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
