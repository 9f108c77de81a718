"""Province → platform: `POST /api/pay/createtransaction` and `POST /api/pay/transactiondetail`.

Like every portal endpoint, each request is journaled with its findings, refused or not, and a
success answer is sent only after its journal row is committed. What is refused in both modes,
because accepting it would let one province act for another or forge a payment: an unknown
client, a wrong checksum, values of the wrong JSON type, a dossier outside the client's unit
tree, a transaction id reused with a different body. In strict mode any error finding is
refused too; in lenient mode it is recorded and the transaction is created.

A repeated createtransaction with the same body (the same JSON, whatever its key order) gets
the first answer again, byte for byte: clients retry on timeouts.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from contracts import Finding, Message, MessageKind, Severity, payments
from contracts.identifiers import agency_within
from contracts.wire import text
from mock_portal._exchange import Exchange, findings_payload
from mock_portal.config import PaymentClient
from mock_portal.payments._codes import WIRE_ERRORS, PayError, pay_answer, pay_refusal
from mock_portal.store import PaymentTransaction, StoreError
from mock_portal.wire import (
    ErrorCode,
    WireError,
    check_media_type,
    parse_json_object,
    read_body,
)

if TYPE_CHECKING:
    from mock_portal._portal import Portal

#: the payment page, under the portal's own address
PAGE_PREFIX = "/pay/"
#: status of a transaction as transactiondetail answers it (0 paid, as in the callback)
DETAIL_STATUS = {"paid": "0", "pending": "1", "failed": "2", "abandoned": "3"}
STATUS_TEXT = {
    "paid": "Đã thanh toán",
    "pending": "Chờ thanh toán",
    "failed": "Thanh toán thất bại",
    "abandoned": "Người nộp đã huỷ",
}
_SUCCESS = "Thành công"
_UNUSABLE_RULES = frozenset({"SC-002"})


class _Refused(Exception):
    """A refusal, raised where it is decided; the handler journals and answers it."""

    def __init__(self, response: Response) -> None:
        self.response = response


async def handle_create(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = MessageKind.PAY_CREATE.value
    try:
        body, client = await _admit(portal, request, exchange, MessageKind.PAY_CREATE)
        response, tx = await _create(portal, request, exchange, body, client)
    except _Refused as refused:
        return (await _journal(portal, exchange, refused.response, accepted=False))[0]
    except StoreError:
        return _storage_refusal()
    answered, journal_id = await _journal(portal, exchange, response, accepted=True)
    if tx is not None:  # a new transaction stays only if its createtransaction is journaled
        try:
            if journal_id is None:
                portal.store.payments.delete(tx.id)
            else:
                portal.store.payments.set_journal_id(tx.id, journal_id)
        except StoreError:
            return _storage_refusal()
    return answered


async def handle_detail(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = MessageKind.PAY_DETAIL.value
    try:
        body, client = await _admit(portal, request, exchange, MessageKind.PAY_DETAIL)
        tx = portal.store.payments.get(client.client_id, text(body, "transaction_id"))
        if tx is None:
            exchange.findings.append(
                _finding(
                    portal,
                    "PAY-015",
                    "$.transaction_id",
                    body.get("transaction_id"),
                    "không có giao dịch này của client_id / no such transaction of the client",
                )
            )
            raise _Refused(
                pay_refusal(
                    PayError.UNKNOWN_TRANSACTION, "không có giao dịch này / no such transaction"
                )
            )
        _strict(portal, exchange.findings)
    except _Refused as refused:
        return (await _journal(portal, exchange, refused.response, accepted=False))[0]
    except StoreError:
        return _storage_refusal()
    return (await _journal(portal, exchange, pay_answer(detail_answer(tx)), accepted=True))[0]


def detail_answer(tx: PaymentTransaction) -> dict[str, Any]:
    return {
        "error": PayError.OK.value,
        "msg": _SUCCESS,
        "client_id": tx.client_id,
        "transaction_id": tx.transaction_id,
        "transaction_code": tx.transaction_code,
        "trans_amount": tx.trans_amount,
        "addition_fee": tx.addition_fee,
        "status": DETAIL_STATUS[tx.status],
        "status_text": STATUS_TEXT[tx.status],
        "created_at": tx.created_at.strftime("%Y%m%d%H%M%S"),
        "settled_at": tx.settled_at.strftime("%Y%m%d%H%M%S") if tx.settled_at else "",
    }


async def _admit(
    portal: Portal, request: Request, exchange: Exchange, kind: MessageKind
) -> tuple[dict[str, Any], PaymentClient]:
    """The body and its client, its findings in `exchange`; `_Refused` for what no mode
    accepts."""
    try:
        check_media_type(request)
        exchange.body = await read_body(request, portal.config.limits.max_body_bytes)
        raw_text, body = parse_json_object(exchange.body, portal.config.limits.max_depth)
    except WireError as error:
        if error.code is ErrorCode.MALFORMED:
            exchange.finding("MSG-001", "$", None, error.message)
        code = WIRE_ERRORS.get(error.code, PayError.MALFORMED)
        raise _Refused(pay_refusal(code, error.message)) from None
    client = portal.payments.client(body.get("client_id"))
    if client is None:
        exchange.finding("PAY-010", "$.client_id", body.get("client_id"), "client_id chưa đăng ký")
        raise _Refused(
            pay_refusal(PayError.UNKNOWN_CLIENT, "client_id không hợp lệ / unknown client_id")
        )
    exchange.unit = client.unit
    exchange.province = portal.province_of(client.unit)
    message = Message(0, kind, body, exchange.received_at, exchange.path, client.unit, raw_text)
    findings = portal.validator.check(message)
    exchange.findings.extend(findings)
    if any(finding.rule in _UNUSABLE_RULES for finding in findings):
        raise _Refused(
            pay_refusal(
                PayError.MALFORMED,
                "sai kiểu dữ liệu / values of the wrong JSON type",
                findings=findings_payload(findings),
            )
        )
    if any(finding.rule == "PAY-001" for finding in findings):
        raise _Refused(pay_refusal(PayError.CHECKSUM, "check_sum không đúng / wrong check_sum"))
    return body, client


async def _create(
    portal: Portal,
    request: Request,
    exchange: Exchange,
    body: dict[str, Any],
    client: PaymentClient,
) -> tuple[Response, PaymentTransaction | None]:
    """The answer to a createtransaction that passed `_admit`, and the transaction it made."""
    bill = body.get("bill_info")
    bill = bill if isinstance(bill, dict) else {}
    dossier = text(bill, "MaHoSo")
    known = portal.ledger.get(dossier) if dossier else None
    if dossier and (
        not agency_within(dossier.split("-", 1)[0], client.unit)
        or (known is not None and not agency_within(known.unit, client.unit))
    ):
        exchange.findings.append(
            _finding(
                portal,
                "PAY-012",
                "$.bill_info.MaHoSo",
                dossier,
                f"hồ sơ không thuộc đơn vị {client.unit} / not a dossier of {client.unit}",
            )
        )
        raise _Refused(
            pay_refusal(
                PayError.FOREIGN_DOSSIER, "hồ sơ thuộc đơn vị khác / dossier of another unit"
            )
        )
    digest = _digest(body)
    transaction_id = text(body, "transaction_id")
    earlier = portal.store.payments.get(client.client_id, transaction_id)
    if earlier is not None:
        return _repeat(portal, exchange, earlier, digest), None
    if dossier and known is None:
        exchange.findings.append(
            _finding(
                portal,
                "PAY-011",
                "$.bill_info.MaHoSo",
                dossier,
                "Cổng chưa có hồ sơ này / the portal does not have this dossier",
            )
        )
        if portal.strict:
            raise _Refused(
                pay_refusal(
                    PayError.UNKNOWN_DOSSIER,
                    "hồ sơ chưa đồng bộ lên Cổng / dossier not synced to the portal",
                )
            )
    procedure = text(bill, "MaTTHC")
    if known is not None and procedure and known.procedure and procedure != known.procedure:
        exchange.findings.append(
            _finding(
                portal,
                "PAY-014",
                "$.bill_info.MaTTHC",
                procedure,
                f"hồ sơ {dossier} có mã TTHC {known.procedure} / the dossier's procedure "
                f"is {known.procedure}",
            )
        )
    _strict(portal, exchange.findings)
    token = secrets.token_urlsafe(18)
    answer = orjson.dumps(
        {"error": PayError.OK.value, "payment_url": f"{_base(request)}{PAGE_PREFIX}{token}"}
    ).decode()
    tx = portal.store.payments.create(
        PaymentTransaction(
            client_id=client.client_id,
            transaction_id=transaction_id,
            token=token,
            unit=client.unit,
            province=exchange.province,
            dossier=dossier,
            procedure=procedure,
            amount=payments.vnd(body.get("trans_amount")) or 0,
            trans_amount=text(body, "trans_amount"),
            addition_fee=text(body, "addition_fee"),
            command=text(body, "command"),
            version=text(body, "version"),
            digest=digest,
            bill=bill,
            description=text(body, "description"),
            return_url=text(body, "return_url"),
            answer=answer,
            transaction_code=_transaction_code(exchange),
            created_at=exchange.received_at,
        )
    )
    if tx is None:  # another request took the id in the meantime
        earlier = portal.store.payments.get(client.client_id, transaction_id)
        if earlier is None:
            raise _Refused(_storage_refusal())
        return _repeat(portal, exchange, earlier, digest), None
    return _stored_answer(tx), tx


def _repeat(
    portal: Portal, exchange: Exchange, earlier: PaymentTransaction, digest: str
) -> Response:
    """The answer to a transaction id seen before: the same answer for the same body."""
    if earlier.digest == digest:
        return _stored_answer(earlier)
    exchange.findings.append(
        _finding(
            portal,
            "PAY-013",
            "$.transaction_id",
            earlier.transaction_id,
            "transaction_id đã dùng cho giao dịch khác / already used with another body",
        )
    )
    raise _Refused(
        pay_refusal(PayError.CONFLICT, "transaction_id đã được dùng / transaction_id already used")
    )


def _stored_answer(tx: PaymentTransaction) -> Response:
    return Response(tx.answer.encode("utf-8"), media_type="application/json")


def _strict(portal: Portal, findings: list[Finding]) -> None:
    errors = [finding for finding in findings if finding.severity is Severity.ERROR]
    if portal.strict and errors:
        raise _Refused(
            pay_refusal(
                PayError.NOT_CONFORMANT,
                f"thông điệp không đạt chuẩn: {len(errors)} lỗi / message not conformant",
                findings=findings_payload(findings),
            )
        )


def _finding(portal: Portal, rule: str, path: str, value: object, hint: str) -> Finding:
    return Finding(rule, portal.profile.rules[rule].severity, 0, path, value, hint)


def _digest(body: dict[str, Any]) -> str:
    """SHA-256 of the body as canonical JSON (sorted keys), so key order does not matter."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _transaction_code(exchange: Exchange) -> str:
    """The platform's own code of a transaction: PG, the time, six random digits."""
    return f"PG{exchange.received_at:%y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def _base(request: Request) -> str:
    """The portal's address as the client called it, without a final slash."""
    return str(request.base_url).rstrip("/")


async def _journal(
    portal: Portal, exchange: Exchange, response: Response, *, accepted: bool
) -> tuple[Response, int | None]:
    """Commit the exchange, then answer (with its journal id); a store failure is answered 503
    and stores nothing."""
    try:
        journal_id = await portal.writer.write(exchange.record(response, accepted=accepted))
    except StoreError:
        return _storage_refusal(), None
    return response, journal_id


def _storage_refusal() -> Response:
    return pay_refusal(PayError.STORAGE, "không lưu được; gửi lại sau / could not store, retry")
