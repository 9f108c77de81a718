"""Helpers to talk to the portal in tests: logins and template messages."""

from __future__ import annotations

import copy
from typing import Any

from tests.mock_portal.conftest import PASSWORD, TestClient
from tests.simulator._captures import TEMPLATES

LOGIN = "/api/dvcqg/login"
INTEGRATION = "/api/dvcqg/integration"
SHARE = "/api/dvcqg/share"


def login(client: TestClient, unit: str = "000.00.00.H56", password: str = PASSWORD) -> str:
    response = client.post(LOGIN, json={"username": unit, "password": password})
    assert response.status_code == 200, response.text
    session: str = response.json()["session"]
    return session


def body(template: str, session: str, **changes: Any) -> dict[str, Any]:
    """A template message with the session, top-level keys and `data_<field>` changes applied."""
    message = copy.deepcopy(TEMPLATES[template])
    message["session"] = session
    for key, value in changes.items():
        if key.startswith("data_"):
            message["data"][0][key.removeprefix("data_")] = value
        else:
            message[key] = value
    return message
