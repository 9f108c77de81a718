"""The payer's side: `GET /pay/{token}` shows the bill, `POST /pay/{token}` settles it.

The page is one self-contained HTML document (its style inline, no script, no image, no font,
nothing fetched from anywhere), so it works on a network without internet access, and its
Content-Security-Policy holds it to that. Everything the province sent is escaped before it is
shown: a bill is untrusted input. Three buttons post the form back: Thanh toán (pay), Thất bại
(the bank refuses), Hủy (the payer gives up). Settling is once only; the answer page says what
happened and links back to the province's `return_url` when that is an http(s) URL.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from contracts.payments import vnd as amount_of
from mock_portal.payments._api import STATUS_TEXT
from mock_portal.store import PaymentTransaction, StoreError
from mock_portal.wire import WireError, read_body

if TYPE_CHECKING:
    from mock_portal._portal import Portal

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
#: form value → settle outcome, and the button's label
ACTIONS = {"pay": "paid", "fail": "failed", "abandon": "abandoned"}
_BUTTONS = (("pay", "Thanh toán"), ("fail", "Thất bại"), ("abandon", "Hủy"))
_MAX_FORM_BYTES = 4096
_DONE = {
    "paid": "Thanh toán thành công. Cổng sẽ báo kết quả cho cơ quan giải quyết hồ sơ.",
    "failed": "Thanh toán không thành công. Cổng sẽ báo kết quả cho cơ quan giải quyết hồ sơ.",
    "abandoned": "Bạn đã huỷ giao dịch. Khoản phí, lệ phí chưa được thanh toán.",
}
_STYLE = """
body{font-family:system-ui,"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#f3f5f8;
color:#1d2733}
header{background:#b71c1c;color:#fff;padding:14px 24px}
header h1{font-size:20px;margin:0}header p{margin:4px 0 0;font-size:13px;opacity:.9}
main{max-width:720px;margin:24px auto;background:#fff;border-radius:8px;padding:24px;
box-shadow:0 1px 3px rgba(0,0,0,.15)}
table{border-collapse:collapse;width:100%;margin:12px 0}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e7ee;vertical-align:top}
th{width:38%;font-weight:600;color:#44505f}td.amount,th.amount{text-align:right}
tr.total td,tr.total th{font-size:18px;font-weight:700;border-bottom:none}
.buttons{display:flex;gap:12px;margin-top:20px}
button{font-size:16px;padding:10px 18px;border-radius:6px;border:1px solid #8a95a3;
background:#fff;cursor:pointer}
button.pay{background:#1b5e20;color:#fff;border-color:#1b5e20}
.status{padding:10px 12px;border-radius:6px;background:#eef3fb}
footer{text-align:center;font-size:12px;color:#6b7685;margin:16px}
"""


def vnd(amount: int) -> str:
    """An amount in đồng as Vietnamese write it: `50.000 ₫`."""
    return f"{amount:,}".replace(",", ".") + " ₫"


async def show(portal: Portal, request: Request) -> Response:
    """Trang thanh toán — the payment page of one transaction.

    Shows the bill (fees, payer, dossier) and, while the transaction is pending, the buttons
    Thanh toán, Thất bại and Hủy.
    """
    tx = _find(portal, request)
    if tx is None:
        return _not_found()
    return _page(tx, _bill(tx) + (_form(tx) if tx.status == "pending" else _status(tx)))


async def act(portal: Portal, request: Request) -> Response:
    """Thanh toán, thất bại hoặc huỷ — pay, fail or abandon a pending transaction.

    Form field `action`: `pay`, `fail` or `abandon`. A paid or failed transaction is then
    confirmed to the province (paymentconfirm) in the background.
    """
    tx = _find(portal, request)
    if tx is None:
        return _not_found()
    try:
        raw = await read_body(request, _MAX_FORM_BYTES)
    except WireError as error:
        return _message("Yêu cầu không hợp lệ", error.message, 413)
    try:
        form = parse_qs(raw.decode("utf-8"), max_num_fields=8)
    except (UnicodeDecodeError, ValueError):
        form = {}
    outcome = ACTIONS.get((form.get("action") or [""])[0])
    if outcome is None:
        return _message(
            "Yêu cầu không hợp lệ",
            "Chọn Thanh toán, Thất bại hoặc Hủy (action: pay, fail, abandon).",
            400,
        )
    try:
        settled = portal.payments.settle(tx, outcome)
        now = portal.store.payments.by_id(tx.id) or tx
    except StoreError:
        return _message("Tạm thời không xử lý được", "Vui lòng thử lại sau.", 503)
    if not settled:
        return _page(now, _bill(now) + _status(now, "Giao dịch này đã được xử lý trước đó."), 409)
    return _page(now, _status(now, _DONE[outcome]) + _bill(now) + _back(now))


def _find(portal: Portal, request: Request) -> PaymentTransaction | None:
    token = request.path_params.get("token", "")
    if not token or len(token) > 64:
        return None
    return portal.store.payments.by_token(token)


def _bill(tx: PaymentTransaction) -> str:
    bill = tx.bill
    rows = [
        ("Mã giao dịch", tx.transaction_id),
        ("Mã giao dịch nền tảng", tx.transaction_code),
        ("Mã hồ sơ", _text(bill, "MaHoSo")),
        ("Thủ tục hành chính", _text(bill, "TenTTHC") or _text(bill, "MaTTHC")),
        ("Đơn vị thu", _text(bill, "TenDonVi") or _text(bill, "MaDonVi")),
        ("Người nộp", _text(bill, "HoTenNguoiNop")),
        ("Nội dung thanh toán", _text(bill, "NoiDungThanhToan") or tx.description),
        (
            "Tài khoản thụ hưởng",
            " — ".join(
                part for part in (_text(bill, "TenTKThuHuong"), _text(bill, "TKThuHuong")) if part
            ),
        ),
    ]
    lines = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in rows
        if value
    )
    fees = bill.get("PhiLePhi")
    fee_rows = ""
    for fee in fees if isinstance(fees, list) else []:
        if not isinstance(fee, dict):
            continue
        name = _text(fee, "TenPhiLePhi") or "Phí, lệ phí"
        amount = _amount(fee.get("SoTien"))
        fee_rows += f'<tr><th>{escape(name)}</th><td class="amount">{escape(amount)}</td></tr>'
    return (
        '<h2>Thông tin thanh toán</h2><table aria-label="Hoá đơn">'
        + lines
        + "</table>"
        + '<table aria-label="Các khoản phí, lệ phí"><tr><th>Khoản phí, lệ phí</th>'
        + '<th class="amount">Số tiền</th></tr>'
        + fee_rows
        + f'<tr class="total"><th>Tổng cộng</th><td class="amount">{escape(vnd(tx.amount))}'
        + "</td></tr></table>"
    )


def _form(tx: PaymentTransaction) -> str:
    buttons = "".join(
        f'<button type="submit" name="action" value="{value}" class="{value}">{label}</button>'
        for value, label in _BUTTONS
    )
    return (
        f'<form method="post" action="{escape(tx.token)}"><div class="buttons">{buttons}</div>'
        "</form>"
    )


def _status(tx: PaymentTransaction, note: str = "") -> str:
    text = f"Trạng thái: {STATUS_TEXT[tx.status]}." + (f" {note}" if note else "")
    return f'<p class="status" role="status">{escape(text)}</p>'


def _back(tx: PaymentTransaction) -> str:
    url = tx.return_url
    if not url.startswith(("http://", "https://")):  # never a javascript: or data: link
        return ""
    return f'<p><a href="{escape(url)}">Quay về cổng dịch vụ công của cơ quan</a></p>'


def _page(tx: PaymentTransaction, content: str, status: int = 200) -> Response:
    title = f"Thanh toán {vnd(tx.amount)} — giao dịch {tx.transaction_id}"
    return _document(title, content, status)


def _document(title: str, content: str, status: int) -> Response:
    html = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        "<header><h1>Nền tảng thanh toán trực tuyến</h1>"
        "<p>Cổng Dịch vụ công quốc gia — môi trường giả lập (portalsim), không có tiền thật"
        "</p></header>"
        f"<main>{content}</main>"
        "<footer>portalsim: trang thanh toán giả lập cho kiểm thử tích hợp</footer>"
        "</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def _message(title: str, text: str, status: int) -> Response:
    return _document(title, f"<h2>{escape(title)}</h2><p>{escape(text)}</p>", status)


def _not_found() -> Response:
    return _message(
        "Không tìm thấy giao dịch", "Đường dẫn thanh toán không đúng hoặc đã hết hiệu lực.", 404
    )


def _text(container: dict[str, Any], key: str) -> str:
    value = container.get(key)
    return value if isinstance(value, str) else ""


def _amount(value: object) -> str:
    amount = amount_of(value)
    return vnd(amount) if amount is not None else str(value)
