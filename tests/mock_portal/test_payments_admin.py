"""The payment platform's operator routes: settle many, reconciliation, scorecard measures."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import respx

from mock_portal._portal import Portal
from mock_portal.config import PaymentSettings, PortalConfig
from tests.mock_portal._payments import (
    CLIENT_ID,
    DOSSIER,
    KEY_1,
    KEY_2,
    PROVINCE_URL,
    client_config,
    create,
    create_body,
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
ROUTES = [
    ("POST", "/admin/payments/settle"),
    ("POST", "/admin/payments/lookup"),
    ("GET", "/admin/payments/reconciliation"),
    ("GET", "/admin/payments/reconciliation/38"),
    ("POST", "/admin/payments/260302000001/callback"),
]


def operated(
    make_portal: PortalFactory, callback_url: str | None = None, **settings: Any
) -> tuple[Portal, TestClient]:
    """A portal with the payment client (no callback URL unless given), its dossier synced."""
    payments = PaymentSettings(
        callback_attempts=2, callback_backoff=timedelta(milliseconds=10), **settings
    )
    portal, client = paying_portal(
        make_portal, callback_url=callback_url, settings=payments, operator_token=TOKEN
    )
    portal.operator_token()
    sync_dossier(client)
    return portal, client


def open_transactions(client: TestClient, count: int) -> list[str]:
    """`count` pending transactions of the synced dossier: their tokens."""
    tokens = []
    for index in range(count):
        answer = create(client, create_body(f"2603020000{index:02d}"))
        assert answer.json()["error"] == "0", answer.text
        tokens.append(token_of(answer))
    return tokens


def admin(client: TestClient, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
    answer = client.request(method, path, headers=AUTH, **kwargs)
    assert answer.status_code == status, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One SQLite portal for the tests of refused input, which changes nothing: they share it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('payments')}/portal.db"
    config = PortalConfig(units=UNITS, payment_clients=(client_config(None),), operator_token=TOKEN)
    portal = Portal(url, config, clock=Clock())
    portal.start()
    portal.operator_token()
    client = TestClient(portal)
    yield client
    client.close()
    portal.close()


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_payment_routes_need_the_operator_token(shared: TestClient, method: str, path: str) -> None:
    """Without the operator's token every payment route is a 401, like the rest of /admin."""
    answer = shared.request(method, path, json={})
    assert answer.status_code == 401
    assert "WWW-Authenticate" in answer.headers


def test_settle_many_applies_the_outcome_mix(make_portal: PortalFactory) -> None:
    """Settling 30 of 40 pending transactions pays and fails them in the given mix, oldest
    first, and the same seed draws the same outcomes."""
    portal, client = operated(make_portal)
    open_transactions(client, 40)
    body = {"count": 30, "outcomes": {"paid": 3, "failed": 1}, "seed": 7}
    result = admin(client, "POST", "/admin/payments/settle", json=body)
    assert result["settled"] == 30
    assert sum(result["by_outcome"].values()) == 30
    assert result["by_outcome"]["abandoned"] == 0
    assert 15 <= result["by_outcome"]["paid"] <= 29
    assert [t["transaction_id"] for t in result["transactions"]][:2] == [
        "260302000000",
        "260302000001",
    ]
    assert len(portal.store.payments.pending(100)) == 10
    rest = admin(client, "POST", "/admin/payments/settle", json={"count": 100})
    assert rest["settled"] == 10
    assert admin(client, "POST", "/admin/payments/settle", json={"count": 5})["settled"] == 0

    admin(client, "POST", "/admin/reset", json={})
    assert portal.store.payments.summaries() == []
    sync_dossier(client)
    open_transactions(client, 40)
    again = admin(client, "POST", "/admin/payments/settle", json=body)
    assert [t["status"] for t in again["transactions"]] == [
        t["status"] for t in result["transactions"]
    ]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({}, "count"),
        ({"count": 0}, "count"),
        ({"count": "5"}, "count"),
        ({"count": 5, "outcomes": {"paid": -1}}, "outcomes.paid"),
        ({"count": 5, "outcomes": {"lost": 1}}, "outcomes"),
        ({"count": 5, "outcomes": {"paid": 0}}, "outcomes"),
        ({"count": 5, "seed": "x"}, "seed"),
        ({"count": 5, "mix": {}}, "mix"),
    ],
)
def test_settle_refuses_bad_input_naming_the_key(
    shared: TestClient, body: dict[str, Any], named: str
) -> None:
    """Each bad body is a 400 whose message names the key."""
    message = admin(shared, "POST", "/admin/payments/settle", 400, json=body)["error"]
    assert named in message


def test_callback_route_refuses_what_cannot_be_confirmed(make_portal: PortalFactory) -> None:
    """An unknown transaction is a 404; a pending one, or both tamper and duplicate, a 400."""
    _portal, client = operated(make_portal)
    open_transactions(client, 1)
    path = "/admin/payments/{}/callback"
    admin(client, "POST", path.format("nope"), 404, json={})
    assert "pending" in admin(client, "POST", path.format("260302000000"), 400, json={})["error"]
    both = {"tamper": True, "duplicate": True}
    assert (
        "choose one" in admin(client, "POST", path.format("260302000000"), 400, json=both)["error"]
    )


