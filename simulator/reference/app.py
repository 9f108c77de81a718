"""The reference target: a provincial one-stop system as an HTTP server (Starlette).

What it serves (the paths `portalsim province serve` prints as the `[endpoints]` of a
conformance configuration):

| path | what |
|---|---|
| `POST /dvcqg/hoso` | a dossier filed on the portal, pushed to the province |
| `POST /kpdvcqg/paymentconfirm` | the payment platform's confirmation |
| `POST /kpdvcqg/dptracuuthanhtoanhs` | the payment platform's lookup of what a dossier owes |
| `GET /sso/login`, `GET /sso/callback`, `GET /sso/session` | login through the portal's SSO |
| `POST /conformance/sync` | trigger: publish one dossier of its own (login, DongBoHoSoMC, …) |
| `POST /conformance/payment?MaHoSo=…` | trigger: create the dossier's fee transaction |
| `GET /` | the profile, its expected failures and these paths |

A valid push is answered `{"error_code": 0, "MaHoSoDonVi": …}` and its acceptance is synced
back with DongBoTrangThaiHoSo ("2") after the profile's delay; a defective one is refused
(`error_code` 1 naming the problem) and synced back as "5" (refused). Everything it does wrong
it does because its profile (`simulator.reference.profiles`) says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import itertools
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from contracts.payments import create_checksum, same_checksum
from simulator.conform.config import ConformConfig
from simulator.domain import VN_TZ, bundled_catalogue, bundled_provinces
from simulator.reference.portal_client import PortalClient, wire_now
from simulator.reference.profiles import ReferenceProfile
from simulator.reference.relying_party import LoginRefused, RelyingParty
from simulator.synthetic import (
    CodeIssuer,
    DossierFactory,
    ProvincePools,
    VirtualProvince,
    build_pools,
    load_profile_set,
)

__all__ = ["ENDPOINTS", "TRIGGERS", "ReferenceProvince", "create_reference_app"]

ENDPOINTS = {
    "push": "/dvcqg/hoso",
    "payment_confirm": "/kpdvcqg/paymentconfirm",
    "payment_lookup": "/kpdvcqg/dptracuuthanhtoanhs",
    "sso_login": "/sso/login",
    "sso_session": "/sso/session",
}
TRIGGERS = {
    "SYNC": "POST /conformance/sync",
    "PAY-CONF": "POST /conformance/payment?MaHoSo={dossier}",
}
_LOGIN_COOKIE = "motcua_login"
_SESSION_COOKIE = "motcua_session"
_DOSSIER_CODE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")
_WIRE_TIME = re.compile(r"^\d{14}$")
_REQUIRED = ("MaHoSo", "MaTTHC", "NgayNopHoSo", "NguoiLienHe")
_MAX_BODY = 1 << 20
_SEED = 2018
#: numbers of the province's own dossiers (local codes, published dossiers): one sequence per
#: process, so servers of one process sharing a portal never reuse a code
_LOCAL_SEQUENCE = itertools.count(1)
_PUBLISHED = itertools.count(1)


@functools.lru_cache(maxsize=8)
def _pools(province: str) -> ProvincePools:
    """The province's synthetic people (Faker, a few seconds): made once per process."""
    return build_pools(province, _SEED)


_ISSUERS: dict[str, CodeIssuer] = {}


def _shared_issuer(province: str, factory: DossierFactory) -> CodeIssuer:
    """One dossier-code issuer per province per process: servers of one process that publish
    to one portal (whatever their profiles) never give two dossiers the same code."""
    return _ISSUERS.setdefault(province, factory.codes)


@dataclass(slots=True)
class Dossier:
    """A dossier the province accepted from the portal."""

    code: str
    local_code: str
    procedure: str
    applicant: str
    fee: int
    paid: bool = False


@dataclass(slots=True)
class Transaction:
    transaction_id: str
    dossier: str
    amount: int
    #: the return_code the first valid confirmation got (None: not confirmed yet)
    answered: int | None = None


@dataclass(slots=True)
class _State:
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)


def _json(payload: object, status_code: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code, media_type="application/json")


async def _body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > _MAX_BODY:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


