"""What each `ErrorCode` means on the wire, for the OpenAPI document and its readers.

`mock_portal.wire.ErrorCode` names the codes; this table says when each is sent, under which
HTTP status, with a message as the portal writes it. A test checks that every code has a row,
so a new code cannot reach the wire undocumented.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mock_portal.docs._components import schema_ref
from mock_portal.wire import ErrorCode

REFUSAL = "Refusal"
#: the component holding one finding, as the contract's portal-response defines it
FINDING = "portal-response.finding"


@dataclass(frozen=True, slots=True)
class CodeDoc:
    statuses: tuple[int, ...]
    meaning: str
    example: str


CODES: dict[ErrorCode, CodeDoc] = {
    ErrorCode.OK: CodeDoc((200,), "thành công — success", "Thành công"),
    ErrorCode.NOT_CONFORMANT: CodeDoc(
        (200,),
        "thông điệp không đạt chuẩn (chế độ strict); `findings` nêu các quy tắc bị vi phạm — "
        "message not conformant (strict mode); `findings` name the broken rules",
        "thông điệp không đạt chuẩn: 1 lỗi / message not conformant",
    ),
    ErrorCode.MALFORMED: CodeDoc(
        (400,),
        "thân yêu cầu không đọc được (không phải UTF-8, JSON, đối tượng, hoặc lồng quá sâu), "
        "giá trị sai kiểu JSON (ở cả hai chế độ, kèm `findings`), hoặc đăng nhập thiếu "
        "username/password — unreadable body (not UTF-8, not JSON, not an object, nested too "
        "deep), values of the wrong JSON type (in both modes, with `findings`), or a login "
        "without username and password strings",
        "body must be a JSON object",
    ),
    ErrorCode.UNKNOWN_SERVICE: CodeDoc(
        (400, 404, 405),
        "`service` không có ở endpoint này, hoặc đường dẫn/phương thức không tồn tại — "
        "`service` not offered on this endpoint, or no such path or method",
        "dịch vụ không hỗ trợ / unknown service 'LayDVC'",
    ),
    ErrorCode.SESSION: CodeDoc(
        (401,),
        "phiên không hợp lệ hoặc hết hạn: đăng nhập lại — invalid or expired session: log in again",
        "phiên không hợp lệ hoặc hết hạn / invalid or expired session",
    ),
    ErrorCode.FORBIDDEN: CodeDoc(
        (403,),
        "`madonvi` hoặc hồ sơ không thuộc cây đơn vị của phiên — "
        "`madonvi` or a dossier outside the session's unit tree",
        "hồ sơ thuộc đơn vị khác / dossier of another unit",
    ),
    ErrorCode.LOGIN_FAILED: CodeDoc(
        (401,),
        "sai tên đăng nhập hoặc mật khẩu — wrong user name or password",
        "sai tên đăng nhập hoặc mật khẩu / wrong username or password",
    ),
    ErrorCode.THROTTLED: CodeDoc(
        (429,),
        "quá nhiều yêu cầu (đăng nhập sai liên tiếp, hoặc do hồ sơ lỗi giả lập); thử lại sau "
        "`Retry-After` giây — too many requests (repeated failed logins, or an injected fault); "
        "retry after `Retry-After` seconds",
        "quá nhiều lần đăng nhập sai; thử lại sau / too many failures",
    ),
    ErrorCode.TOO_LARGE: CodeDoc(
        (413,),
        "thân yêu cầu vượt giới hạn cấu hình — body larger than the configured limit",
        "body of 2000000 bytes exceeds 1048576",
    ),
    ErrorCode.MEDIA_TYPE: CodeDoc(
        (415,),
        "Content-Type phải là application/json — Content-Type must be application/json",
        "Content-Type must be application/json, not text/plain",
    ),
    ErrorCode.UNAVAILABLE: CodeDoc(
        (500, 502, 503, 504),
        "lỗi nội bộ, bảo trì, hoặc sự cố giả lập (fault profile) — "
        "internal error, a maintenance window, or an outage injected by a fault profile",
        "internal error of the mock portal",
    ),
    ErrorCode.STORAGE: CodeDoc(
        (503,),
        "không lưu được, không có gì được ghi; gửi lại sau — could not store (nothing was kept); "
        "send it again",
        "không lưu được; gửi lại sau / could not store, retry",
    ),
    ErrorCode.NOT_FOUND: CodeDoc(
        (200,),
        "không tìm thấy (ví dụ LayThuTuc với mã TTHC không có trong danh mục), `result` rỗng — "
        "not found (e.g. LayThuTuc for a procedure not in the catalogue), empty `result`",
        "không tìm thấy thủ tục / procedure not found",
    ),
}

#: a finding as a strict-mode refusal lists it, for the examples
_EXAMPLE_FINDING = {
    "rule": "HS-001",
    "severity": "error",
    "path": "$.data[0].MaHoSo",
    "value": "38.98.H29-210519-0013",
    "hint": "Mã hồ sơ theo Điều 19 Thông tư 01/2018/TT-VPCP dạng "
    "V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX / dossier code per Art. 19 of Circular 01/2018/TT-VPCP",
}


def refusal_schema() -> dict[str, Any]:
    """The body of every refusal (`mock_portal.wire.refusal`); findings as the contract has them."""
    return {
        "title": "Từ chối — Refusal",
        "description": (
            "Câu trả lời khi cổng từ chối một yêu cầu. The body of a refusal: a non-zero "
            "`error_code` (see the table in the API description), a `message` in Vietnamese "
            "and English, and for a message judged against the contract the `findings`."
        ),
        "type": "object",
        "required": ["error_code", "message"],
        "properties": {
            "error_code": {
                "type": "integer",
                "enum": [int(code) for code in ErrorCode if code is not ErrorCode.OK],
                "description": "Mã từ chối khác 0 — the non-zero refusal code.",
            },
            "message": {
                "type": "string",
                "description": "Lý do từ chối — the reason for the refusal.",
            },
            "findings": {
                "type": "array",
                "description": "Các quy tắc bị vi phạm — the broken rules.",
                "items": schema_ref(FINDING),
            },
        },
    }


def refusal_example(code: ErrorCode) -> dict[str, Any]:
    """A refusal with `code` as the portal would send it."""
    body: dict[str, Any] = {"error_code": int(code), "message": CODES[code].example}
    if code is ErrorCode.NOT_CONFORMANT:
        body["findings"] = [_EXAMPLE_FINDING]
    if code is ErrorCode.NOT_FOUND:
        body["result"] = []
    return body


def refusal_examples(codes: Iterable[ErrorCode]) -> dict[str, Any]:
    """OpenAPI examples of refusals with `codes`, named after the codes."""
    return {
        code.name: {
            "summary": f"{int(code)}: {CODES[code].meaning}",
            "value": refusal_example(code),
        }
        for code in codes
    }


def codes_table() -> str:
    """The codes as a Markdown table: value, name, HTTP status, meaning."""
    rows = [
        "| error_code | tên — name | HTTP | ý nghĩa — meaning |",
        "|---|---|---|---|",
    ]
    for code in ErrorCode:
        doc = CODES[code]
        statuses = ", ".join(str(status) for status in doc.statuses)
        rows.append(f"| {int(code)} | `{code.name}` | {statuses} | {doc.meaning} |")
    return "\n".join(rows)
