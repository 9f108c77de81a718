"""No secret leaves the portal: not in its logs, not in the journal export, not in findings.

One run of everything that handles a secret — a unit provisioned with its password, logins
(right and wrong), RPC calls with the session, the SSO code flow with the client secret, a
payment signed with the hash keys, operator calls with the operator token — with every logger
captured at DEBUG. Then each secret is looked for in the logs, the journal (operator API and
`Store.export_ndjson`), the findings and the operator's answers.
"""

from __future__ import annotations

import io
import logging

import pytest

from mock_portal._portal import Portal
from tests.mock_portal._client import INTEGRATION, LOGIN, body, login
from tests.mock_portal._payments import (
    KEY_1,
    KEY_2,
    create,
    create_body,
    paying_portal,
    sync_dossier,
)
from tests.mock_portal._sso import CLIENTS, OPERATOR, OPERATOR_TOKEN, THANH_HOA, RelyingParty
from tests.mock_portal.conftest import PortalFactory, TestClient
from tests.mock_portal.security._tally import tried

UNIT_PASSWORD = "Mật-khẩu-riêng-7f3a9c"
WRONG_PASSWORD = "đoán-sai-2b8e41"


@pytest.fixture
def everything(
    make_portal: PortalFactory, caplog: pytest.LogCaptureFixture
) -> tuple[Portal, TestClient, dict[str, str]]:
    caplog.set_level(logging.DEBUG)
    portal, client = paying_portal(make_portal, operator_token=OPERATOR_TOKEN, sso_clients=CLIENTS)
    portal.operator_token()
    unit = {
        "code": "000.00.00.H01",
        "name": "UBND thành phố Hà Nội (thử)",
        "password": UNIT_PASSWORD,
    }
    assert client.post("/admin/units", json=unit, headers=OPERATOR).status_code in (200, 201)
    client.post(LOGIN, json={"username": "000.00.00.H01", "password": WRONG_PASSWORD})
    unit_session = login(client, "000.00.00.H01", UNIT_PASSWORD)
    sync_dossier(client)
    session = login(client)
    client.post(INTEGRATION, json=body("tracuu", session))
    assert create(client, create_body()).json()["error"] == "0"
    rp = RelyingParty(client, THANH_HOA)
    tokens = rp.tokens()
    rp.userinfo(tokens["access_token"])
    rp.introspect(tokens["access_token"])
    private = portal.sso.keys.current.as_dict(private=True)
    secrets = {
        "unit password": UNIT_PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "session": session,
        "another session": unit_session,
        "operator token": OPERATOR_TOKEN,
        "hash key 1": KEY_1,
        "hash key 2": KEY_2,
        "SSO client secret": THANH_HOA.client_secret,
        "SSO access token": tokens["access_token"],
        "SSO ID token": tokens["id_token"],
        "SSO private key (d)": str(private["d"]),
        "SSO private key (p)": str(private["p"]),
    }
    return portal, client, secrets


def test_no_secret_in_logs_journal_or_findings(
    everything: tuple[Portal, TestClient, dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    portal, client, secrets = everything
    export = io.BytesIO()
    portal.store.export_ndjson(export)
    places = {
        "logs": caplog.text + "\n".join(repr(record.args) for record in caplog.records),
        "journal (operator API)": client.get("/admin/journal", headers=OPERATOR).text,
        "journal (export_ndjson)": export.getvalue().decode("utf-8", "replace"),
        "findings": client.get("/admin/findings?limit=1000", headers=OPERATOR).text,
        "units": client.get("/admin/units", headers=OPERATOR).text,
        "scorecards": client.get("/admin/scorecards", headers=OPERATOR).text,
    }
    assert places["journal (operator API)"].count("\n") >= 8  # the run was journaled
    for place, text in places.items():
        for name, secret in secrets.items():
            tried("secret looked for")
            assert secret not in text, f"the {name} appears in the {place}"