def test_reconciliation_counts_transactions_amounts_and_callbacks(
    make_portal: PortalFactory,
) -> None:
    """Created, paid, failed, pending, abandoned with their amounts; confirmations acknowledged
    after a retry; per province by GSO or Hxx code, and empty for a province without payments."""
    with respx.mock(assert_all_called=False) as province:
        province.post(PROVINCE_URL + "paymentconfirm").mock(
            side_effect=[
                httpx.Response(503),
                httpx.Response(200, json={"return_code": 0}),
                httpx.Response(200, json={"return_code": 0}),
            ]
        )
        portal, client = operated(make_portal, callback_url=PROVINCE_URL)
        tokens = open_transactions(client, 4)
        for token, action in zip(tokens, ("pay", "fail", "abandon"), strict=False):
            client.post(f"/pay/{token}", content=f"action={action}".encode(), headers=FORM)
        for transaction_id in ("260302000000", "260302000001"):
            assert settled_confirmation(portal, transaction_id) == "acknowledged"
    everything = admin(client, "GET", "/admin/payments/reconciliation")
    [thanh_hoa] = everything["provinces"]
    assert everything["after"] == "1h"
    assert admin(client, "GET", "/admin/payments/reconciliation/H56") == {
        "after": "1h",
        **thanh_hoa,
    }
    assert thanh_hoa["province"]["code"] == "38"
    assert thanh_hoa["transactions"] == {
        "created": 4,
        "pending": 1,
        "paid": 1,
        "failed": 1,
        "abandoned": 1,
    }
    assert thanh_hoa["amounts"] == {
        "created": 8000,
        "pending": 2000,
        "paid": 2000,
        "failed": 2000,
        "abandoned": 2000,
    }
    callbacks = thanh_hoa["callbacks"]
    assert (callbacks["deliveries"], callbacks["acknowledged"], callbacks["given_up"]) == (2, 2, 0)
    assert (callbacks["attempts"], callbacks["retried"], callbacks["failed"]) == (3, 1, 1)
    assert (callbacks["duplicated"], callbacks["tampered"]) == (0, 0)
    assert thanh_hoa["mismatches"] == []
    hanoi = admin(client, "GET", "/admin/payments/reconciliation/01")
    assert hanoi["transactions"]["created"] == 0
    admin(client, "GET", "/admin/payments/reconciliation/99", 404)
    assert (
        "after" in admin(client, "GET", "/admin/payments/reconciliation?after=soon", 400)["error"]
    )


def test_paid_dossier_left_at_status_6_is_a_mismatch(
    make_portal: PortalFactory, clock: Clock
) -> None:
    """A dossier still at 6 (Yêu cầu thực hiện nghĩa vụ tài chính) an hour after its payment is
    listed; once the province moves it on (4, Đang xử lý) it is not."""
    _portal, client = operated(make_portal)
    sync_dossier(client, status="6")
    [token] = open_transactions(client, 1)
    client.post(f"/pay/{token}", content=b"action=pay", headers=FORM)
    assert admin(client, "GET", "/admin/payments/reconciliation/38")["mismatches"] == []
    clock.now += timedelta(hours=2)
    [mismatch] = admin(client, "GET", "/admin/payments/reconciliation/38")["mismatches"]
    assert (mismatch["MaHoSo"], mismatch["dossier_status"]) == (DOSSIER, "6")
    assert mismatch["dossier_status_label"] == "Yêu cầu thực hiện nghĩa vụ tài chính"
    assert admin(client, "GET", "/admin/payments/reconciliation/38?after=3h")["mismatches"] == []
    sync_dossier(client, status="4")
    assert admin(client, "GET", "/admin/payments/reconciliation/38")["mismatches"] == []


def test_scorecard_shows_payments_connected_and_succeeded(make_portal: PortalFactory) -> None:
    """The province's scorecard counts its transactions and the paid ones; others show none."""
    _portal, client = operated(make_portal)
    tokens = open_transactions(client, 3)
    client.post(f"/pay/{tokens[0]}", content=b"action=pay", headers=FORM)
    card = admin(client, "GET", "/admin/scorecards/38")
    assert card["payments"] == {
        "connected": True,
        "transactions": 3,
        "succeeded": 1,
        "paid_amount": 2000,
    }
    hanoi = admin(client, "GET", "/admin/scorecards/01")
    assert hanoi["payments"]["connected"] is False


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record, debug included."""
    caplog.set_level(logging.DEBUG)
    return caplog


def test_hash_keys_appear_in_no_operator_answer_export_or_log(
    make_portal: PortalFactory, logged: pytest.LogCaptureFixture
) -> None:
    """After payments, callbacks and lookups, no key is in the reconciliation, scorecards,
    journal export, findings or log."""
    with respx.mock(assert_all_called=False) as province:
        province.post(PROVINCE_URL + "paymentconfirm").mock(return_value=httpx.Response(500))
        province.post(PROVINCE_URL + "dptracuuthanhtoanhs").mock(return_value=httpx.Response(500))
        portal, client = operated(make_portal, callback_url=PROVINCE_URL)
        [token] = open_transactions(client, 1)
        client.post(f"/pay/{token}", content=b"action=pay", headers=FORM)
        settled_confirmation(portal, "260302000000")
        admin(client, "POST", "/admin/payments/lookup", json={"MaHoSo": DOSSIER})
    texts = [
        client.get("/admin/payments/reconciliation", headers=AUTH).text,
        client.get("/admin/scorecards", headers=AUTH).text,
        client.get("/admin/journal", headers=AUTH).text,
        client.get("/admin/findings?limit=1000", headers=AUTH).text,
        logged.text,
    ]
    wait_for(lambda: portal.store.journal_count() > 0)
    for key in (KEY_1, KEY_2):
        assert not [text for text in texts if key in text]
    assert CLIENT_ID in texts[2]  # the export does hold the payment traffic
