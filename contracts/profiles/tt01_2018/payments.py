"""Payment platform rules (PAY-): the province's calls to the platform and its answers to it.

Rules with a check function judge a message alone (its checksum when the context has the
client's keys, its amounts, the catalogue's fee). The others need the portal's state (the
registered clients, the dossiers, earlier transactions, the deliveries it made) and have no
check function: the mock portal raises them, like the access rules.

Findings of the province's side of a platform → province call (paymentconfirm,
dptracuuthanhtoanhs) are journaled on that call, with paths into the province's answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contracts import payments
from contracts._engine import CheckContext
from contracts._findings import RuleKind, Severity, Violation
from contracts._messages import Message, MessageKind
from contracts._rules import Rule
from contracts.profiles.tt01_2018._registry import RULES
from contracts.wire import list_items, text

CLAUSE = "Nền tảng thanh toán trực tuyến DVCQG: đặc tả tích hợp (KeyPay; theo OpenCPS PayGate)"
_CREATE = (MessageKind.PAY_CREATE,)
_CONFIRM = (MessageKind.PAY_CONFIRM,)


@RULES.check(
    "PAY-001",
    title_vi="check_sum sai",
    title_en="Wrong check_sum",
    clause=CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="check_sum = hex HMAC-SHA256(hash_key_1, addition_fee|client_id|command|trans_amount|"
    "transaction_id|version) khi tạo giao dịch, (hash_key_1, client_id|command|transaction_id) "
    "khi tra cứu",
    applies_to=[MessageKind.PAY_CREATE, MessageKind.PAY_DETAIL],
)
def checksum_matches(context: CheckContext, message: Message) -> Iterator[Violation]:
    body = message.body
    key = context.payment_keys.hash_key_1(text(body, "client_id"))
    if key is None:  # no keys (offline) or an unknown client (the portal says so itself)
        return
    create = message.kind is MessageKind.PAY_CREATE
    expected = (
        payments.create_checksum(key, body) if create else payments.detail_checksum(key, body)
    )
    if expected is None:  # a signed field is missing or not a string: the schema says so
        return
    given = body.get("check_sum") if isinstance(body, dict) else None
    if not payments.same_checksum(given, expected):
        fields = payments.CREATE_FIELDS if create else payments.DETAIL_FIELDS
        yield Violation(
            path="$.check_sum",
            value=given,
            hint=f"check_sum không khớp HMAC-SHA256(hash_key_1, {'|'.join(fields)}) / "
            "does not match the HMAC of those fields under the client's hash_key_1",
        )


def _total(items: list[tuple[str, dict[str, Any]]]) -> int | None:
    """The sum of the items' `SoTien`, None when one is not a whole amount."""
    total = 0
    for _path, item in items:
        amount = payments.vnd(item.get("SoTien"))
        if amount is None:
            return None
        total += amount
    return total


@RULES.check(
    "PAY-002",
    title_vi="Số tiền không khớp các khoản phí, lệ phí",
    title_en="Amount differs from the sum of the fees",
    clause=CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="trans_amount = tổng bill_info.PhiLePhi[].SoTien = tổng bill_info.DSKhoanNop[].SoTien",
    applies_to=_CREATE,
)
def amount_is_sum_of_fees(context: CheckContext, message: Message) -> Iterator[Violation]:
    body = message.body
    amount = payments.vnd(body.get("trans_amount")) if isinstance(body, dict) else None
    bill = body.get("bill_info") if isinstance(body, dict) else None
    if amount is None or not isinstance(bill, dict):
        return
    for key in ("PhiLePhi", "DSKhoanNop"):
        if not isinstance(bill.get(key), list):
            continue
        total = _total(list(list_items(bill, key, "$.bill_info")))
        if total is not None and total != amount:
            yield Violation(
                path=f"$.bill_info.{key}",
                value=total,
                hint=f"tổng {key}[].SoTien là {total}, trans_amount là {amount} / the {key} "
                f"total is {total} but trans_amount is {amount}",
            )


