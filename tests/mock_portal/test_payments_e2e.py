"""End to end over real sockets: a small province on 127.0.0.1 (Starlette under uvicorn, in a
thread) receives the platform's confirmations and lookups, checks them as OpenCPS does, and
the portal judges how it answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mock_portal.config import PaymentSettings
from tests.mock_portal._payments import (
    CLIENT_ID,
    DOSSIER,
    confirmation_checksum,
    create,
    create_body,
    findings_of,
    paying_portal,
    settled_confirmation,
    sync_dossier,
    token_of,
    wait_for,
)
from tests.mock_portal.conftest import PortalFactory

TOKEN = "operator-token-for-the-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Province:
    """A province's payment endpoints. Careful: checks check_sum with hash_key_2 and answers a
    repeated confirmation as the first time. Careless: acknowledges any body it has not seen,
    forged or not, and refuses one it has ("already processed"). `unavailable` first calls are
    answered 503."""

    careful: bool = True
    unavailable: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    answered: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def confirm(self, request: Request) -> Response:
        body = json.loads(await request.body())
        self.received.append(body)
        if self.unavailable > 0:
            self.unavailable -= 1
            return Response("bảo trì", status_code=503)
        if self.careful and body["check_sum"] != confirmation_checksum(body):
            return JSONResponse({"return_code": -1, "return_msg": "error: check_sum invalid"})
        # careful: one answer per transaction; careless: a new one per body it has not seen
        seen = body["transaction_id"] if self.careful else body["check_sum"]
        if seen in self.answered:
            if self.careful:
                return JSONResponse(self.answered[seen])
            return JSONResponse({"return_code": -1, "return_msg": "error: đã xử lý"})
        self.answered[seen] = {"return_code": 0, "return_msg": "success"}
        return JSONResponse(self.answered[seen])

    async def lookup(self, request: Request) -> Response:
        code = json.loads(await request.body())["MaHoSo"]
        bill = create_body()["bill_info"] | {"MaHoSo": code, "MaTraCuuTT": code + "20260302090000"}
        return JSONResponse({"error_code": 1, "message": bill})


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, list[Province]]]:
    """One loopback server for the module; each test installs its own `Province`."""
    current: list[Province] = [Province()]

    async def confirm(request: Request) -> Response:
        return await current[0].confirm(request)

    async def lookup(request: Request) -> Response:
        return await current[0].lookup(request)

    app = Starlette(
        routes=[
            Route("/kpdvcqg/paymentconfirm", confirm, methods=["POST"]),
            Route("/kpdvcqg/dptracuuthanhtoanhs", lookup, methods=["POST"]),
        ]
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the province did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/kpdvcqg/", current
    server.should_exit = True
    thread.join(10)


def test_a_careful_province_passes_every_check(
    make_portal: PortalFactory, served: tuple[str, list[Province]]
) -> None:
    """Created over the API and paid on the page, the payment is confirmed after two 503s,
    delivered again on purpose and answered alike; a forged confirmation is refused; the lookup
    is answered with the bill: no finding on the province's side."""
    url, current = served
    province = current[0] = Province(unavailable=2)
    settings = PaymentSettings(
        callback_attempts=4, callback_backoff=timedelta(milliseconds=10), duplicate_rate=1.0
    )
    portal, client = paying_portal(
        make_portal, callback_url=url, settings=settings, operator_token=TOKEN
    )
    portal.operator_token()
    sync_dossier(client)
    answer = create(client, create_body())
    client.post(f"/pay/{token_of(answer)}", content=b"action=pay", headers=FORM)
    assert settled_confirmation(portal) == "acknowledged"
    tx = portal.store.payments.get(CLIENT_ID, "260302000001")
    assert tx is not None
    wait_for(lambda: len(portal.store.payments.attempts(tx.id)) == 4)
    assert len(province.received) == 4
    assert province.received[0] == province.received[3]
    tampered = client.post(
        "/admin/payments/260302000001/callback", json={"tamper": True}, headers=AUTH
    ).json()
    assert tampered["result"] == "rejected"
    lookup = client.post("/admin/payments/lookup", json={"MaHoSo": DOSSIER}, headers=AUTH).json()
    assert lookup["http_status"] == 200
    assert lookup["findings"] == []
    confirm_rules = [rule for rule, _ in findings_of(portal, "pay-paymentconfirm")]
    assert confirm_rules == ["PAY-020", "PAY-020"]  # the two 503s, retried
    reconciled = client.get("/admin/payments/reconciliation/38", headers=AUTH).json()
    assert reconciled["callbacks"]["acknowledged"] == 1
    assert reconciled["callbacks"]["duplicated"] == 1
    assert reconciled["callbacks"]["duplicates_acknowledged"] == 1
    assert reconciled["callbacks"]["tampered_accepted"] == 0


def test_a_careless_province_is_caught(
    make_portal: PortalFactory, served: tuple[str, list[Province]]
) -> None:
    """A province that skips the checksum and is not idempotent gets PAY-022 for the forged
    confirmation and PAY-023 for the duplicate, and its scorecard shows them."""
    url, current = served
    current[0] = Province(careful=False)
    portal, client = paying_portal(
        make_portal,
        callback_url=url,
        operator_token=TOKEN,
        settings=PaymentSettings(callback_backoff=timedelta(milliseconds=10)),
    )
    portal.operator_token()
    sync_dossier(client)
    answer = create(client, create_body())
    client.post(f"/pay/{token_of(answer)}", content=b"action=pay", headers=FORM)
    assert settled_confirmation(portal) == "acknowledged"
    path = "/admin/payments/260302000001/callback"
    duplicate = client.post(path, json={"duplicate": True}, headers=AUTH).json()
    assert [f["rule"] for f in duplicate["attempts"][0]["findings"]] == ["PAY-023"]
    tampered = client.post(path, json={"tamper": True}, headers=AUTH).json()
    assert [f["rule"] for f in tampered["attempts"][0]["findings"]] == ["PAY-022"]
    card = client.get("/admin/scorecards/38", headers=AUTH).json()
    failed = {line["rule"]: line["failed"] for line in card["rules"]}
    assert (failed["PAY-022"], failed["PAY-023"]) == (1, 1)
    assert card["payments"]["succeeded"] == 1
