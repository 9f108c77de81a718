"""The payment platform in /openapi.json: contract-backed operations the portal's answers match."""

from __future__ import annotations

from typing import Any

import httpx

from mock_portal.payments import PAY_CODES, PayError
from tests.mock_portal._payments import (
    CREATE,
    DETAIL,
    create,
    create_body,
    detail_body,
    paying_portal,
    sync_dossier,
)
from tests.mock_portal.conftest import PortalFactory
from tests.mock_portal.test_openapi import media_pointer, validator_for


def document_of(make_portal: PortalFactory) -> tuple[dict[str, Any], Any]:
    _portal, client = paying_portal(make_portal)
    sync_dossier(client)
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document, client


def check(document: dict[str, Any], path: str, answer: httpx.Response) -> None:
    validator = validator_for(document, media_pointer(path, "post", str(answer.status_code)))
    assert [error.message for error in validator.iter_errors(answer.json())] == []


def test_payment_calls_are_documented_from_the_contract(make_portal: PortalFactory) -> None:
    """Both calls take and answer the contract's pay-* schemas; the page and the operator
    routes are documented too."""
    document, _client = document_of(make_portal)
    create_op = document["paths"][CREATE]["post"]
    schema = create_op["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/pay-createtransaction"}
    assert create_op["tags"] == ["payments"]
    assert "pay-transactiondetail-response" in document["components"]["schemas"]
    assert set(document["paths"]["/pay/{token}"]) == {"get", "post"}
    assert "post" in document["paths"]["/admin/payments/settle"]
    for code, doc in PAY_CODES.items():
        if code is not PayError.OK:
            assert f'| `"{code.value}"` | {doc.status} |' in str(
                document["components"]["schemas"]["PaymentRefusal"]["description"]
            )


def test_payment_answers_match_the_document(make_portal: PortalFactory) -> None:
    """Success, business refusals and unreadable bodies validate against their responses."""
    document, client = document_of(make_portal)
    check(document, CREATE, create(client, create_body()))
    check(document, CREATE, create(client, create_body(description="another body")))
    check(document, CREATE, create(client, create_body("2", client_id="H99_KHONGCO")))
    check(document, DETAIL, client.post(DETAIL, json=detail_body()))
    check(document, DETAIL, client.post(DETAIL, json=detail_body("nope")))
    unreadable = client.post(CREATE, content=b"{", headers={"Content-Type": "application/json"})
    assert unreadable.status_code == 400
    check(document, CREATE, unreadable)
