"""The portal the plan runs against: an embedded mock portal, or one given by `--portal URL`.

The embedded portal is the mock portal in this process, served on a loopback port (the
configuration's `[portal] port`, else a free one) over SQLite in a temporary directory, lenient
(so every message of the province is journaled with its findings rather than refused), knowing
the province's unit, its payment client and its SSO client from the province configuration, with
an operator token of its own. Either way the driver talks to the portal only over HTTP: the
operator API's journal export and the SSO hostile modes.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from types import TracebackType

from mock_portal.app import create_app
from mock_portal.config import (
    PaymentClient,
    PaymentSettings,
    PortalConfig,
    SsoClient,
    UnitConfig,
)
from mock_portal.store import StoreError
from simulator.conform.config import ConformConfig
from simulator.conform.serving import ThreadedServer
from simulator.domain import bundled_provinces
from simulator.errors import InfrastructureError, UsageError

__all__ = ["EmbeddedPortal", "embedded_portal_config"]


def embedded_portal_config(config: ConformConfig, operator_token: str) -> PortalConfig:
    """The mock portal's configuration for one province under test."""
    province = bundled_provinces().of_agency(config.unit)
    name = province.people_committee if province is not None else config.unit
    units: tuple[UnitConfig, ...] = ()
    if config.password is not None:
        units = (
            UnitConfig(code=config.unit, name=name, password=config.password, username=config.unit),
        )
    payments: tuple[PaymentClient, ...] = ()
    if config.payment is not None:
        payments = (
            PaymentClient(
                client_id=config.payment.client_id,
                unit=config.unit,
                hash_key_1=config.payment.hash_key_1,
                hash_key_2=config.payment.hash_key_2,
            ),
        )
    sso: tuple[SsoClient, ...] = ()
    if config.sso is not None:
        sso = (
            SsoClient(
                client_id=config.sso.client_id,
                client_secret=config.sso.client_secret,
                unit=config.unit,
                redirect_uris=(config.sso.redirect_uri,),
            ),
        )
    return PortalConfig(
        mode="lenient",
        operator_token=operator_token,
        units=units,
        payment_clients=payments,
        # The driver sends the confirmations itself: the platform never calls back on its own.
        payments=PaymentSettings(callback_attempts=1),
        sso_clients=sso,
    )


class EmbeddedPortal:
    """`with EmbeddedPortal(config) as portal: portal.url, portal.operator_token`."""

    def __init__(self, config: ConformConfig) -> None:
        self.operator_token = secrets.token_urlsafe(32)
        self._workdir = tempfile.TemporaryDirectory(prefix="portalsim-conform-")
        database = Path(self._workdir.name) / "portal.sqlite3"
        # Imported here: the portal's module pulls in its whole stack, needed only when embedded.
        from mock_portal._portal import Portal

        try:
            self._portal = Portal(
                str(database), embedded_portal_config(config, self.operator_token)
            )
            self._portal.operator_token()
        except StoreError as error:
            self._workdir.cleanup()
            raise InfrastructureError(f"the embedded portal's database: {error}") from None
        try:
            self._server = ThreadedServer(create_app(self._portal), port=config.portal_port or 0)
        except InfrastructureError as error:
            self._portal.close()
            self._workdir.cleanup()
            # A fixed port in use is the configuration's problem, as for `portalsim serve`.
            raise UsageError(f"portal.port: {error.message}") from None

    @property
    def url(self) -> str:
        return self._server.url

    def __enter__(self) -> EmbeddedPortal:
        try:
            self._server.start()
        except BaseException:
            self._workdir.cleanup()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.stop()
        self._workdir.cleanup()
