"""What a province unit sends, over any transport: login, an OpenCPS publish, catalogue reads.

The Locust users (`simulator.load`) and the tests drive the same code through a `Poster`, the
one thing a transport provides: post a JSON body to a path and give back the status and the
answer's JSON object. The sequence is the virtual province's (`simulator.synthetic.province`,
domain.md §3a): TraCuuHoSo → LayThuTuc → DongBoHoSoMC (`isUpdating` from what TraCuuHoSo
found) → CapNhatTienDoHoSoMC only if the sync succeeded; answers are read as OpenCPS reads them;
the session is reused for ten minutes and renewed when the portal says it expired.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from simulator.run.inflight import InFlight
from simulator.synthetic import (
    LoginRefused,
    ProcedureNames,
    cap_nhat_tien_do,
    dong_bo_ho_so,
    lay_thu_tuc,
    names_from_answer,
    tra_cuu_ho_so,
)
from simulator.synthetic.province import LOGIN_PATH, SESSION_REUSE
from simulator.synthetic.traffic import INTEGRATION_PATH

__all__ = [
    "CATALOGUE_SERVICES",
    "HEADERS",
    "SHARE_PATH",
    "Answer",
    "Poster",
    "UnitSession",
    "parse_answer",
    "publish_step",
]

SHARE_PATH = "/api/dvcqg/share"
#: the catalogue synchronisations a one-stop system runs on the share endpoint
CATALOGUE_SERVICES = ("LayDanhSachTTHC", "LayDanhMucCoQuan", "LayDanhMucLinhVuc", "LayDVC")
#: what OpenCPS' HTTP client sends with every call
HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/json",
    "Charset": "utf-8",
    "User-Agent": "Java/1.8.0_292",
}
#: `error_code` of an unknown or expired session
_SESSION_EXPIRED = 4


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    #: the JSON object answered; None for HTTP >= 400, a transport error, or non-JSON
    body: dict[str, Any] | None

    @property
    def error_code(self) -> int | None:
        """`error_code` read as org.json's optInt (None without a body)."""
        if self.body is None:
            return None
        value = self.body.get("error_code")
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


def parse_answer(status: int, content: bytes | None) -> Answer:
    """An `Answer` from a status and raw body, as OpenCPS reads it."""
    if status >= 400 or status == 0 or not content or not content.startswith(b"{"):
        return Answer(status, None)
    try:
        parsed = orjson.loads(content)
    except orjson.JSONDecodeError:
        return Answer(status, None)
    return Answer(status, parsed if isinstance(parsed, dict) else None)


class Poster(Protocol):
    """A transport: post `body` as JSON to `path`; `name` labels it in statistics. With `read`
    false the answer's body is not parsed (the caller needs only that it was sent)."""

    def post(self, path: str, body: dict[str, Any], name: str, *, read: bool = True) -> Answer: ...


class UnitSession:
    """A unit's login at the portal, reused for ten minutes, renewed when it expired."""

    def __init__(
        self,
        poster: Poster,
        username: str,
        password: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        reuse: float = SESSION_REUSE.total_seconds(),
    ) -> None:
        self.poster = poster
        self.username = username
        self._password = password
        self._monotonic = monotonic
        self._reuse = reuse
        self._token: str | None = None
        self._since = 0.0
        self.logins = 0

    def token(self, *, renew: bool = False) -> str:
        """The session token; a new login when there is none, it is old, or `renew`."""
        if self._token is None or renew or self._monotonic() - self._since >= self._reuse:
            answer = self.poster.post(
                LOGIN_PATH, {"password": self._password, "username": self.username}, "login"
            )
            self.logins += 1
            body = answer.body
            if body is None or "session" not in body or answer.error_code != 0:
                raise LoginRefused(f"login of {self.username} refused: HTTP {answer.status}")
            self._token = str(body["session"])
            self._since = self._monotonic()
        return self._token

    def call(self, path: str, body: dict[str, Any], *, read: bool = True) -> Answer:
        """Post an RPC carrying the session; once more with a new login if it had expired."""
        name = str(body.get("service", path))
        answer = self.poster.post(path, body, name, read=read)
        if answer.status == 401:
            body["session"] = self.token(renew=True)
            answer = self.poster.post(path, body, name, read=read)
        return answer

    def catalogue(self, service: str, unit: str) -> Answer:
        """One catalogue synchronisation on the share endpoint (the answer is not read)."""
        body = {"madonvi": unit, "session": self.token(), "service": service}
        return self.call(SHARE_PATH, body, read=False)


def publish_step(
    unit: UnitSession, dossier: InFlight, names: dict[str, ProcedureNames] | None = None
) -> bool:
    """Publish the dossier's next step (its wire time already in `dossier.stamps`); True when
    the portal accepted the sync. A refused sync stops the dossier, as OpenCPS gives up.

    `names` caches what LayThuTuc answered per procedure code (the catalogue does not change
    during a run): LayThuTuc is still sent every time, its answer read only the first time."""
    plan = dossier.plan
    number = dossier.step
    token = unit.token()
    lookup = unit.call(INTEGRATION_PATH, tra_cuu_ho_so(plan, token))
    result = lookup.body.get("result") if lookup.body is not None else None
    known = isinstance(result, list) and len(result) > 0
    cached = names.get(plan.lookup) if names is not None else None
    procedure = unit.call(INTEGRATION_PATH, lay_thu_tuc(plan, token), read=cached is None)
    if cached is None:
        cached = names_from_answer(plan, procedure.body)
        if names is not None and procedure.body is not None:
            names[plan.lookup] = cached
    names_now = cached
    body = dong_bo_ho_so(plan, number, dossier.stamps, token, known=known, names=names_now)
    sync = unit.call(INTEGRATION_PATH, body)
    dossier.dongbo_sent = number + 1
    if sync.error_code != 0:
        dossier.stopped = True
        return False
    if plan.steps[number].progress:
        unit.call(INTEGRATION_PATH, cap_nhat_tien_do(plan, number, dossier.stamps[number], token))
        dossier.progress_sent.add(number)
    dossier.step = number + 1
    return True