class ReferenceProvince:
    """The province's state and handlers; `app` is its Starlette application."""

    def __init__(self, config: ConformConfig, profile: ReferenceProfile, portal_url: str) -> None:
        if config.password is None:
            raise ValueError("province.password: required to log in to the portal")
        self.config = config
        self.profile = profile
        self.portal_url = portal_url.rstrip("/")
        self.state = _State()
        self.catalogue = bundled_catalogue()
        province = bundled_provinces().of_agency(config.unit)
        if province is None:
            raise ValueError(f"province.unit: {config.unit} is in no province of the registry")
        self.province = province
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None
        self._portal: PortalClient | None = None
        self._rp: RelyingParty | None = None
        self._publisher: VirtualProvince | None = None
        self._publish_lock = asyncio.Lock()
        self.app = Starlette(
            routes=[
                Route("/", self.describe, methods=["GET"]),
                Route(ENDPOINTS["push"], self.push, methods=["POST"]),
                Route(ENDPOINTS["payment_confirm"], self.payment_confirm, methods=["POST"]),
                Route(ENDPOINTS["payment_lookup"], self.payment_lookup, methods=["POST"]),
                Route(ENDPOINTS["sso_login"], self.sso_login, methods=["GET"]),
                Route("/sso/callback", self.sso_callback, methods=["GET"]),
                Route(ENDPOINTS["sso_session"], self.sso_session, methods=["GET"]),
                Route("/conformance/sync", self.trigger_sync, methods=["POST"]),
                Route("/conformance/payment", self.trigger_payment, methods=["POST"]),
            ],
            lifespan=self._lifespan,
        )

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self._http = httpx.AsyncClient(base_url=self.portal_url, timeout=15.0, trust_env=False)
        self._portal = PortalClient(self._http, self.config.unit, self.config.password or "")
        if self.config.sso is not None:
            self._rp = RelyingParty(self._http, self.config.sso, self.profile)
        try:
            yield
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._http.aclose()

    @property
    def portal(self) -> PortalClient:
        assert self._portal is not None  # set by the lifespan
        return self._portal

    # -- what it is --------------------------------------------------------------------------

    async def describe(self, request: Request) -> Response:
        return _json(
            {
                "system": "portalsim reference province",
                "province": {"code": self.province.code, "name": self.province.name},
                "unit": self.config.unit,
                "profile": self.profile.name,
                "description": self.profile.description,
                "expected_failures": sorted(self.profile.expected_failures),
                "endpoints": ENDPOINTS,
                "triggers": TRIGGERS,
                "portal": self.portal_url,
            }
        )

    # -- dossiers pushed by the portal -------------------------------------------------------

    def _problem(self, body: Any) -> str | None:
        """Why a pushed dossier cannot be accepted, or None."""
        if not isinstance(body, dict):
            return "thân yêu cầu không phải đối tượng JSON / the body is not a JSON object"
        for key in _REQUIRED:
            if not isinstance(body.get(key), str) or not body[key].strip():
                return f"thiếu {key} / {key} missing"
        if not _DOSSIER_CODE.match(body["MaHoSo"]):
            return f"MaHoSo sai cấu trúc Điều 19 / MaHoSo malformed: {body['MaHoSo']!r}"
        if body["MaTTHC"] not in self.catalogue:
            return f"MaTTHC không có trong CSDL TTHC / unknown procedure {body['MaTTHC']!r}"
        if not _WIRE_TIME.match(body["NgayNopHoSo"]):
            return "NgayNopHoSo không phải yyyyMMddHHmmss / NgayNopHoSo is not yyyyMMddHHmmss"
        return None

    def _local_code(self) -> str:
        day = datetime.now(VN_TZ).strftime("%y%m%d")
        return f"{self.config.unit}-{day}-{next(_LOCAL_SEQUENCE) % 9000:04d}"

    async def push(self, request: Request) -> Response:
        body = await _body(request)
        problem = self._problem(body)
        if problem is not None and not self.profile.accepts_defective_pushes:
            code = body.get("MaHoSo") if isinstance(body, dict) else None
            if isinstance(code, str) and _DOSSIER_CODE.match(code):
                applicant = str(body.get("TECHNICALID", ""))
                self._later(self._sync_back(code, "", applicant, "5", problem))
            return _json({"error_code": 1, "message": problem})
        assert isinstance(body, dict)  # a defective body is only accepted by a faulty profile
        code = str(body.get("MaHoSo", ""))
        existing = self.state.dossiers.get(code)
        if existing is not None:  # the portal retried: same answer, no second dossier
            return _json(
                {"error_code": 0, "message": "đã tiếp nhận", "MaHoSoDonVi": existing.local_code}
            )
        procedure = self.catalogue.procedure(str(body.get("MaTTHC", "")))
        dossier = Dossier(
            code=code,
            local_code=self._local_code(),
            procedure=str(body.get("MaTTHC", "")),
            applicant=str(body.get("TECHNICALID", "")),
            fee=(procedure.fee_total or 0) if procedure is not None else 0,
        )
        self.state.dossiers[code] = dossier
        self._later(
            self._sync_back(code, dossier.local_code, dossier.applicant, "2", "Tiếp nhận hồ sơ")
        )
        return _json(
            {"error_code": 0, "message": "đã tiếp nhận", "MaHoSoDonVi": dossier.local_code}
        )

    def _later(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _sync_back(
        self, code: str, local: str, applicant: str, status: str, note: str
    ) -> None:
        delay = self.profile.status_sync_delay
        if delay is None:
            return
        if delay:
            await asyncio.sleep(delay)
        with contextlib.suppress(httpx.HTTPError, RuntimeError):
            await self.portal.sync_status(code, local, applicant, status, note[:500])

    # -- payments ----------------------------------------------------------------------------

    def _bill(self, dossier: Dossier, named: str) -> dict[str, Any]:
        procedure = self.catalogue.procedure(dossier.procedure)
        name = procedure.name if procedure is not None else ""
        return {
            "MaDichVu": "2",
            "TKThuHuong": "3713.0.1050234",
            "MaNHThuHuong": "01201001",
            "TenTKThuHuong": self.province.name,
            "PhiLePhi": [
                {
                    "LoaiPhiLePhi": "2",
                    "MaPhiLePhi": "2",
                    "TenPhiLePhi": "Lệ phí",
                    "SoTien": dossier.fee,
                }
            ],
            "MaDonVi": self.config.unit,
            "TenDonVi": self.province.name,
            "MaHoSo": named,
            "MaTTHC": dossier.procedure,
            "TenTTHC": name,
            "MaDVC": f"{dossier.procedure}.{self.config.unit}",
            "TenDVC": name,
            "NoiDungThanhToan": f"Nộp lệ phí hồ sơ {named}",
            "DSKhoanNop": [{"NoiDung": "Lệ phí", "SoTien": str(dossier.fee)}],
        }

    async def payment_lookup(self, request: Request) -> Response:
        body = await _body(request)
        code = body.get("MaHoSo") if isinstance(body, dict) else None
        dossier = self.state.dossiers.get(code) if isinstance(code, str) else None
        if dossier is None:
            return _json({"error_code": -1, "message": []})
        if dossier.paid or dossier.fee <= 0:
            return _json({"error_code": 0, "message": []})
        named = dossier.local_code if self.profile.wrong_lookup else dossier.code
        bill = self._bill(dossier, named) | {"MaTraCuuTT": named + wire_now()}
        return _json({"error_code": 1, "message": bill})

    async def payment_confirm(self, request: Request) -> Response:
        credentials = self.config.payment
        body = await _body(request)
        if credentials is None or not isinstance(body, dict):
            return _json({"return_code": -1, "return_msg": "yêu cầu không hợp lệ"}, 400)
        if body.get("client_id") != credentials.client_id:
            return _json({"return_code": -1, "return_msg": "client_id lạ"})
        expected = create_checksum(credentials.hash_key_2.encode("utf-8"), body)
        forged = expected is None or not same_checksum(body.get("check_sum"), expected)
        if forged and not self.profile.accepts_forged_checksum:
            return _json({"return_code": -1, "return_msg": "sai check_sum"})
        tx = self.state.transactions.get(str(body.get("transaction_id")))
        lax = self.profile.lax_payment_checks
        if tx is None:
            if lax:
                return _json({"return_code": 0, "return_msg": "success"})
            return _json({"return_code": -1, "return_msg": "không có giao dịch"})
        if str(body.get("trans_amount")) != str(tx.amount) and not lax:
            return _json({"return_code": -1, "return_msg": "số tiền không khớp giao dịch"})
        if tx.answered is not None:
            if self.profile.refuses_duplicates:
                return _json({"return_code": -1, "return_msg": "giao dịch đã được xử lý"})
            return _json({"return_code": tx.answered, "return_msg": "success"})
        paid = str(body.get("status")) == "0"
        tx.answered = 0
        dossier = self.state.dossiers.get(tx.dossier)
        if dossier is not None and paid:
            dossier.paid = True
        return _json({"return_code": 0, "return_msg": "success"})

    async def trigger_payment(self, request: Request) -> Response:
        """Create the fee transaction of a dossier (as the one-stop system does at status 6)."""
        credentials = self.config.payment
        code = request.query_params.get("MaHoSo", "")
        dossier = self.state.dossiers.get(code)
        if credentials is None:
            return _json({"error": "no [payment] in the configuration"}, 409)
        if dossier is None or dossier.fee <= 0:
            return _json({"error": f"no dossier {code!r} with fees"}, 404)
        transaction_id = f"{self.province.agency_code}{secrets.token_hex(6).upper()}"
        self.state.transactions[transaction_id] = Transaction(transaction_id, code, dossier.fee)
        status, answer = await self.portal.create_transaction(
            client_id=credentials.client_id,
            hash_key_1=credentials.hash_key_1,
            transaction_id=transaction_id,
            amount=dossier.fee,
            bill=self._bill(dossier, dossier.code),
            return_url=f"{request.base_url}thanh-toan",
        )
        return _json(
            {"transaction_id": transaction_id, "platform": {"status": status, "answer": answer}}
        )

    # -- single sign-on ----------------------------------------------------------------------

    async def sso_login(self, request: Request) -> Response:
        if self._rp is None:
            return _json({"error": "no [sso] in the configuration"}, 409)
        login_id, location = self._rp.start()
        response = RedirectResponse(location, status_code=302)
        response.set_cookie(_LOGIN_COOKIE, login_id, httponly=True, samesite="lax")
        return response

    async def sso_callback(self, request: Request) -> Response:
        if self._rp is None:
            return _json({"error": "no [sso] in the configuration"}, 409)
        try:
            claims = await self._rp.finish(
                request.cookies.get(_LOGIN_COOKIE), dict(request.query_params)
            )
        except LoginRefused as refusal:
            return _json({"logged_in": False, "error": str(refusal)}, 401)
        except httpx.HTTPError as error:
            return _json({"logged_in": False, "error": f"provider unreachable: {error}"}, 502)
        session = secrets.token_urlsafe(24)
        self.state.sessions[session] = claims
        response = JSONResponse({"logged_in": True, "sub": claims.get("sub")})
        response.delete_cookie(_LOGIN_COOKIE)
        response.set_cookie(_SESSION_COOKIE, session, httponly=True, samesite="lax")
        return response

    async def sso_session(self, request: Request) -> Response:
        claims = self.state.sessions.get(request.cookies.get(_SESSION_COOKIE, ""))
        if claims is None:
            return _json({"logged_in": False}, 401)
        return _json({"logged_in": True, "sub": claims.get("sub")})

    # -- its own flows -----------------------------------------------------------------------

    async def trigger_sync(self, request: Request) -> Response:
        """Publish one dossier of its own from receipt to its last step, as OpenCPS does."""
        assert self._http is not None  # set by the lifespan
        async with self._publish_lock:
            if self._publisher is None:
                profile = load_profile_set("clean").get(self.province.code)
                if profile is None:
                    return _json({"error": f"no synthetic profile for {self.province.code}"}, 500)
                profile = dataclasses.replace(profile, faults=self.profile.dossier_faults)
                pools = await asyncio.to_thread(_pools, profile.code)
                factory = DossierFactory(profile, _SEED, pools=pools)
                factory.codes = _shared_issuer(profile.code, factory)
                self._publisher = VirtualProvince(
                    factory,
                    self._http,
                    password=self.config.password or "",
                    username=self.config.unit,
                    time_factor=1e9,
                )
            outcome = await self._publisher.process(next(_PUBLISHED))
        return _json(
            {
                "MaHoSo": outcome.code,
                "published": outcome.published,
                "problems": outcome.problems,
            }
        )


def create_reference_app(
    config: ConformConfig, profile: ReferenceProfile, portal_url: str
) -> Starlette:
    return ReferenceProvince(config, profile, portal_url).app
