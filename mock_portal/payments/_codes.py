"""The payment platform's answers: `{"error": "0", …}` on success, a non-zero code otherwise.

The platform is not the integration RPC: its clients (OpenCPS's PayGate) read `error` as a
string and compare it with "0", and the failure text travels in `msg`. Business refusals are
HTTP 200 (OpenCPS reads the body of a 200 only); a body the platform cannot read at all gets a
4xx like every other portal endpoint. The table is in the README ("Payment platform").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.responses import Response

from mock_portal.wire import JSON_MEDIA_TYPE, ErrorCode


class PayError(enum.Enum):
    """The `error` codes of the payment platform's answers (strings on the wire)."""

    OK = "0"
    MALFORMED = "1"
    NOT_CONFORMANT = "2"
    UNKNOWN_CLIENT = "3"
    CHECKSUM = "4"
    UNKNOWN_DOSSIER = "5"
    FOREIGN_DOSSIER = "6"
    CONFLICT = "7"
    UNKNOWN_TRANSACTION = "8"
    TOO_LARGE = "9"
    MEDIA_TYPE = "10"
    STORAGE = "11"


@dataclass(frozen=True, slots=True)
class PayCodeDoc:
    status: int
    meaning: str


PAY_CODES: dict[PayError, PayCodeDoc] = {
    PayError.OK: PayCodeDoc(200, "thành công — success"),
    PayError.MALFORMED: PayCodeDoc(
        400,
        "thân yêu cầu không đọc được (không phải UTF-8, JSON, đối tượng, lồng quá sâu) hoặc giá "
        "trị sai kiểu JSON, ở cả hai chế độ — unreadable body or values of the wrong JSON type, "
        "in both modes",
    ),
    PayError.NOT_CONFORMANT: PayCodeDoc(
        200,
        "không đạt chuẩn (chế độ strict), `findings` nêu quy tắc — not conformant (strict mode); "
        "`findings` name the rules",
    ),
    PayError.UNKNOWN_CLIENT: PayCodeDoc(200, "client_id chưa đăng ký — unknown client_id"),
    PayError.CHECKSUM: PayCodeDoc(
        200, "check_sum sai, ở cả hai chế độ — wrong check_sum, both modes"
    ),
    PayError.UNKNOWN_DOSSIER: PayCodeDoc(
        200,
        "MaHoSo chưa được đồng bộ lên Cổng (chế độ strict; lenient ghi PAY-011 và nhận) — the "
        "portal does not have the dossier (strict; lenient records PAY-011 and accepts)",
    ),
    PayError.FOREIGN_DOSSIER: PayCodeDoc(
        200,
        "MaHoSo thuộc đơn vị ngoài cây đơn vị của client_id, ở cả hai chế độ — the dossier is "
        "outside the client's unit tree, both modes",
    ),
    PayError.CONFLICT: PayCodeDoc(
        200,
        "transaction_id đã dùng với nội dung khác, ở cả hai chế độ — transaction_id already "
        "used with a different body, both modes",
    ),
    PayError.UNKNOWN_TRANSACTION: PayCodeDoc(
        200, "transactiondetail: không có giao dịch này — no such transaction"
    ),
    PayError.TOO_LARGE: PayCodeDoc(413, "thân yêu cầu quá giới hạn — body over the size limit"),
    PayError.MEDIA_TYPE: PayCodeDoc(
        415, "Content-Type không phải application/json — Content-Type is not application/json"
    ),
    PayError.STORAGE: PayCodeDoc(503, "không lưu được; gửi lại sau — could not store; retry"),
}

#: the portal's wire errors, as the payment platform answers them
WIRE_ERRORS = {
    ErrorCode.MALFORMED: PayError.MALFORMED,
    ErrorCode.TOO_LARGE: PayError.TOO_LARGE,
    ErrorCode.MEDIA_TYPE: PayError.MEDIA_TYPE,
}


def pay_answer(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type=JSON_MEDIA_TYPE)


def pay_refusal(
    code: PayError, message: str, *, findings: list[dict[str, Any]] | None = None
) -> Response:
    """A refusal with the code's HTTP status: `{"error": "<code>", "msg": "…"}`."""
    payload: dict[str, Any] = {"error": code.value, "msg": message}
    if findings is not None:
        payload["findings"] = findings
    return pay_answer(payload, PAY_CODES[code].status)


def codes_table() -> str:
    """The codes as a Markdown table (README, OpenAPI description)."""
    rows = [
        f'| `"{code.value}"` | {doc.status} | {doc.meaning} |' for code, doc in PAY_CODES.items()
    ]
    return "| `error` | HTTP | meaning |\n|---|---|---|\n" + "\n".join(rows)
