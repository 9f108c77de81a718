"""Platform → province: paymentconfirm retried until acknowledged, forged and duplicate
deliveries, and dptracuuthanhtoanhs, each journaled and judged (the province stubbed by respx)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from mock_portal._portal import Portal
from mock_portal.config import PaymentSettings, PortalConfig
from mock_portal.store import Store
from tests.mock_portal._payments import (
    CLIENT_ID,
    DOSSIER,
    FAST,
    PROVINCE_URL,
    client_config,
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
from tests.mock_portal.conftest import UNITS, Clock, PortalFactory, TestClient

TOKEN = "operator-token-for-the-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CONFIRM_URL = PROVINCE_URL + "paymentconfirm"
LOOKUP_URL = PROVINCE_URL + "dptracuuthanhtoanhs"
OK = {"return_code": 0, "return_msg": "success"}
REFUSED = {"return_code": -1, "return_msg": "error: check_sum invalid"}


@pytest.fixture
def province() -> Iterator[respx.MockRouter]:
    """The province's endpoints, stubbed for every thread (the platform calls from its own)."""
    with respx.mock(assert_all_called=False) as router:
        yield router


def opened(
    make_portal: PortalFactory, settings: PaymentSettings = FAST
) -> tuple[Portal, TestClient]:
    portal, client = paying_portal(make_portal, settings=settings, operator_token=TOKEN)
    portal.operator_token()
    sync_dossier(client)
    return portal, client


def pay(client: TestClient, action: str = "pay", transaction_id: str = "260302000001") -> None:
    """Create a transaction and settle it on its page."""
    answer = create(client, create_body(transaction_id))
    assert answer.json()["error"] == "0", answer.text
    done = client.post(
        f"/pay/{token_of(answer)}", content=f"action={action}".encode(), headers=FORM
    )
    assert done.status_code == 200


def sent(route: respx.Route, index: int = -1) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(route.calls[index].request.content)
    return body


def verifying(request: httpx.Request) -> httpx.Response:
    """A careful province: checks the checksum with hash_key_2, answers -1 when it is wrong."""
    body = json.loads(request.content)
    good = body["check_sum"] == confirmation_checksum(body)
    return httpx.Response(200, json=OK if good else REFUSED)


def test_confirmation_is_retried_until_acknowledged_then_stops(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """503, then return_code -1, then 0: three attempts, then no more; the first two are
    PAY-020 warnings, and the confirmation carries a valid hash_key_2 checksum and status 0."""
    route = province.post(CONFIRM_URL).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json=REFUSED),
            httpx.Response(200, json=OK),
        ]
    )
    portal, client = opened(make_portal)
    pay(client)
    assert settled_confirmation(portal) == "acknowledged"
    time.sleep(0.1)
    assert route.call_count == 3
    body = sent(route)
    assert body["check_sum"] == confirmation_checksum(body)
    assert (body["status"], body["transaction_id"], body["MaHoSo"]) == (
        "0",
        "260302000001",
        DOSSIER,
    )
    assert all(sent(route, i) == body for i in range(3))
    tx = portal.store.payments.get(CLIENT_ID, "260302000001")
    assert tx is not None
    outcomes = [attempt.outcome for attempt in portal.store.payments.attempts(tx.id)]
    assert outcomes == ["failed", "rejected", "acknowledged"]
    assert [rule for rule, _ in findings_of(portal, "pay-paymentconfirm")] == ["PAY-020", "PAY-020"]
    rows = [e for e in portal.store.iter_journal() if e.kind == "pay-paymentconfirm"]
    assert [(row.status_code, row.accepted) for row in rows] == [
        (503, False),
        (200, False),
        (200, True),
    ]
    assert rows[0].path == CONFIRM_URL
    assert rows[0].province == "38"


