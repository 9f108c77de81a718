"""The virtual province: a reference provincial one-stop system talking to a (mock) DVCQG.

`VirtualProvince` logs in as its unit, takes dossiers from its `DossierFactory`, and publishes
each step of each dossier the way OpenCPS does (domain.md §3a): TraCuuHoSo → LayThuTuc →
DongBoHoSoMC → CapNhatTienDoHoSoMC only if the sync succeeded. It reads the answers as OpenCPS
does, logs in again when its session is ten minutes old (older sessions stay valid at the
portal), and commits exactly the faults its plans carry.

Time. The waits between steps are the plan's simulated durations divided by `time_factor`
(3600: a simulated hour per real second). What goes on the wire is the real moment each step is
sent: the simulated clock is pinned to the portal's real clock at every send, and only the waits
are compressed. So the portal, which judges sync delay (LC-007) against its own receive time,
sees a clean province as timely at any speed; a planted late sync is a receipt stamped hours
before the dossier is first sent. A dossier is planned at its first publish, so its receipt,
code and appointment date follow the real calendar.

Strict portals refuse every message with an error, so a faulty province's later steps then
never reach them: run conformance of the virtual province against a lenient portal. After a
refused DongBoHoSoMC (another unit's dossier, wrong types) the province stops publishing that
dossier, as OpenCPS gives up after its retries. Payments and SSO logins are not sent yet: the
profile carries `payment_connected`, `sso_integrated` and the fault rates for those flows.

Runs assume an empty portal: the same seed makes the same dossier codes again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson

from simulator.domain import VN_TZ
from simulator.synthetic.factory import DossierFactory
from simulator.synthetic.lifecycle import DossierPlan
from simulator.synthetic.messages import (
    cap_nhat_tien_do,
    dong_bo_ho_so,
    lay_thu_tuc,
    names_from_answer,
    tra_cuu_ho_so,
)
from simulator.synthetic.traffic import INTEGRATION_PATH, GroundTruth

__all__ = [
    "LOGIN_PATH",
    "SESSION_REUSE",
    "DossierOutcome",
    "LoginRefused",
    "ProvinceRun",
    "VirtualProvince",
    "vietnam_now",
]

LOGIN_PATH = "/api/dvcqg/login"
#: how long OpenCPS reuses a session token before logging in again
SESSION_REUSE = timedelta(minutes=10)
#: `error_code` of an unknown or expired session (README "Wire contract")
_SESSION_EXPIRED = 4


class LoginRefused(RuntimeError):
    """The portal refused the province's login: a configuration problem, not a finding."""


def vietnam_now() -> datetime:
    return datetime.now(VN_TZ)


def _opt_int(value: Any) -> int:
    """org.json's `optInt`, as OpenCPS reads `error_code`: non-numeric values read as 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return 0
    return 0


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    #: the JSON object answered; None for HTTP >= 400 (OpenCPS does not read those) or non-JSON
    body: dict[str, Any] | None


@dataclass(slots=True)
class DossierOutcome:
    """What became of one dossier's publishes."""

    plan: DossierPlan
    #: the last status whose DongBoHoSoMC the portal accepted (None: none was)
    acknowledged: str | None = None
    #: publishes whose DongBoHoSoMC was accepted
    published: int = 0
    #: refusals and errors, "DongBoHoSoMC: HTTP 403" or "…: HTTP 200, error_code 1"
    problems: list[str] = field(default_factory=list)
    #: stopped before the last step (a refused sync or a transport error)
    stopped: bool = False

    @property
    def code(self) -> str:
        return self.plan.code


@dataclass(slots=True)
class ProvinceRun:
    """The outcome of one run of a virtual province."""

    outcomes: list[DossierOutcome]
    logins: int
    messages: int

    @property
    def ground_truth(self) -> GroundTruth:
        """The faults planted in this run's dossiers."""
        return GroundTruth.of(outcome.plan for outcome in self.outcomes)


