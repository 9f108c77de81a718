"""Province → payment platform: createtransaction and transactiondetail, checked and journaled."""

from __future__ import annotations

import json

import pytest

from mock_portal._portal import Portal
from tests.mock_portal._payments import (
    CLIENT_ID,
    CREATE,
    DETAIL,
    DOSSIER,
    KEY_1,
    create,
    create_body,
    detail_body,
    findings_of,
    paying_portal,
    sync_dossier,
)
from tests.mock_portal.conftest import PortalFactory, TestClient

HANOI_DOSSIER = "000.00.00.H26-260302-0001"


@pytest.fixture
def lenient(make_portal: PortalFactory) -> tuple[Portal, TestClient]:
    """A lenient portal with Thanh Hóa's payment client and its dossier synced."""
    portal, client = paying_portal(make_portal)
    sync_dossier(client)
    return portal, client


@pytest.fixture
def strict(make_portal: PortalFactory) -> tuple[Portal, TestClient]:
    """A strict portal with Thanh Hóa's payment client and its dossier synced."""
    portal, client = paying_portal(make_portal, "strict")
    sync_dossier(client)
    return portal, client


def rules(portal: Portal, kind: str = "pay-createtransaction") -> set[str]:
    return {rule for rule, _path in findings_of(portal, kind)}


def test_created_transaction_answers_error_0_and_a_payment_url(
    lenient: tuple[Portal, TestClient],
) -> None:
    """A correct createtransaction answers {"error": "0", "payment_url"} and stores it pending."""
    portal, client = lenient
    answer = create(client, create_body())
    assert answer.status_code == 200
    assert set(answer.json()) == {"error", "payment_url"}
    assert answer.json()["error"] == "0"
    assert answer.json()["payment_url"].startswith("http://portal.test/pay/")
    tx = portal.store.payments.get(CLIENT_ID, "260302000001")
    assert tx is not None
    assert (tx.status, tx.amount, tx.dossier, tx.unit) == (
        "pending",
        2000,
        DOSSIER,
        "000.00.00.H56",
    )
    assert tx.journal_id is not None
    assert rules(portal) == set()


def test_tampered_checksum_is_refused_in_both_modes(lenient: tuple[Portal, TestClient]) -> None:
    """A body changed after signing is refused with error "4" and PAY-001, even when lenient."""
    portal, client = lenient
    message = create_body()
    message["trans_amount"] = "200"
    answer = create(client, message)
    assert answer.status_code == 200
    assert answer.json()["error"] == "4"
    assert ("PAY-001", "$.check_sum") in findings_of(portal, "pay-createtransaction")
    assert portal.store.payments.get(CLIENT_ID, "260302000001") is None


def test_checksum_under_another_key_is_refused(lenient: tuple[Portal, TestClient]) -> None:
    """Signing with hash_key_2 (or any other key) instead of hash_key_1 is refused."""
    _portal, client = lenient
    answer = create(client, create_body(key="not-the-key-of-this-client"))
    assert answer.json()["error"] == "4"


def test_unknown_client_is_refused(lenient: tuple[Portal, TestClient]) -> None:
    """A client_id the platform never issued is refused with error "3" and PAY-010."""
    portal, client = lenient
    answer = create(client, create_body(client_id="H99_KHONGCO"))
    assert answer.json()["error"] == "3"
    assert rules(portal) == {"PAY-010"}
    [entry] = [e for e in portal.store.iter_journal() if e.kind == "pay-createtransaction"]
    assert entry.unit is None
    assert not entry.accepted


