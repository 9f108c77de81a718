"""The SSO provider in /openapi.json: form-encoded requests, the contract's sso-* schemas for
answers, and what the provider really answers matches what the document says."""

from __future__ import annotations

from typing import Any

import pytest

from mock_portal.app import create_app
from mock_portal.sso import SSO_PATHS
from tests.mock_portal._sso import (
    CLIENTS,
    INTROSPECT,
    TOKEN,
    USERINFO,
    RelyingParty,
)
from tests.mock_portal.conftest import PortalFactory
from tests.mock_portal.test_openapi import get, validator_for

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def document(make_portal: PortalFactory) -> dict[str, Any]:
    portal, _client = make_portal(sso_clients=CLIENTS)
    [served] = get(create_app(portal), "/openapi.json")
    parsed: dict[str, Any] = served.json()
    return parsed


def _response_schema(path: str, method: str, status: str) -> str:
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"/paths/{escaped}/{method}/responses/{status}/content/application~1json/schema"


@pytest.mark.parametrize("path", SSO_PATHS)
def test_every_sso_path_is_documented_under_its_tag(document: dict[str, Any], path: str) -> None:
    """Each provider path has its own operations, tagged sso, none generic."""
    operations = document["paths"][path]
    assert operations
    for operation in operations.values():
        assert operation["tags"] == ["sso"]
        assert operation["operationId"].startswith("sso_")
    assert "sso" in {tag["name"] for tag in document["tags"]}


def test_token_request_is_a_form_and_its_answer_the_contracts(document: dict[str, Any]) -> None:
    """POST /oauth2/token takes a form and answers a sso-token-response; Basic auth is declared."""
    operation = document["paths"][TOKEN]["post"]
    form = operation["requestBody"]["content"][FORM]["schema"]
    assert {"grant_type", "code", "redirect_uri", "code_verifier"} <= set(form["properties"])
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/sso-token-response"}
    assert operation["security"] == [{"clientBasic": []}, {}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["clientBasic"]["scheme"] == "basic"
    assert schemes["accessToken"]["scheme"] == "bearer"
    userinfo = document["paths"][USERINFO]["get"]["responses"]["200"]
    assert userinfo["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/sso-userinfo"
    }
    assert "sso-id-token-claims" in document["components"]["schemas"]


def test_answers_match_the_documented_responses(
    make_portal: PortalFactory, document: dict[str, Any]
) -> None:
    """Token, userinfo, introspection and an OAuth error validate against their documented body."""
    _portal, client = make_portal(sso_clients=CLIENTS)
    rp = RelyingParty(client)
    tokens = rp.tokens()
    answers = [
        (TOKEN, "post", "200", tokens),
        (USERINFO, "get", "200", rp.userinfo(tokens["access_token"]).json()),
        (INTROSPECT, "post", "200", rp.introspect(tokens["access_token"]).json()),
        (USERINFO, "get", "401", rp.userinfo("forged").json()),
        (TOKEN, "post", "400", rp.token(rp.login(), code_verifier=None).json()),
    ]
    for path, method, status, answer in answers:
        validator = validator_for(document, _response_schema(path, method, status))
        assert [error.message for error in validator.iter_errors(answer)] == [], (path, status)
