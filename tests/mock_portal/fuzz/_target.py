"""The portal the fuzzing suites attack: every feature switched on, and the means to restore it.

A strict portal (so a message that breaks the contract is refused, which is what the negative
checks expect) with the test units, Thanh Hóa's payment client (its callbacks go to a loopback
port nobody listens on: refused at once, never the internet), both SSO clients and a known
operator token. `FuzzTarget` keeps valid credentials at hand — a unit's session, an SSO access
token — and puts the portal back as it was after an operator call changed it (a reset, a fault
profile, a hostile SSO mode), so every generated request meets the same portal.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.payments import create_checksum, detail_checksum
from mock_portal._portal import Portal
from mock_portal.app import create_app
from mock_portal.config import Limits, PaymentClient, PaymentSettings, PortalConfig
from tests.mock_portal._client import LOGIN, login
from tests.mock_portal._sso import CLIENTS, OPERATOR_TOKEN, THANH_HOA, RelyingParty
from tests.mock_portal.conftest import UNITS, Clock, TestClient

#: port 9 (discard) on loopback: nothing listens, so a callback is refused at once
DEAD_CALLBACK = "http://127.0.0.1:9/kpdvcqg/"
PAYMENT_CLIENT = PaymentClient(
    "H56_MOTCUA", "000.00.00.H56", "fuzz-hash-key-1", "fuzz-hash-key-2", DEAD_CALLBACK
)
SESSION_UNIT = "000.00.00.H56"
_HEX_64 = re.compile(r"[0-9a-fA-F]{64}")
#: what the generated requests carry as the SSO access token, swapped for a live one when sent
ACCESS_TOKEN_STAND_IN = "sso-access-token-stand-in"
#: operator calls after which the test units are provisioned again (a reset, a unit's password)
_REPROVISION = frozenset({("POST", "/admin/reset"), ("POST", "/admin/units")})
_CHECKSUMS = {
    "/api/pay/createtransaction": create_checksum,
    "/api/pay/transactiondetail": detail_checksum,
}


class LifespanFree:
    """The app without its lifespan: the portal is started and closed by `FuzzTarget`, not by
    whichever client (Schemathesis' ASGI transport keeps one to the end of the process)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def fuzz_config(mode: str = "strict") -> PortalConfig:
    return PortalConfig(
        mode=mode,
        units=UNITS,
        # The fuzzer sends wrong passwords for the units it knows by the thousand: throttling
        # (tests/mock_portal/security/) would lock the account whose session it uses.
        limits=Limits(login_failures=1_000_000),
        operator_token=OPERATOR_TOKEN,
        sso_clients=CLIENTS,
        payment_clients=(PAYMENT_CLIENT,),
        payments=PaymentSettings(
            callback_attempts=1,
            callback_backoff=timedelta(milliseconds=10),
            callback_timeout=timedelta(seconds=1),
        ),
    )


class FuzzTarget:
    """A started portal, a client to it, and valid credentials for the generated requests."""

    def __init__(self, database_url: str, mode: str = "strict") -> None:
        self.portal = Portal(database_url, fuzz_config(mode), clock=Clock())
        self.portal.operator_token()
        self.portal.start()
        self.client = TestClient(self.portal)
        self.app = LifespanFree(create_app(self.portal))
        self._session: str | None = None
        self._access_token: str | None = None
        # The units as provisioned (passwords hashed once): put back as they are after a reset.
        self._units = self.portal.store.list_units()

    def session(self) -> str:
        if self._session is None:
            self._session = login(self.client, SESSION_UNIT)
        return self._session

    def access_token(self) -> str:
        if self._access_token is None:
            tokens = RelyingParty(self.client, THANH_HOA).tokens()
            self._access_token = str(tokens["access_token"])
        return self._access_token

    def authenticate(self, path: str, headers: dict[str, Any], body: Any) -> None:
        """Give each well-formed credential a valid value (a malformed one stays as it is, so a
        request meant to be invalid stays invalid): the SSO access token, the session, a
        payment's check_sum."""
        for name, value in headers.items():
            if name.lower() == "authorization" and value == f"Bearer {ACCESS_TOKEN_STAND_IN}":
                headers[name] = f"Bearer {self.access_token()}"
        if not isinstance(body, dict):
            return
        session = body.get("session")
        if isinstance(session, str) and session and path != LOGIN:
            body["session"] = self.session()
        sign = _CHECKSUMS.get(path)
        checksum = body.get("check_sum")
        if sign is not None and isinstance(checksum, str) and _HEX_64.fullmatch(checksum):
            body["check_sum"] = sign(PAYMENT_CLIENT.hash_key_1.encode(), body) or checksum

    def restore(self, method: str, path: str, status: int | None) -> None:
        """Undo what an operator call may have changed: units, faults, hostile SSO modes
        (`status`: the call's answer, None when it had none)."""
        self.portal.faults.install({})
        for scope in self.portal.sso.hostile.all():
            self.portal.sso.hostile.set(None, scope)
        changed = status is None or status < 300
        if changed and (method.upper(), path) in _REPROVISION:
            for unit in self._units:
                self.portal.store.upsert_unit(unit)
            self._session = self._access_token = None

    def close(self) -> None:
        self.client.close()
        self.portal.close()