def test_repeat_with_the_same_body_gets_the_same_answer(
    lenient: tuple[Portal, TestClient],
) -> None:
    """A retried createtransaction (keys in another order) gets the first answer byte for byte."""
    portal, client = lenient
    message = create_body()
    first = create(client, message)
    reordered = dict(reversed(list(message.items())))
    again = client.post(
        CREATE,
        content=json.dumps(reordered, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert again.content == first.content
    assert len(portal.store.payments.with_transaction_id("260302000001")) == 1


def test_transaction_id_reused_with_another_body_is_refused(
    lenient: tuple[Portal, TestClient],
) -> None:
    """The same transaction_id with a different body is refused with error "7" and PAY-013."""
    portal, client = lenient
    assert create(client, create_body()).json()["error"] == "0"
    other = create_body(description="Một giao dịch khác")
    answer = create(client, other)
    assert answer.json()["error"] == "7"
    assert "PAY-013" in rules(portal)


def test_amount_not_the_sum_of_fees_is_recorded_when_lenient(
    lenient: tuple[Portal, TestClient],
) -> None:
    """trans_amount above the fees' sum is PAY-002; lenient mode still creates the transaction."""
    portal, client = lenient
    answer = create(client, create_body(trans_amount="5000"))
    assert answer.json()["error"] == "0"
    found = findings_of(portal, "pay-createtransaction")
    assert ("PAY-002", "$.bill_info.PhiLePhi") in found
    assert ("PAY-002", "$.bill_info.DSKhoanNop") in found


def test_amount_not_the_sum_of_fees_is_refused_when_strict(
    strict: tuple[Portal, TestClient],
) -> None:
    """In strict mode the same transaction is refused with error "2", naming PAY-002."""
    portal, client = strict
    answer = create(client, create_body(trans_amount="5000"))
    assert answer.json()["error"] == "2"
    assert "PAY-002" in {finding["rule"] for finding in answer.json()["findings"]}
    assert portal.store.payments.get(CLIENT_ID, "260302000001") is None


def test_amount_other_than_the_catalogue_fee_is_a_warning(
    strict: tuple[Portal, TestClient],
) -> None:
    """Fees that add up but differ from the catalogue's fee for 2.000815 are a PAY-003 warning,
    which even strict mode accepts."""
    portal, client = strict
    fee = [{"LoaiPhiLePhi": "2", "MaPhiLePhi": "2", "TenPhiLePhi": "Lệ phí", "SoTien": 1000}]
    message = create_body(
        trans_amount="1000",
        bill_PhiLePhi=fee,
        bill_DSKhoanNop=[{"NoiDung": "Lệ phí (giảm 50%)", "SoTien": "1000"}],
    )
    answer = create(client, message)
    assert answer.json()["error"] == "0"
    assert findings_of(portal, "pay-createtransaction") == [("PAY-003", "$.trans_amount")]


def test_dossier_of_another_province_is_refused(lenient: tuple[Portal, TestClient]) -> None:
    """A Hà Nội dossier paid through Thanh Hóa's client is refused with error "6" and PAY-012."""
    portal, client = lenient
    answer = create(client, create_body(bill_MaHoSo=HANOI_DOSSIER))
    assert answer.json()["error"] == "6"
    assert "PAY-012" in rules(portal)
    assert portal.store.payments.get(CLIENT_ID, "260302000001") is None


def test_unknown_dossier_is_recorded_when_lenient_and_refused_when_strict(
    make_portal: PortalFactory,
) -> None:
    """A dossier the portal never received is PAY-011: accepted when lenient, error "5" strict."""
    portal, client = paying_portal(make_portal)
    assert create(client, create_body()).json()["error"] == "0"
    assert rules(portal) == {"PAY-011"}
    _strict, strict_client = paying_portal(make_portal, "strict")
    assert create(strict_client, create_body("260302000002")).json()["error"] == "5"


def test_procedure_other_than_the_dossiers_is_a_warning(
    lenient: tuple[Portal, TestClient],
) -> None:
    """A bill naming another procedure than the synced dossier's is a PAY-014 warning."""
    portal, client = lenient
    create(client, create_body(bill_MaTTHC="1.001193"))
    assert ("PAY-014", "$.bill_info.MaTTHC") in findings_of(portal, "pay-createtransaction")


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "1"),
        (b"[1, 2]", "application/json", 400, "1"),
        (b"{}", "text/plain", 415, "10"),
    ],
)
def test_unreadable_bodies_are_refused_as_the_platform(
    lenient: tuple[Portal, TestClient], content: bytes, content_type: str, status: int, code: str
) -> None:
    """Bodies that are not a JSON object get a 4xx with the platform's error body."""
    _portal, client = lenient
    answer = client.post(CREATE, content=content, headers={"Content-Type": content_type})
    assert answer.status_code == status
    assert answer.json()["error"] == code


def test_values_of_the_wrong_type_are_refused_in_both_modes(
    lenient: tuple[Portal, TestClient],
) -> None:
    """An amount sent as a JSON number (not a string) is refused with error "1"."""
    _portal, client = lenient
    answer = create(client, create_body(trans_amount=2000, sign_it=False))
    assert answer.status_code == 400
    assert answer.json()["error"] == "1"


def test_transaction_detail_answers_the_status(lenient: tuple[Portal, TestClient]) -> None:
    """transactiondetail (client_id|command|transaction_id signed) answers status "1" pending."""
    _portal, client = lenient
    create(client, create_body())
    answer = client.post(DETAIL, json=detail_body())
    assert answer.status_code == 200
    detail = answer.json()
    assert detail["error"] == "0"
    assert (detail["status"], detail["trans_amount"], detail["settled_at"]) == ("1", "2000", "")
    assert detail["transaction_code"].startswith("PG")


def test_transaction_detail_refuses_an_unknown_transaction_and_a_bad_checksum(
    lenient: tuple[Portal, TestClient],
) -> None:
    """An unknown transaction is error "8" (PAY-015); a wrong checksum error "4" (PAY-001)."""
    portal, client = lenient
    assert client.post(DETAIL, json=detail_body("999")).json()["error"] == "8"
    create(client, create_body())
    forged = detail_body(key="guessed-key-of-thanh-hoa")
    assert client.post(DETAIL, json=forged).json()["error"] == "4"
    assert rules(portal, "pay-transactiondetail") == {"PAY-015", "PAY-001"}


def test_hash_keys_never_reach_the_journal_or_the_answers(
    lenient: tuple[Portal, TestClient],
) -> None:
    """Neither key appears in any answer, journal row or export of the run."""
    portal, client = lenient
    answers = [
        create(client, create_body()).text,
        create(client, create_body(trans_amount="1")).text,
        client.post(DETAIL, json=detail_body()).text,
    ]
    exported = b"".join(
        json.dumps(e.response).encode() + e.body for e in portal.store.iter_journal()
    )
    for key in (KEY_1, "test-hash-key-2-of-thanh-hoa"):
        assert all(key not in text for text in answers)
        assert key.encode() not in exported
    assert "test-hash-key" not in repr(portal.config)
