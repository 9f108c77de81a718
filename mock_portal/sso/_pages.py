"""The provider's pages: the login page, the error page and the logged-out page.

Each page is one self-contained HTML document: no script, no external asset, its one style
inline and allowed by hash in its Content-Security-Policy. Everything that comes from a
request or the population is escaped. Labels are Vietnamese, as on the national portal.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from html import escape
from urllib.parse import urlsplit

from starlette.responses import HTMLResponse

from mock_portal.config import SsoClient
from simulator.domain import Account

#: the form field that marks a request as the login page's own answer (not the province's)
PAGE_MARK = "portalsim_login_page"

_STYLE = """
body{font-family:system-ui,"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#f3f5f8;
color:#1d2733}
header{background:#b4171d;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px}header p{margin:4px 0 0;font-size:13px;opacity:.9}
main{max-width:880px;margin:24px auto;padding:0 16px}
.box{background:#fff;border:1px solid #d9dee5;border-radius:6px;padding:16px 20px;
margin-bottom:16px}
h2{font-size:16px;margin:0 0 12px}
.accounts{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:8px}
button{text-align:left;background:#fff;border:1px solid #c8ced6;border-radius:4px;padding:8px 10px;
cursor:pointer;font:inherit}
button:hover,button:focus{border-color:#b4171d;outline:2px solid #f3c9cb}
button strong{display:block}button span{display:block;font-size:12px;color:#55606d}
.notice{border-color:#e0a800;background:#fff8e1}.error{border-color:#b4171d;background:#fdecec}
code{background:#eef1f5;padding:1px 4px;border-radius:3px}
footer{font-size:12px;color:#55606d;text-align:center;margin:24px 0}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode("utf-8")).digest()).decode("ascii")
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _policy(form_targets: Iterable[str] = ()) -> str:
    targets = " ".join(["'self'", *form_targets])
    return (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action {targets}; "
        "base-uri 'none'; frame-ancestors 'none'"
    )


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        "<header><h1>Cổng Dịch vụ công quốc gia</h1>"
        "<p>Hệ thống xác thực tập trung — bản giả lập portalsim</p></header>"
        f"<main>{body}</main>"
        "<footer>Cổng giả lập dùng để kiểm thử tích hợp; mọi tài khoản đều là dữ liệu tổng hợp."
        "</footer></body></html>"
    )


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def login_page(
    action: str,
    client: SsoClient,
    province: str | None,
    params: dict[str, str],
    accounts: Iterable[Account],
    *,
    notice: str | None = None,
) -> HTMLResponse:
    """Pick an account to log in as; each button answers the authorization request with it."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in params.items()
        if name not in ("login_hint", "prompt", PAGE_MARK)
    )
    hidden += f'<input type="hidden" name="{PAGE_MARK}" value="1">'
    citizens: list[str] = []
    businesses: list[str] = []
    for account in accounts:
        (citizens if account.is_citizen else businesses).append(_account_button(account))
    requested = params.get("acr_values", "")
    where = f" ({escape(province)})" if province else ""
    parts = [
        '<div class="box"><h2>Đăng nhập</h2>'
        f"<p>Ứng dụng <code>{escape(client.client_id)}</code> của đơn vị "
        f"<code>{escape(client.unit)}</code>{where} yêu cầu bạn đăng nhập.</p>"
        + (f"<p>Mức đảm bảo yêu cầu: <code>{escape(requested)}</code></p>" if requested else "")
        + "<p>Chọn một tài khoản để đăng nhập.</p></div>"
    ]
    if notice:
        parts.append(f'<div class="box notice">{escape(notice)}</div>')
    parts.append(f'<form method="post" action="{escape(action)}">{hidden}')
    if citizens:
        parts.append(
            '<div class="box"><h2>Công dân</h2><div class="accounts">'
            + "".join(citizens)
            + "</div></div>"
        )
    if businesses:
        parts.append(
            '<div class="box"><h2>Tổ chức, doanh nghiệp</h2><div class="accounts">'
            + "".join(businesses)
            + "</div></div>"
        )
    parts.append("</form>")
    headers = {**_HEADERS, "Content-Security-Policy": _policy([_origin(params["redirect_uri"])])}
    return HTMLResponse(
        _document("Đăng nhập — Cổng Dịch vụ công quốc gia", "".join(parts)), 200, headers
    )


def _account_button(account: Account) -> str:
    if account.is_citizen:
        number = f"Số định danh {account.citizen_id}"
    else:
        number = f"Mã số doanh nghiệp {account.enterprise_code}"
    levels = ", ".join(account.levels)
    return (
        f'<button type="submit" name="login_hint" value="{escape(account.tech_id)}">'
        f"<strong>{escape(account.name)}</strong>"
        f"<span>{escape(number)}</span><span>Mức xác thực: {escape(levels)}</span></button>"
    )


def error_page(error: str, description: str, status: int = 400) -> HTMLResponse:
    """An authorization or logout error that cannot go back to the application."""
    body = (
        '<div class="box error"><h2>Không thể xác thực</h2>'
        f"<p>Lỗi <code>{escape(error)}</code>: {escape(description)}</p>"
        "<p>Yêu cầu không hợp lệ hoặc địa chỉ quay lại của ứng dụng không được tin cậy, nên "
        "cổng không chuyển hướng về ứng dụng. Hãy báo cho đơn vị quản lý ứng dụng.</p></div>"
    )
    return HTMLResponse(
        _document("Lỗi xác thực — Cổng Dịch vụ công quốc gia", body),
        status,
        {**_HEADERS, "Content-Security-Policy": _policy()},
    )


def logged_out_page() -> HTMLResponse:
    body = '<div class="box"><h2>Đã đăng xuất</h2><p>Bạn đã đăng xuất khỏi ứng dụng.</p></div>'
    return HTMLResponse(
        _document("Đã đăng xuất — Cổng Dịch vụ công quốc gia", body),
        200,
        {**_HEADERS, "Content-Security-Policy": _policy()},
    )