@RULES.check(
    "PAY-003",
    title_vi="Số tiền khác lệ phí của thủ tục trong danh mục",
    title_en="Amount differs from the procedure's fee in the catalogue",
    clause=CLAUSE + "; CSDL quốc gia về TTHC (PHILEPHI)",
    severity=Severity.WARNING,
    kind=RuleKind.SEMANTIC,
    hint="Thu đúng phí, lệ phí công bố cho thủ tục (LayThuTuc: PHILEPHI[].SOTIEN); một mức giảm "
    "phí được phép thì ghi rõ trong NoiDungThanhToan",
    applies_to=_CREATE,
)
def amount_is_catalogue_fee(context: CheckContext, message: Message) -> Iterator[Violation]:
    body = message.body
    bill = body.get("bill_info") if isinstance(body, dict) else None
    amount = payments.vnd(body.get("trans_amount")) if isinstance(body, dict) else None
    if amount is None or not isinstance(bill, dict):
        return
    code = text(bill, "MaTTHC")
    procedure = context.catalogue.procedure(code) if code else None
    if procedure is None or procedure.fee_total is None:  # unknown, free or no fee recorded
        return
    if amount != procedure.fee_total:
        yield Violation(
            path="$.trans_amount",
            value=body.get("trans_amount"),
            hint=f"lệ phí của {code} trong danh mục là {procedure.fee_total} / the catalogue's "
            f"fee for {code} is {procedure.fee_total}",
        )


@RULES.check(
    "PAY-004",
    title_vi="Hoá đơn tra cứu không nhất quán",
    title_en="Lookup bill inconsistent",
    clause=CLAUSE + " (dptracuuthanhtoanhs)",
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="MaTraCuuTT = MaHoSo nối yyyyMMddHHmmss; tổng PhiLePhi bằng tổng DSKhoanNop",
    # The portal journals a lookup as its request (pay-dptracuuthanhtoanhs) with the answer's
    # findings; on the request itself the check finds no bill and says nothing.
    applies_to=[MessageKind.PAY_LOOKUP_RESPONSE, MessageKind.PAY_LOOKUP],
)
def lookup_bill_is_consistent(context: CheckContext, message: Message) -> Iterator[Violation]:
    body = message.body
    bill = body.get("message") if isinstance(body, dict) else None
    if not isinstance(bill, dict) or str(body.get("error_code")) != "1":
        return
    code, lookup = text(bill, "MaHoSo"), text(bill, "MaTraCuuTT")
    if (
        code
        and lookup
        and not (
            lookup.startswith(code)
            and len(lookup) == len(code) + 14
            and lookup[len(code) :].isdigit()
        )
    ):
        yield Violation(
            path="$.message.MaTraCuuTT",
            value=lookup,
            hint=f"MaTraCuuTT phải là {code} nối yyyyMMddHHmmss / must be MaHoSo followed by "
            "yyyyMMddHHmmss",
        )
    fees = _total(list(list_items(bill, "PhiLePhi", "$.message")))
    items = _total(list(list_items(bill, "DSKhoanNop", "$.message")))
    if fees is not None and items is not None and fees != items:
        yield Violation(
            path="$.message.DSKhoanNop",
            value=items,
            hint=f"tổng DSKhoanNop là {items}, tổng PhiLePhi là {fees} / the DSKhoanNop total "
            f"is {items} but the PhiLePhi total is {fees}",
        )