def test_a_province_that_never_acknowledges_is_given_up_on(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """After callback_attempts unanswered attempts the platform stops and records PAY-021."""
    route = province.post(CONFIRM_URL).mock(return_value=httpx.Response(500, text="oops"))
    portal, client = opened(make_portal)
    pay(client)
    assert settled_confirmation(portal) == "given_up"
    time.sleep(0.1)
    assert route.call_count == FAST.callback_attempts
    rules = [rule for rule, _ in findings_of(portal, "pay-paymentconfirm")]
    assert rules.count("PAY-020") == FAST.callback_attempts
    assert rules.count("PAY-021") == 1


def test_failed_payment_is_confirmed_with_status_2(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """A payment that failed on the page is confirmed too, with status "2"."""
    route = province.post(CONFIRM_URL).mock(return_value=httpx.Response(200, json=OK))
    portal, client = opened(make_portal)
    pay(client, "fail")
    assert settled_confirmation(portal) == "acknowledged"
    assert sent(route)["status"] == "2"


def test_abandoned_payment_is_not_confirmed(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """A payer who gives up causes no callback."""
    route = province.post(CONFIRM_URL).mock(return_value=httpx.Response(200, json=OK))
    portal, client = opened(make_portal)
    pay(client, "abandon")
    time.sleep(0.2)
    assert route.call_count == 0
    tx = portal.store.payments.get(CLIENT_ID, "260302000001")
    assert tx is not None
    assert tx.confirmation is None


def test_forged_confirmation_refused_by_a_careful_province_is_no_finding(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """The operator's tampered delivery, answered -1 by a province that checks, is fine."""
    province.post(CONFIRM_URL).mock(side_effect=verifying)
    portal, client = opened(make_portal)
    pay(client)
    assert settled_confirmation(portal) == "acknowledged"
    answer = client.post(
        "/admin/payments/260302000001/callback", json={"tamper": True}, headers=AUTH
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["purpose"], report["result"]) == ("tampered", "rejected")
    assert report["attempts"][0]["answer"] == REFUSED
    assert report["attempts"][0]["findings"] == []


def test_forged_confirmation_accepted_by_a_careless_province_is_pay_022(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """A province that acknowledges a confirmation with a forged check_sum gets PAY-022."""
    route = province.post(CONFIRM_URL).mock(return_value=httpx.Response(200, json=OK))
    portal, client = opened(make_portal)
    pay(client)
    settled_confirmation(portal)
    answer = client.post(
        "/admin/payments/260302000001/callback", json={"tamper": True}, headers=AUTH
    )
    forged = sent(route)
    assert forged["check_sum"] != confirmation_checksum(forged)
    assert [f["rule"] for f in answer.json()["attempts"][0]["findings"]] == ["PAY-022"]
    assert ("PAY-022", "$.return_code") in findings_of(portal, "pay-paymentconfirm")


def test_duplicates_are_delivered_on_purpose_and_must_get_the_same_answer(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """With duplicate_rate 1 every confirmation is sent twice, byte for byte; a province that
    answers the second differently (not idempotent) gets PAY-023."""
    route = province.post(CONFIRM_URL).mock(
        side_effect=[
            httpx.Response(200, json=OK),
            httpx.Response(200, json={"return_code": -1, "return_msg": "đã xử lý"}),
        ]
    )
    settings = PaymentSettings(
        callback_attempts=3, callback_backoff=timedelta(milliseconds=10), duplicate_rate=1.0
    )
    portal, client = opened(make_portal, settings)
    pay(client)
    tx = portal.store.payments.get(CLIENT_ID, "260302000001")
    assert tx is not None
    wait_for(lambda: len(portal.store.payments.attempts(tx.id)) == 2)
    assert route.calls[0].request.content == route.calls[1].request.content
    purposes = [attempt.purpose for attempt in portal.store.payments.attempts(tx.id)]
    assert purposes == ["confirm", "duplicate"]
    assert [rule for rule, _ in findings_of(portal, "pay-paymentconfirm")] == ["PAY-023"]


def test_an_idempotent_province_passes_the_operators_duplicate(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """The operator's duplicate, answered 0 again, raises nothing; before any acknowledgement
    there is nothing to repeat (400)."""
    route = province.post(CONFIRM_URL).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json=OK),
            httpx.Response(200, json=OK),
        ]
    )
    portal, client = opened(make_portal, PaymentSettings(callback_attempts=1))
    pay(client)
    assert settled_confirmation(portal) == "given_up"
    path = "/admin/payments/260302000001/callback"
    assert client.post(path, json={"duplicate": True}, headers=AUTH).status_code == 400
    resend = client.post(path, json={}, headers=AUTH)
    assert resend.status_code == 202
    assert settled_confirmation(portal) == "acknowledged"
    again = client.post(path, json={"duplicate": True}, headers=AUTH).json()
    assert (again["purpose"], again["result"]) == ("duplicate", "acknowledged")
    assert again["attempts"][0]["findings"] == []
    assert route.call_count == 3


def test_lookup_asks_the_province_and_judges_its_bill(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """dptracuuthanhtoanhs posts MaHoSo; a consistent bill raises nothing, a bill of another
    dossier is PAY-024 and an HTTP error too; each call is journaled."""
    bill = create_body()["bill_info"] | {"MaTraCuuTT": DOSSIER + "20260302090000"}
    route = province.post(LOOKUP_URL).mock(
        side_effect=[
            httpx.Response(200, json={"error_code": 1, "message": bill}),
            httpx.Response(200, json={"error_code": 1, "message": bill | {"MaHoSo": "x"}}),
            httpx.Response(502),
        ]
    )
    portal, client = opened(make_portal)
    reports = [
        client.post("/admin/payments/lookup", json={"MaHoSo": DOSSIER}, headers=AUTH).json()
        for _ in range(3)
    ]
    assert json.loads(route.calls[0].request.content) == {"MaHoSo": DOSSIER}
    assert reports[0]["findings"] == []
    assert reports[0]["answer"]["error_code"] == 1
    assert "PAY-024" in [f["rule"] for f in reports[1]["findings"]]
    assert [f["rule"] for f in reports[2]["findings"]] == ["PAY-024"]
    assert [rule for rule, _ in findings_of(portal, "pay-dptracuuthanhtoanhs")].count(
        "PAY-024"
    ) == 2


def test_lookup_answer_is_checked_against_the_contract(
    make_portal: PortalFactory, province: respx.MockRouter
) -> None:
    """An answer without error_code breaks the pay-dptracuuthanhtoanhs-response schema."""
    province.post(LOOKUP_URL).mock(return_value=httpx.Response(200, json={"message": []}))
    _portal, client = opened(make_portal)
    report = client.post("/admin/payments/lookup", json={"MaHoSo": DOSSIER}, headers=AUTH).json()
    assert ("SC-001", "$.error_code") in [(f["rule"], f["path"]) for f in report["findings"]]


def test_shutdown_cuts_the_retries_short(tmp_path: Path, province: respx.MockRouter) -> None:
    """A portal closed while a confirmation waits an hour for its retry closes at once, and
    the confirmation is recorded as interrupted."""
    province.post(CONFIRM_URL).mock(return_value=httpx.Response(503))
    url = f"sqlite:///{tmp_path}/portal.db"
    settings = PaymentSettings(callback_attempts=5, callback_backoff=timedelta(hours=1))
    config = PortalConfig(units=UNITS, payment_clients=(client_config(),), payments=settings)
    portal = Portal(url, config, clock=Clock())
    portal.start()
    client = TestClient(portal)
    sync_dossier(client)
    pay(client)
    tx = portal.store.payments.get(CLIENT_ID, "260302000001")
    assert tx is not None
    wait_for(lambda: portal.store.payments.attempts(tx.id))
    started = time.monotonic()
    client.close()
    portal.close()
    assert time.monotonic() - started < 5
    with Store.open(url) as store:
        after = store.payments.get(CLIENT_ID, "260302000001")
        assert after is not None
        assert after.confirmation == "interrupted"
        assert len(store.payments.attempts(tx.id)) == 1