class VirtualProvince:
    """One province's one-stop system as an async httpx client of the portal.

    `client` carries the portal's base URL (or an ASGI transport); `username` defaults to the
    province's unit code, which is also its `madonvi`.
    """

    def __init__(
        self,
        factory: DossierFactory,
        client: httpx.AsyncClient,
        *,
        password: str,
        username: str | None = None,
        time_factor: float = 3600.0,
        clock: Callable[[], datetime] = vietnam_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        session_reuse: timedelta = SESSION_REUSE,
    ) -> None:
        if time_factor < 1:
            raise ValueError("time_factor must be at least 1 (waits are never stretched)")
        self.factory = factory
        self.profile = factory.profile
        self.client = client
        self.username = username or self.profile.unit
        self._password = password
        self.time_factor = time_factor
        self._clock, self._sleep, self._monotonic = clock, sleep, monotonic
        self._reuse = session_reuse.total_seconds()
        self._session: str | None = None
        self._session_at = 0.0
        self._login_lock = asyncio.Lock()
        self.logins = 0
        self.messages = 0
        self._headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Charset": "utf-8",
            "dstcode": self.profile.agency_code,
            "User-Agent": "Java/1.8.0_292",
        }

    # -- running -----------------------------------------------------------------------------

    async def run(
        self, indexes: Iterable[int], *, spacing: float = 0.0, concurrency: int | None = None
    ) -> ProvinceRun:
        """Process dossiers `indexes` concurrently, starting one every `spacing` real seconds
        (at most `concurrency` in flight); the run ends when every dossier has ended.

        Raises `LoginRefused` when the portal refuses the login (every dossier is then ended).
        """
        limit = asyncio.Semaphore(concurrency) if concurrency else None

        async def one(position: int, index: int) -> DossierOutcome:
            if spacing:
                await self._sleep(position * spacing)
            if limit is None:
                return await self.process(index)
            async with limit:
                return await self.process(index)

        tasks = [
            asyncio.ensure_future(one(position, index)) for position, index in enumerate(indexes)
        ]
        try:
            outcomes = await asyncio.gather(*tasks)
        except BaseException:
            # A refused login (or a cancelled run) ends every dossier, not just one.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return ProvinceRun(list(outcomes), self.logins, self.messages)

    async def process(self, index: int) -> DossierOutcome:
        """Dossier `index` from first publish to its last step (or until it is refused)."""
        plan = self.factory.plan(index, published=self._clock())
        outcome = DossierOutcome(plan)
        stamps = [plan.steps[0].at]
        previous = plan.steps[0].publish_at
        for number, step in enumerate(plan.steps):
            if number:
                wait = (step.at - previous).total_seconds() / self.time_factor
                if wait > 0:
                    await self._sleep(wait)
                stamps.append(max(self._clock().replace(microsecond=0), stamps[-1]))
                previous = step.publish_at
            try:
                accepted = await self._publish(outcome, number, stamps)
            except httpx.HTTPError as error:
                outcome.problems.append(f"{type(error).__name__}: {error}")
                accepted = False
            if not accepted:
                outcome.stopped = number + 1 < len(plan.steps)
                break
        return outcome

    # -- one publish -------------------------------------------------------------------------

    async def _publish(self, outcome: DossierOutcome, number: int, stamps: list[datetime]) -> bool:
        plan = outcome.plan
        step = plan.steps[number]
        session = await self.session()
        lookup = await self._rpc(tra_cuu_ho_so(plan, session))
        result = lookup.body.get("result") if lookup.body is not None else None
        known = isinstance(result, list) and len(result) > 0
        procedure = await self._rpc(lay_thu_tuc(plan, session))
        names = names_from_answer(plan, procedure.body)
        body = dong_bo_ho_so(plan, number, stamps, session, known=known, names=names)
        sync = await self._rpc(body)
        if sync.body is None or _opt_int(sync.body.get("error_code")) != 0:
            outcome.problems.append(_problem("DongBoHoSoMC", sync))
            return False
        outcome.acknowledged = step.status
        outcome.published += 1
        if step.progress:
            update = await self._rpc(cap_nhat_tien_do(plan, number, stamps[number], session))
            # OpenCPS: the publish succeeds only on exactly 0 or "0".
            if update.body is None or update.body.get("error_code") not in (0, "0"):
                outcome.problems.append(_problem("CapNhatTienDoHoSoMC", update))
        return True

    # -- the wire ----------------------------------------------------------------------------

    async def session(self, *, renew: bool = False) -> str:
        """The current session token; a new login when it is `session_reuse` old (or `renew`).

        Older sessions are not ended: the portal keeps them, as OpenCPS expects.
        """
        async with self._login_lock:
            age = self._monotonic() - self._session_at
            if self._session is None or renew or age >= self._reuse:
                self._session = await self._login()
                self._session_at = self._monotonic()
            return self._session

    async def _login(self) -> str:
        answer = await self._post(
            LOGIN_PATH, {"password": self._password, "username": self.username}
        )
        self.logins += 1
        body = answer.body
        if body is None or "session" not in body or _opt_int(body.get("error_code")) != 0:
            raise LoginRefused(f"login of {self.username} refused: HTTP {answer.status}")
        return str(body["session"])

    async def _rpc(self, body: dict[str, Any]) -> _Answer:
        answer = await self._post(INTEGRATION_PATH, body)
        if answer.status == 401 and (
            answer.body is None or _opt_int(answer.body.get("error_code")) == _SESSION_EXPIRED
        ):
            body["session"] = await self.session(renew=True)
            answer = await self._post(INTEGRATION_PATH, body)
        return answer

    async def _post(self, path: str, body: dict[str, Any]) -> _Answer:
        self.messages += 1
        response = await self.client.post(path, content=orjson.dumps(body), headers=self._headers)
        if response.status_code >= 400 or not response.content.startswith(b"{"):
            return _Answer(response.status_code, None)
        try:
            parsed = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            return _Answer(response.status_code, None)
        return _Answer(response.status_code, parsed if isinstance(parsed, dict) else None)


def _problem(service: str, answer: _Answer) -> str:
    if answer.body is None:
        return f"{service}: HTTP {answer.status}"
    return f"{service}: HTTP {answer.status}, error_code {answer.body.get('error_code')!r}"
