"""The payer's page: a self-contained, escaped bill with Thanh toán / Thất bại / Hủy."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from mock_portal._portal import Portal
from mock_portal.payments import vnd
from tests.mock_portal._payments import (
    CLIENT_ID,
    DETAIL,
    create,
    create_body,
    detail_body,
    paying_portal,
    sync_dossier,
    token_of,
)
from tests.mock_portal.conftest import PortalFactory, TestClient

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
INJECTED = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class _Page(HTMLParser):
    """Tags, attributes and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: httpx.Response) -> _Page:
    parsed = _Page()
    parsed.feed(page.text)
    return parsed


@pytest.fixture
def paying(make_portal: PortalFactory) -> tuple[Portal, TestClient]:
    """A lenient portal with the payment client (no callback URL: nothing is delivered)."""
    portal, client = paying_portal(make_portal, callback_url=None)
    sync_dossier(client)
    return portal, client


def page_of(client: TestClient, **changes: object) -> tuple[str, httpx.Response]:
    """Create a transaction and open its payment page: (token, page)."""
    answer = create(client, create_body(**changes))  # type: ignore[arg-type]
    assert answer.json()["error"] == "0", answer.text
    token = token_of(answer)
    return token, client.get(f"/pay/{token}")


def test_amounts_are_written_the_vietnamese_way() -> None:
    """Thousands are separated by dots and the đồng sign follows: 50.000 ₫."""
    assert vnd(50000) == "50.000 ₫"
    assert vnd(1234567) == "1.234.567 ₫"
    assert vnd(0) == "0 ₫"


def test_page_shows_the_bill_in_vietnamese(paying: tuple[Portal, TestClient]) -> None:
    """The page names the dossier, payer and fee, totals 2.000 ₫ and offers the three buttons."""
    _portal, client = paying
    _token, page = page_of(client)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    text = " ".join(parse(page).text)
    for shown in (
        "000.00.14.H56-260302-0001",
        "Nguyễn Văn An",
        "Lệ phí chứng thực",
        "Tổng cộng",
        "2.000 ₫",
        "Thanh toán",
        "Thất bại",
        "Hủy",
    ):
        assert shown in text, shown
    assert re.search(r'<form method="post" action="[\w-]+">', page.text)


def test_page_is_self_contained(paying: tuple[Portal, TestClient]) -> None:
    """No script, no external resource, and a policy that allows none."""
    _portal, client = paying
    _token, page = page_of(client)
    parsed = parse(page)
    assert "script" not in parsed.tags
    assert not [value for name, value in parsed.attributes if name in ("src", "href")]
    assert "http://" not in page.text.replace("http://portal.test", "")
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_injected_text_is_escaped(paying: tuple[Portal, TestClient]) -> None:
    """Markup in the bill is shown as text, never interpreted; a javascript: return URL is
    never linked."""
    _portal, client = paying
    token, page = page_of(
        client,
        bill_HoTenNguoiNop=INJECTED,
        bill_TenTTHC='"><b>x</b>',
        return_url="javascript:alert(1)",
    )
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "<b>x</b>" not in page.text
    assert INJECTED in " ".join(parse(page).text)
    done = client.post(f"/pay/{token}", content=b"action=pay", headers=FORM)
    assert "javascript:" not in done.text


@pytest.mark.parametrize(
    ("action", "status", "detail_status"),
    [("pay", "paid", "0"), ("fail", "failed", "2"), ("abandon", "abandoned", "3")],
)
def test_each_button_settles_the_transaction(
    paying: tuple[Portal, TestClient], action: str, status: str, detail_status: str
) -> None:
    """Thanh toán, Thất bại and Hủy settle it as paid, failed and abandoned, once."""
    portal, client = paying
    token, _page = page_of(client)
    done = client.post(f"/pay/{token}", content=f"action={action}".encode(), headers=FORM)
    assert done.status_code == 200
    tx = portal.store.payments.get(CLIENT_ID, "260302000001")
    assert tx is not None
    assert tx.status == status
    assert client.post(DETAIL, json=detail_body()).json()["status"] == detail_status
    again = client.post(f"/pay/{token}", content=b"action=pay", headers=FORM)
    assert again.status_code == 409
    assert "đã được xử lý" in again.text
    settled = client.get(f"/pay/{token}")
    assert "<button" not in settled.text


def test_paid_page_links_back_to_the_province(paying: tuple[Portal, TestClient]) -> None:
    """After paying, the page links to the province's return_url."""
    _portal, client = paying
    token, _page = page_of(client)
    done = client.post(f"/pay/{token}", content=b"action=pay", headers=FORM)
    assert "Thanh toán thành công" in done.text
    assert 'href="https://dichvucong.thanhhoa.gov.vn/thanh-toan/ket-qua"' in done.text


@pytest.mark.parametrize("form", [b"", b"action=steal", b"\xff\xfe"])
def test_a_bad_form_changes_nothing(paying: tuple[Portal, TestClient], form: bytes) -> None:
    """A form without a known action is a 400 page; the transaction stays pending."""
    portal, client = paying
    token, _page = page_of(client)
    answer = client.post(f"/pay/{token}", content=form, headers=FORM)
    assert answer.status_code == 400
    tx = portal.store.payments.get(CLIENT_ID, "260302000001")
    assert tx is not None
    assert tx.status == "pending"


def test_unknown_token_is_a_404_page(paying: tuple[Portal, TestClient]) -> None:
    """A made-up token shows "Không tìm thấy giao dịch" and settles nothing."""
    _portal, client = paying
    assert client.get("/pay/made-up").status_code == 404
    answer = client.post("/pay/made-up", content=b"action=pay", headers=FORM)
    assert answer.status_code == 404
    assert "Không tìm thấy giao dịch" in answer.text
