"""The payment platform ("Nền tảng thanh toán trực tuyến", domain.md §4) of the mock portal.

- province → platform: `POST /api/pay/createtransaction`, `POST /api/pay/transactiondetail`
  (`_api`), answered `{"error": "0", …}` or a code of `PayError` (`_codes`);
- the payer: `GET /pay/{token}` shows the bill, `POST /pay/{token}` pays, fails or abandons it
  (`_page`);
- platform → province: the `paymentconfirm` callback, retried with a doubling backoff, and
  `dptracuuthanhtoanhs`, each journaled with the province's answer and its findings
  (`_outbound`, run by `_dispatcher` on its own thread);
- the operator: settle many, deliver a forged or duplicate confirmation, look a dossier up,
  reconcile per province (`_admin`, `_reconcile`).

`Portal` builds the `PaymentPlatform`; `mock_portal.app` mounts `payment_routes` and the
operator API mounts `payment_admin_routes`. The hash keys stay in the configuration: they are
never stored, journaled, logged or answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_portal.payments import _api, _page
from mock_portal.payments._admin import payment_routes as payment_admin_routes
from mock_portal.payments._codes import PAY_CODES, PayError, codes_table
from mock_portal.payments._page import vnd
from mock_portal.payments._platform import PaymentPlatform, payment_keys

if TYPE_CHECKING:
    from mock_portal._portal import Portal

CREATE_PATH = "/api/pay/createtransaction"
DETAIL_PATH = "/api/pay/transactiondetail"
PAGE_PATH = "/pay/{token}"

__all__ = [
    "CREATE_PATH",
    "DETAIL_PATH",
    "PAGE_PATH",
    "PAY_CODES",
    "PayError",
    "PaymentPlatform",
    "codes_table",
    "payment_admin_routes",
    "payment_keys",
    "payment_routes",
    "vnd",
]


class _Endpoints:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    async def create(self, request: Request) -> Response:
        return await _api.handle_create(self.portal, request)

    async def detail(self, request: Request) -> Response:
        return await _api.handle_detail(self.portal, request)

    async def show(self, request: Request) -> Response:
        """Trang thanh toán — the payment page of one transaction.

        Self-contained HTML: the bill (fees, payer, dossier, amounts in VND) and, while the
        transaction is pending, the buttons Thanh toán (pay), Thất bại (fail) and Hủy (abandon).
        """
        return await _page.show(self.portal, request)

    async def act(self, request: Request) -> Response:
        """Thanh toán, thất bại hoặc huỷ — settle a pending transaction from its page.

        Form (`application/x-www-form-urlencoded`) field `action`: `pay`, `fail` or `abandon`.
        A paid or failed transaction is then confirmed to the province (paymentconfirm).
        """
        return await _page.act(self.portal, request)


def payment_routes(portal: Portal) -> list[Route]:
    """The payment platform's public routes: the two calls and the payer's page."""
    endpoints = _Endpoints(portal)
    return [
        Route(CREATE_PATH, endpoints.create, methods=["POST"]),
        Route(DETAIL_PATH, endpoints.detail, methods=["POST"]),
        Route(PAGE_PATH, endpoints.show, methods=["GET"]),
        Route(PAGE_PATH, endpoints.act, methods=["POST"]),
    ]
