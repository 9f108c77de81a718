"""Single sign-on: the whole authorization-code flow as a province runs it, on both backends."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from contracts import MessageKind
from contracts.identifiers import is_valid_citizen_id, is_valid_legacy_id, is_valid_tax_code
from contracts.profiles import load as load_profile
from mock_portal._portal import Portal
from mock_portal.config import PortalConfig
from mock_portal.sso._pages import PAGE_MARK
from simulator.domain import bundled_population
from simulator.validation import ValidationOptions, validate_capture
from tests.mock_portal._client import login
from tests.mock_portal._sso import (
    AUTHORIZE,
    CLIENTS,
    DISCOVERY,
    HA_NOI,
    ISSUER,
    LOGOUT,
    THANH_HOA,
    Login,
    RelyingParty,
    business,
    citizen,
    query_of,
)
from tests.mock_portal.conftest import Clock, PortalFactory, TestClient

SCHEMAS = load_profile().schemas


@pytest.fixture
def sso(make_portal: PortalFactory) -> tuple[Portal, TestClient, RelyingParty]:
    """A portal with Thanh Hóa's and Hà Nội's clients, and Thanh Hóa's relying party."""
    portal, client = make_portal(sso_clients=CLIENTS)
    return portal, client, RelyingParty(client)


def test_discovery_names_every_endpoint_under_the_issuer(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """The metadata's issuer is the portal's URL, and every endpoint lies under it."""
    _portal, client, _rp = sso
    metadata = client.get(DISCOVERY).json()
    assert metadata["issuer"] == ISSUER
    assert metadata["jwks_uri"] == f"{ISSUER}/oauth2/jwks"
    assert metadata["end_session_endpoint"] == f"{ISSUER}/oidc/logout"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["acr_values_supported"] == ["LoA1", "LoA2", "LoA3"]
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }


def test_full_code_flow_with_pkce(
    sso: tuple[Portal, TestClient, RelyingParty], clock: Clock
) -> None:
    """login_hint → code → token (Basic) → verified ID token → userinfo → introspect → logout."""
    portal, client, rp = sso
    person = citizen()
    login = rp.login(login_hint=person.citizen_id)
    response = rp.token(login)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert SCHEMAS.is_valid(MessageKind.SSO_TOKEN_RESPONSE, tokens)
    assert tokens["token_type"] == "Bearer"
    id_token = rp.verify(tokens["id_token"])
    assert id_token.header["alg"] == "RS256"
    assert id_token.header["kid"] == rp.jwks().keys[0].kid
    rp.check_claims(id_token, login, clock)
    assert SCHEMAS.is_valid(MessageKind.SSO_ID_TOKEN_CLAIMS, id_token.claims)
    assert id_token.claims["sub"] == person.tech_id
    assert id_token.claims["exp"] > int(clock.now.timestamp())

    claims = rp.userinfo(tokens["access_token"]).json()
    assert SCHEMAS.is_valid(MessageKind.SSO_USERINFO, claims)
    assert claims["sub"] == claims["TechID"] == person.tech_id
    assert claims["LoaiTaiKhoan"] == "1"
    assert is_valid_citizen_id(claims["SoDinhDanh"])
    assert claims["SoCMND"] == "" or is_valid_legacy_id(claims["SoCMND"])
    assert claims["MaSoThue"] == "" or is_valid_tax_code(claims["MaSoThue"])
    assert claims["name"] == person.name
    assert unicodedata.is_normalized("NFC", claims["name"])
    assert "LoA1" in claims["loAs"]

    introspected = rp.introspect(tokens["access_token"]).json()
    assert introspected["active"] is True
    assert introspected["client_id"] == THANH_HOA.client_id
    assert introspected["exp"] == id_token.claims["exp"]

    logout = client.get(
        LOGOUT,
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": THANH_HOA.post_logout_redirect_uris[0],
            "state": "sau-dang-xuat",
        },
    )
    assert logout.headers["location"] == "https://motcua.thanhhoa.test/?state=sau-dang-xuat"
    assert rp.introspect(tokens["access_token"]).json() == {"active": False}
    assert rp.userinfo(tokens["access_token"]).status_code == 401
    assert portal.store.findings() == []


def test_client_secret_post_is_accepted_too(sso: tuple[Portal, TestClient, RelyingParty]) -> None:
    """A client sending client_id and client_secret in the form gets its tokens."""
    _portal, _client, rp = sso
    tokens = rp.tokens(method="post")
    assert rp.verify(tokens["id_token"]).claims["aud"] == THANH_HOA.client_id