# Raised by the mock portal, which alone knows its clients, dossiers, transactions and the
# deliveries it made.
for rule in (
    Rule(
        id="PAY-010",
        title_vi="client_id chưa đăng ký với nền tảng thanh toán",
        title_en="client_id not registered with the payment platform",
        clause=CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Dùng client_id do nền tảng thanh toán cấp cho tỉnh",
        applies_to=frozenset({MessageKind.PAY_CREATE, MessageKind.PAY_DETAIL}),
    ),
    Rule(
        id="PAY-011",
        title_vi="Thanh toán cho hồ sơ chưa đồng bộ lên Cổng",
        title_en="Payment for a dossier the portal does not have",
        clause=CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Đồng bộ hồ sơ (DongBoHoSoMC) trước khi tạo giao dịch thanh toán cho nó",
        applies_to=frozenset(_CREATE),
    ),
    Rule(
        id="PAY-012",
        title_vi="Thanh toán cho hồ sơ của đơn vị khác",
        title_en="Payment for another unit's dossier",
        clause=CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Mã hồ sơ (MaHoSo) phải thuộc cây đơn vị của client_id",
        applies_to=frozenset(_CREATE),
    ),
    Rule(
        id="PAY-013",
        title_vi="transaction_id dùng lại với nội dung khác",
        title_en="transaction_id reused with a different body",
        clause=CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Mỗi giao dịch một transaction_id; gửi lại đúng nội dung cũ thì được trả lời như cũ",
        applies_to=frozenset(_CREATE),
    ),
    Rule(
        id="PAY-014",
        title_vi="Mã TTHC khác thủ tục của hồ sơ",
        title_en="Procedure code differs from the dossier's",
        clause=CLAUSE,
        severity=Severity.WARNING,
        kind=RuleKind.SEMANTIC,
        hint="bill_info.MaTTHC là mã TTHC của hồ sơ đã đồng bộ",
        applies_to=frozenset(_CREATE),
    ),
    Rule(
        id="PAY-015",
        title_vi="Tra cứu giao dịch không tồn tại",
        title_en="Detail of an unknown transaction",
        clause=CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="transactiondetail chỉ cho transaction_id đã tạo bằng createtransaction",
        applies_to=frozenset({MessageKind.PAY_DETAIL}),
    ),
    Rule(
        id="PAY-020",
        title_vi="Tỉnh không xác nhận kết quả thanh toán (một lần gửi)",
        title_en="Payment confirmation not acknowledged (one attempt)",
        clause=CLAUSE + " (paymentconfirm)",
        severity=Severity.WARNING,
        kind=RuleKind.BEHAVIOURAL,
        hint='Trả lời {"return_code":0,"return_msg":"success"} (HTTP 200, JSON) cho xác nhận '
        "hợp lệ",
        applies_to=frozenset(_CONFIRM),
    ),
    Rule(
        id="PAY-021",
        title_vi="Tỉnh không bao giờ xác nhận kết quả thanh toán",
        title_en="Payment confirmation never acknowledged",
        clause=CLAUSE + " (paymentconfirm)",
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Địa chỉ paymentconfirm phải sẵn sàng và trả lời return_code 0; nền tảng đã gửi lại "
        "hết số lần cho phép",
        applies_to=frozenset(_CONFIRM),
    ),
    Rule(
        id="PAY-022",
        title_vi="Tỉnh chấp nhận xác nhận có check_sum giả",
        title_en="Confirmation with a forged check_sum accepted",
        clause=CLAUSE + " (paymentconfirm)",
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Kiểm tra check_sum = HMAC-SHA256(hash_key_2, addition_fee|client_id|command|"
        "trans_amount|transaction_id|version) và trả lời return_code -1 khi sai",
        applies_to=frozenset(_CONFIRM),
    ),
    Rule(
        id="PAY-023",
        title_vi="Xác nhận trùng lặp được trả lời khác lần đầu",
        title_en="Duplicate confirmation answered differently",
        clause=CLAUSE + " (paymentconfirm)",
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Nhận lại cùng một xác nhận phải trả lời như lần đầu (lũy đẳng), không xử lý hai lần",
        applies_to=frozenset(_CONFIRM),
    ),
    Rule(
        id="PAY-024",
        title_vi="Tra cứu nghĩa vụ thanh toán không được trả lời đúng hồ sơ",
        title_en="Dossier payment lookup unanswered or about another dossier",
        clause=CLAUSE + " (dptracuuthanhtoanhs)",
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Trả lời dptracuuthanhtoanhs bằng JSON (HTTP 200) về đúng MaHoSo được hỏi",
        applies_to=frozenset({MessageKind.PAY_LOOKUP}),
    ),
):
    RULES.declare(rule)
