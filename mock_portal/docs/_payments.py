"""The payment platform's operations in the OpenAPI document.

createtransaction and transactiondetail take and answer the contract's `pay-*` messages, like
every DVCQG call; their refusals are `PaymentRefusal` bodies (`{"error": "<code>", "msg"}`) with
the codes of `mock_portal.payments.PayError`. The payer's page is an HTML page with a form
(`payer_page_operation`: its docstrings, its form and its statuses); the operator routes are
documented generically from their endpoints' docstrings.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from contracts import MessageKind
from mock_portal.docs._components import schema_ref
from mock_portal.docs._generic import generic_operation
from mock_portal.docs._routes import ApiRoute
from mock_portal.payments import (
    CREATE_PATH,
    DETAIL_PATH,
    PAGE_PATH,
    PAY_CODES,
    PayError,
    codes_table,
)
from mock_portal.payments._page import ACTIONS
from mock_portal.wire import JSON_MEDIA_TYPE

PAYMENT_TAG = "payments"
PAYMENT_TAG_TEXT = (
    "Thanh toán — the payment platform (Nền tảng thanh toán trực tuyến): create a transaction "
    "for a dossier's fees, ask for its state; the payer pays on /pay/{token} and the platform "
    "confirms the outcome to the province (paymentconfirm)"
)
#: the contract's messages of the two calls
PAYMENT_KINDS = frozenset(
    {
        MessageKind.PAY_CREATE,
        MessageKind.PAY_CREATE_RESPONSE,
        MessageKind.PAY_DETAIL,
        MessageKind.PAY_DETAIL_RESPONSE,
    }
)
PAYMENT_REFUSAL = "PaymentRefusal"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
HTML_MEDIA_TYPE = "text/html"

_CREATE_EXAMPLE: dict[str, Any] = {
    "client_id": "H56_MOTCUA",
    "transaction_id": "260302000001",
    "trans_amount": "2000",
    "command": "PAY",
    "version": "3.0",
    "description": "Lệ phí hồ sơ 000.00.14.H56-260302-0001",
    "locale": "vn",
    "country_code": "vi",
    "currency_code": "VND",
    "environment": "1",
    "return_url": "https://dichvucong.thanhhoa.gov.vn/thanh-toan/ket-qua",
    "addition_fee": "0",
    "bill_info": {
        "MaDichVu": "2",
        "TKThuHuong": "3713.0.1050234",
        "MaNHThuHuong": "01201001",
        "TenTKThuHuong": "UBND xã Quảng Tâm",
        "PhiLePhi": [
            {
                "LoaiPhiLePhi": "2",
                "MaPhiLePhi": "2",
                "TenPhiLePhi": "Lệ phí chứng thực",
                "SoTien": 2000,
            }
        ],
        "MaDonVi": "000.00.14.H56",
        "TenDonVi": "UBND xã Quảng Tâm",
        "MaHoSo": "000.00.14.H56-260302-0001",
        "MaTTHC": "2.000815",
        "TenTTHC": "Chứng thực bản sao từ bản chính",
        "MaDVC": "2.000815.000.00.00.H56",
        "TenDVC": "Chứng thực bản sao từ bản chính",
        "NoiDungThanhToan": "Nộp lệ phí hồ sơ 000.00.14.H56-260302-0001",
        "HoTenNguoiNop": "Nguyễn Văn An",
        "DSKhoanNop": [{"NoiDung": "Lệ phí chứng thực", "SoTien": "2000"}],
    },
    "check_sum": "265470d414eb5e3d3ed098f46deff10b99b2b14fbaf4737e706f8cb56fd0f4e8",
}
_DETAIL_EXAMPLE = {
    "client_id": "H56_MOTCUA",
    "transaction_id": "260302000001",
    "command": "PAY",
    "check_sum": "cfd28e766837b0640d1c57373040e69eff87ff4ec291f651c2c493f3e580fd63",
}
_CREATE_ANSWER = {"error": "0", "payment_url": "http://127.0.0.1:8080/pay/3q2d8Jk1vQxW0aZ7pL5m"}
_DETAIL_ANSWER = {
    "error": "0",
    "msg": "Thành công",
    "client_id": "H56_MOTCUA",
    "transaction_id": "260302000001",
    "transaction_code": "PG260302083100123456",
    "trans_amount": "2000",
    "addition_fee": "0",
    "status": "0",
    "status_text": "Đã thanh toán",
    "created_at": "20260302083100",
    "settled_at": "20260302083512",
}
#: the refusals each call can give (the others never come from it)
_CREATE_REFUSALS = tuple(
    code for code in PayError if code not in (PayError.OK, PayError.UNKNOWN_TRANSACTION)
)
_DETAIL_REFUSALS = (
    PayError.MALFORMED,
    PayError.NOT_CONFORMANT,
    PayError.UNKNOWN_CLIENT,
    PayError.CHECKSUM,
    PayError.UNKNOWN_TRANSACTION,
    PayError.TOO_LARGE,
    PayError.MEDIA_TYPE,
    PayError.STORAGE,
)


def payment_components() -> dict[str, Any]:
    """The refusal body the two calls refer to."""
    return {
        PAYMENT_REFUSAL: {
            "title": "Từ chối của nền tảng thanh toán — Payment platform refusal",
            "description": "`error` is a non-zero code (a string), `msg` says why; strict-mode "
            "refusals list the `findings`.\n\n" + codes_table(),
            "type": "object",
            "required": ["error", "msg"],
            "properties": {
                "error": {
                    "type": "string",
                    "enum": [code.value for code in PayError if code is not PayError.OK],
                    "description": "Mã lỗi — the refusal code.",
                },
                "msg": {"type": "string", "description": "Lý do — the reason."},
                "findings": {
                    "type": "array",
                    "description": "Các phát hiện (chế độ strict) — the findings (strict mode).",
                    "items": {"type": "object"},
                },
            },
        }
    }


def payment_operation(schemas: dict[str, Any], path: str, method: str) -> dict[str, Any] | None:
    """The operation of a payment call, None for any other route."""
    if method != "POST":
        return None
    if path == CREATE_PATH:
        return _operation(
            schemas,
            "createtransaction",
            MessageKind.PAY_CREATE,
            MessageKind.PAY_CREATE_RESPONSE,
            _CREATE_EXAMPLE,
            _CREATE_ANSWER,
            _CREATE_REFUSALS,
        )
    if path == DETAIL_PATH:
        return _operation(
            schemas,
            "transactiondetail",
            MessageKind.PAY_DETAIL,
            MessageKind.PAY_DETAIL_RESPONSE,
            _DETAIL_EXAMPLE,
            _DETAIL_ANSWER,
            _DETAIL_REFUSALS,
        )
    return None


def _operation(
    schemas: dict[str, Any],
    name: str,
    request: MessageKind,
    response: MessageKind,
    example: dict[str, Any],
    answer: dict[str, Any],
    refusals: tuple[PayError, ...],
) -> dict[str, Any]:
    by_status: defaultdict[int, list[PayError]] = defaultdict(list)
    for code in refusals:
        by_status[PAY_CODES[code].status].append(code)
    business = by_status.pop(200, [])
    responses: dict[str, Any] = {
        "200": {
            "description": f"{schemas[response.value].get('title', response.value)}. Từ chối "
            'nghiệp vụ cũng là HTTP 200 với `error` khác "0" — business refusals are HTTP '
            "200 too, with a non-zero `error`: "
            + ", ".join(f'`"{code.value}"` {code.name}' for code in business)
            + ".",
            "content": {
                JSON_MEDIA_TYPE: {
                    "schema": {"anyOf": [schema_ref(response.value), schema_ref(PAYMENT_REFUSAL)]},
                    "examples": {
                        response.value: {"summary": "Thành công — success", "value": answer},
                        **{
                            f"refusal-{code.value}": {
                                "summary": PAY_CODES[code].meaning,
                                "value": {"error": code.value, "msg": code.name.lower()},
                            }
                            for code in business
                        },
                    },
                }
            },
        }
    }
    for status, codes in sorted(by_status.items()):
        responses[str(status)] = {
            "description": "; ".join(
                f'`"{code.value}"` {code.name}: {PAY_CODES[code].meaning}' for code in codes
            ),
            "content": {JSON_MEDIA_TYPE: {"schema": schema_ref(PAYMENT_REFUSAL)}},
        }
    return {
        "tags": [PAYMENT_TAG],
        "operationId": name,
        "summary": schemas[request.value].get("title", name),
        "description": schemas[request.value].get("description", ""),
        "requestBody": {
            "required": True,
            "content": {
                JSON_MEDIA_TYPE: {
                    "schema": schema_ref(request.value),
                    "examples": {request.value: {"summary": name, "value": example}},
                }
            },
        },
        "responses": responses,
    }


#: what the payer's page answers, by status (every answer is the page itself, in HTML)
_PAGE_ANSWERS = {
    "GET": {
        "200": "Hóa đơn và các nút thanh toán — the bill, with the buttons while it is pending",
        "404": "Không có giao dịch này — no transaction has this token",
    },
    "POST": {
        "200": "Kết quả — the outcome, the bill and the link back to the province",
        "400": "`action` thiếu hoặc sai — `action` missing or not pay, fail or abandon",
        "404": "Không có giao dịch này — no transaction has this token",
        "409": "Giao dịch đã được xử lý — the transaction was settled before",
        "413": "Biểu mẫu quá lớn — the form is too large",
        "503": "Cơ sở dữ liệu của cổng không dùng được; thử lại — the store is down; retry",
    },
}


def payer_page_operation(route: ApiRoute, method: str) -> dict[str, Any] | None:
    """The payer's page (`/pay/{token}`): an HTML page and its form; None for other routes."""
    if route.path != PAGE_PATH or method not in _PAGE_ANSWERS:
        return None
    operation = generic_operation(route, method)
    operation["tags"] = [PAYMENT_TAG]
    operation["operationId"] = "payer_page" if method == "GET" else "payer_page_action"
    if method == "POST":
        operation["requestBody"] = {
            "required": True,
            "content": {
                FORM_MEDIA_TYPE: {
                    "schema": {
                        "type": "object",
                        "required": ["action"],
                        "properties": {
                            "action": {
                                "type": "string",
                                "enum": list(ACTIONS),
                                "description": "pay: Thanh toán; fail: Thất bại; abandon: Hủy",
                            }
                        },
                    }
                }
            },
        }
    operation["responses"] = {
        status: {"description": text, "content": {HTML_MEDIA_TYPE: {"schema": {"type": "string"}}}}
        for status, text in _PAGE_ANSWERS[method].items()
    }
    return operation
