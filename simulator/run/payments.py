"""A province paying a dossier's fees through the portal's payment platform (domain.md §4).

When a dossier of a `payment_connected` province reaches status 6 ("Yêu cầu thực hiện nghĩa vụ
tài chính") for a procedure with fees, the one-stop system creates a transaction
(`POST /api/pay/createtransaction`, signed with `hash_key_1`, the bill from the catalogue's
fees), the citizen pays on the platform's page (`POST /pay/{token}`, action `pay`), and the
platform confirms it to the province (`{callback_url}paymentconfirm`, signed with
`hash_key_2`), which answers `{"return_code": 0}` once the checksum holds (`confirm_answer`; a
forged one gets -1). The same confirmation delivered twice gets the same answer: the answer
depends on the message alone.

Each connected province is the platform's client `PS_Hxx` with keys derived from the run's
payment secret, its callback `{callback_base}/hxx/` (`payment_client`); `portalsim run`
registers them and serves the callbacks in the load process. Planted payment faults are not
drawn yet: they need the platform to send duplicates and forgeries, which an operator decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from contracts.payments import create_checksum, same_checksum
from simulator.run.sso import Transport
from simulator.synthetic import DossierPlan, ProcedureNames, ProvinceProfile

if TYPE_CHECKING:
    from simulator.run.publish import Poster

__all__ = [
    "CREATE_PATH",
    "PaymentClientConfig",
    "callback_app",
    "confirm_answer",
    "create_transaction",
    "pay_fees",
    "payment_client",
]

CREATE_PATH = "/api/pay/createtransaction"
_OK = {"return_code": 0, "return_msg": "success"}


@dataclass(frozen=True, slots=True)
class PaymentClientConfig:
    """A province's one-stop system as a client of the payment platform."""

    client_id: str
    unit: str
    hash_key_1: str
    hash_key_2: str
    callback_url: str


def payment_client(
    profile: ProvinceProfile, secret: str, callback_base: str = "http://127.0.0.1"
) -> PaymentClientConfig:
    """The client a province is registered as (what `portalsim run` provisions)."""
    slug = profile.agency_code.lower()
    return PaymentClientConfig(
        client_id=f"PS_{profile.agency_code}",
        unit=profile.unit,
        hash_key_1=f"{secret}-{slug}-1",
        hash_key_2=f"{secret}-{slug}-2",
        callback_url=f"{callback_base.rstrip('/')}/{slug}/",
    )


def create_transaction(
    plan: DossierPlan,
    names: ProcedureNames,
    amount: int,
    client: PaymentClientConfig,
    transaction_id: str,
) -> dict[str, Any]:
    """The signed createtransaction of the dossier's fees, as OpenCPS's PayGate client sends it."""
    agency = plan.code.split("-", 1)[0]
    text = f"Lệ phí hồ sơ {plan.code}"
    body: dict[str, Any] = {
        "client_id": client.client_id,
        "transaction_id": transaction_id,
        "trans_amount": str(amount),
        "command": "PAY",
        "version": "3.0",
        "description": text,
        "locale": "vn",
        "country_code": "vi",
        "currency_code": "VND",
        "environment": "1",
        "return_url": f"https://motcua-{client.unit[-3:].lower()}.portalsim.test/thanh-toan",
        "addition_fee": "0",
        "bill_info": {
            "MaDichVu": "2",
            "TKThuHuong": "3713.0.1050234",
            "MaNHThuHuong": "01201001",
            "TenTKThuHuong": plan.agency_name,
            "PhiLePhi": [
                {"LoaiPhiLePhi": "2", "MaPhiLePhi": "2", "TenPhiLePhi": "Lệ phí", "SoTien": amount}
            ],
            "MaDonVi": agency,
            "TenDonVi": plan.agency_name,
            "MaHoSo": plan.code,
            "MaTTHC": plan.procedure,
            "TenTTHC": names.name,
            "MaDVC": f"{plan.lookup}.{plan.unit}",
            "TenDVC": names.name,
            "NoiDungThanhToan": f"Nộp {text[0].lower()}{text[1:]}",
            "HoTenNguoiNop": plan.applicant.name,
            "DiaChiNguoiNop": plan.applicant.address,
            "DSKhoanNop": [{"NoiDung": "Lệ phí", "SoTien": str(amount)}],
        },
    }
    checksum = create_checksum(client.hash_key_1.encode("utf-8"), body)
    assert checksum is not None  # every signed field is set above
    body["check_sum"] = checksum
    return body


def pay_fees(poster: Poster, transport: Transport, body: dict[str, Any]) -> bool:
    """Create the transaction and pay it on the platform's page; True when both went through."""
    answer = poster.post(CREATE_PATH, body, "pay-createtransaction")
    created = answer.body or {}
    url = created.get("payment_url")
    if str(created.get("error")) != "0" or not isinstance(url, str):
        return False
    page = transport.exchange("POST", urlsplit(url).path, "pay-page", form={"action": "pay"})
    return page.status == 200


def confirm_answer(raw: bytes, clients: Mapping[str, PaymentClientConfig]) -> tuple[int, bytes]:
    """(HTTP status, body) of the province's answer to a paymentconfirm: return_code 0 when the
    checksum is the client's, -1 otherwise."""
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return 400, orjson.dumps({"return_code": -1, "return_msg": "not JSON"})
    client = clients.get(str(message.get("client_id"))) if isinstance(message, dict) else None
    if client is None:
        return 200, orjson.dumps({"return_code": -1, "return_msg": "unknown client_id"})
    expected = create_checksum(client.hash_key_2.encode("utf-8"), message)
    if expected is None or not same_checksum(message.get("check_sum"), expected):
        return 200, orjson.dumps({"return_code": -1, "return_msg": "sai check_sum"})
    return 200, orjson.dumps(_OK)


#: the largest confirmation read (the platform's are a few hundred bytes)
_MAX_BODY = 1 << 16


def callback_app(
    clients: Mapping[str, PaymentClientConfig],
) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """The province's callback endpoint as a WSGI application: `POST …/paymentconfirm`
    answered by `confirm_answer`; anything else 404 (dossier lookups are not answered)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or not str(
            environ.get("PATH_INFO", "")
        ).endswith("/paymentconfirm"):
            status, body = 404, orjson.dumps({"return_code": -1, "return_msg": "not here"})
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(min(length, _MAX_BODY))
            status, body = confirm_answer(raw, clients)
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        start_response(f"{status} {reason}", headers)
        return [body]

    return app
