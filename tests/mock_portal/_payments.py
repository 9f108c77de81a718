"""Helpers for the payment platform's tests: a client, signed bodies, a synced dossier, waiting."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import httpx

from contracts.payments import create_checksum, detail_checksum, sign
from mock_portal._portal import Portal
from mock_portal.config import PaymentClient, PaymentSettings
from tests.mock_portal._client import INTEGRATION, body, login
from tests.mock_portal.conftest import PortalFactory, TestClient
from tests.simulator._captures import TEMPLATES

CREATE = "/api/pay/createtransaction"
DETAIL = "/api/pay/transactiondetail"
CLIENT_ID = "H56_MOTCUA"
UNIT = "000.00.00.H56"
KEY_1 = "test-hash-key-1-of-thanh-hoa"
KEY_2 = "test-hash-key-2-of-thanh-hoa"
DOSSIER = "000.00.14.H56-260302-0001"
PROVINCE_URL = "http://province.test/kpdvcqg/"
#: tiny backoffs and timeouts, so retries take milliseconds
FAST = PaymentSettings(
    callback_attempts=3,
    callback_backoff=timedelta(milliseconds=10),
    callback_timeout=timedelta(seconds=2),
)

T = TypeVar("T")


def client_config(callback_url: str | None = PROVINCE_URL) -> PaymentClient:
    return PaymentClient(CLIENT_ID, UNIT, KEY_1, KEY_2, callback_url)


def paying_portal(
    make_portal: PortalFactory,
    mode: str = "lenient",
    callback_url: str | None = PROVINCE_URL,
    settings: PaymentSettings = FAST,
    **config: Any,
) -> tuple[Portal, TestClient]:
    """A portal with Thanh Hóa's payment client and fast callbacks."""
    return make_portal(
        mode,
        payment_clients=(client_config(callback_url),),
        payments=settings,
        **config,
    )


def create_body(
    transaction_id: str = "260302000001", *, key: str = KEY_1, sign_it: bool = True, **changes: Any
) -> dict[str, Any]:
    """The template createtransaction, changed (`bill_<field>` for bill_info) and signed."""
    message = copy.deepcopy(TEMPLATES["paycreate"])
    message["transaction_id"] = transaction_id
    for name, value in changes.items():
        if name.startswith("bill_"):
            message["bill_info"][name.removeprefix("bill_")] = value
        else:
            message[name] = value
    if sign_it:
        checksum = create_checksum(key.encode(), message)
        assert checksum is not None
        message["check_sum"] = checksum
    return message


def detail_body(transaction_id: str = "260302000001", *, key: str = KEY_1) -> dict[str, Any]:
    message = {"client_id": CLIENT_ID, "transaction_id": transaction_id, "command": "PAY"}
    checksum = detail_checksum(key.encode(), message)
    assert checksum is not None
    return {**message, "check_sum": checksum}


def confirmation_checksum(body: dict[str, Any], key: str = KEY_2) -> str:
    """What a province computes to check a paymentconfirm."""
    fields = ("addition_fee", "client_id", "command", "trans_amount", "transaction_id", "version")
    return sign(key.encode(), [str(body[name]) for name in fields])


def sync_dossier(
    client: TestClient, code: str = DOSSIER, status: str = "2", procedure: str = "2.000815"
) -> None:
    """The province syncs the dossier, so the portal has it (at `status`)."""
    session = login(client)
    message = body("dongbo", session, data_MaHoSo=code, data_MaTTHC=procedure)
    answer = client.post(INTEGRATION, json=message)
    assert answer.status_code == 200, answer.text
    if status != "2":
        update = body(
            "capnhat",
            session,
            data_MaHoSo=code,
            data_TrangThai=status,
            data_ThoiDiemXuLy="20260302083030",
        )
        answer = client.post(INTEGRATION, json=update)
        assert answer.status_code == 200, answer.text


def create(client: TestClient, message: dict[str, Any]) -> httpx.Response:
    return client.post(CREATE, json=message)


def token_of(answer: httpx.Response) -> str:
    url: str = answer.json()["payment_url"]
    return url.rsplit("/", 1)[1]


def wait_for(probe: Callable[[], T | None], timeout: float = 10.0) -> T:
    """The first truthy result of `probe`, polling until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout} s")
        time.sleep(0.01)


def settled_confirmation(portal: Portal, transaction_id: str = "260302000001") -> str:
    """Wait until the transaction's confirmation is no longer being delivered; its state."""

    def done() -> str | None:
        tx = portal.store.payments.get(CLIENT_ID, transaction_id)
        state = tx.confirmation if tx is not None else None
        return state if state not in (None, "delivering") else None

    return wait_for(done)


def findings_of(portal: Portal, kind: str) -> list[tuple[str, str]]:
    """(rule, path) of every finding journaled on messages of `kind`, oldest first."""
    found = []
    for entry in portal.store.iter_journal():
        if entry.kind == kind:
            found += [(finding.rule, finding.path) for finding in entry.findings]
    return found