def test_a_business_logs_in_by_its_enterprise_code(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """login_hint may be a tax code: an organisation account, LoaiTaiKhoan 2, valid codes."""
    _portal, _client, rp = sso
    company = business()
    tokens = rp.tokens(rp.login(login_hint=company.enterprise_code))
    claims = rp.userinfo(tokens["access_token"]).json()
    assert claims["TechID"] == company.tech_id
    assert claims["LoaiTaiKhoan"] == "2"
    assert claims["SoDinhDanh"] == ""
    assert claims["MaSoDoanhNghiep"] == claims["MaSoThue"] == company.tax_code
    assert is_valid_tax_code(claims["MaSoDoanhNghiep"])
    assert SCHEMAS.is_valid(MessageKind.SSO_USERINFO, claims)


def test_every_account_answers_valid_claims(sso: tuple[Portal, TestClient, RelyingParty]) -> None:
    """Every account of the population answers claims the contract and identifier rules accept."""
    portal, _client, _rp = sso
    for account in bundled_population().accounts:
        claims = portal.sso.userinfo(account)
        assert SCHEMAS.is_valid(MessageKind.SSO_USERINFO, claims), account.tech_id
        if claims["SoDinhDanh"]:
            assert is_valid_citizen_id(claims["SoDinhDanh"])
        if claims["SoCMND"]:
            assert is_valid_legacy_id(claims["SoCMND"])
        for key in ("MaSoThue", "MaSoDoanhNghiep"):
            assert claims[key] == "" or is_valid_tax_code(claims[key])


def test_the_level_of_assurance_asked_for_is_in_the_id_token(
    make_portal: PortalFactory, clock: Clock
) -> None:
    """acr is the level asked for when the account reaches it, else the account's highest."""
    _portal, client = make_portal(sso_clients=CLIENTS)
    rp = RelyingParty(client, HA_NOI)
    people = bundled_population().citizens()
    high = next(p for p in people if "LoA3" in p.levels)
    low = next(p for p in people if p.levels == ("LoA1", "LoA2"))
    for person, asked, granted in ((high, "LoA3", "LoA3"), (low, "LoA3", "LoA2")):
        tokens = rp.tokens(rp.login(login_hint=person.tech_id, acr_values=asked))
        assert rp.verify(tokens["id_token"]).claims["acr"] == granted


def test_login_page_lists_the_population_and_answers_with_the_pick(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Without login_hint a self-contained Vietnamese page is shown; its answer brings a code."""
    portal, client, rp = sso
    login = Login()
    page = rp.authorize(login, login_hint=None)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "form-action 'self' https://motcua.thanhhoa.test" in policy
    assert "Đăng nhập" in page.text
    assert "Công dân" in page.text
    assert "Tổ chức, doanh nghiệp" in page.text
    assert not re.search(r"(src|href)=", page.text)
    assert "<script" not in page.text
    person = citizen(3)
    assert person.name in page.text
    form = {**rp.authorize_params(login, login_hint=person.tech_id), PAGE_MARK: "1"}
    answer = query_of(client.post(AUTHORIZE, data=form))
    assert answer["state"] == login.state
    login.code = answer["code"]
    tokens = rp.tokens(login)
    assert rp.verify(tokens["id_token"]).claims["sub"] == person.tech_id
    assert portal.store.findings() == []


def test_login_page_escapes_what_the_request_carries(
    sso: tuple[Portal, TestClient, RelyingParty],
) -> None:
    """Markup in the state or an unknown login_hint is shown as text, never as markup."""
    _portal, _client, rp = sso
    page = rp.authorize(state='"><script>alert(1)</script>', login_hint="<b>nobody</b>")
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;b&gt;nobody&lt;/b&gt;" in page.text
    assert "&quot;&gt;&lt;script&gt;" in page.text


def test_codes_are_shared_by_worker_processes(
    database_url: str, clock: Clock, make_portal: PortalFactory
) -> None:
    """A code issued by one process is redeemed by another, once: the third try is refused."""
    _first, first_client = make_portal(sso_clients=CLIENTS)
    second = Portal(database_url, PortalConfig(sso_clients=CLIENTS), clock=clock)
    second.start()
    second_client = TestClient(second)
    try:
        login = RelyingParty(first_client).login()
        assert RelyingParty(second_client).token(login).status_code == 200
        again = RelyingParty(first_client).token(login)
        assert again.status_code == 400
        assert again.json()["error"] == "invalid_grant"
    finally:
        second_client.close()
        second.close()


def test_signing_key_persists_across_a_restart(database_url: str, clock: Clock) -> None:
    """A portal restarted on the same database publishes the same key: old ID tokens verify."""
    config = PortalConfig(sso_clients=CLIENTS)
    portal = Portal(database_url, config, clock=clock)
    portal.start()
    client = TestClient(portal)
    rp = RelyingParty(client)
    before = client.get("/oauth2/jwks").json()
    id_token = rp.tokens()["id_token"]
    client.close()
    portal.close()
    restarted = Portal(database_url, config, clock=clock)
    restarted.start()
    client = TestClient(restarted)
    try:
        assert client.get("/oauth2/jwks").json() == before
        assert RelyingParty(client).verify(id_token).claims["aud"] == THANH_HOA.client_id
    finally:
        client.close()
        restarted.close()


def test_exported_journal_with_sso_traffic_validates_cleanly(
    sso: tuple[Portal, TestClient, RelyingParty], tmp_path: Path
) -> None:
    """`portalsim validate` on an export with SSO exchanges checks the DVCQG messages only."""
    portal, client, rp = sso
    login(client)
    rp.tokens()
    client.get(DISCOVERY)
    export = tmp_path / "journal.ndjson"
    with export.open("wb") as out:
        assert portal.store.export_ndjson(out) == 4  # login, authorize, token, discovery
    result = validate_capture(export, ValidationOptions())
    try:
        assert result.messages == 1
        assert list(result.findings()) == []
    finally:
        result.close()
