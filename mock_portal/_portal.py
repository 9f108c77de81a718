"""The composition root of the mock portal: configuration, store, checks, accounts, writer, and
the SSO provider.

`Portal` holds what the request handlers share; `mock_portal.app.create_app` wires it into an
ASGI application. Usable as a library: tests build a `Portal` on a temporary database and talk
to the app through httpx's ASGI transport.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TextIO

from contracts import CheckContext, Profile, Validator
from contracts.profiles import load as load_profile
from mock_portal._accounts import Accounts, hash_password
from mock_portal._ledger import PortalLedger
from mock_portal._writer import GroupCommitWriter
from mock_portal.config import ConfigError, PortalConfig, UnitConfig
from mock_portal.faults import FaultInjector, FaultProfileError
from mock_portal.payments import PaymentPlatform, payment_keys
from mock_portal.sso import SsoProvider
from mock_portal.store import VIETNAM, Store, Unit, WalCheckpointer, token_hash
from simulator.domain import (
    AgencyDirectory,
    Catalogue,
    VietnamCalendar,
    bundled_agencies,
    bundled_calendar,
    bundled_catalogue,
    bundled_provinces,
)

OPERATOR_TOKEN_SETTING = "operator_token_sha256"
DEMO_PASSWORD = "demo"


def vietnam_now() -> datetime:
    return datetime.now(VIETNAM)


@dataclass
class Domain:
    """The reference data the portal serves and checks against."""

    catalogue: Catalogue = field(default_factory=bundled_catalogue)
    agencies: AgencyDirectory = field(default_factory=bundled_agencies)
    calendar: VietnamCalendar = field(default_factory=bundled_calendar)


class Portal:
    def __init__(
        self,
        database_url: str,
        config: PortalConfig,
        *,
        domain: Domain | None = None,
        profile: Profile | None = None,
        clock: Callable[[], datetime] = vietnam_now,
        cache_dossiers: bool = True,
        fault_seed: int | None = None,
    ) -> None:
        self.database_url = database_url
        self.config = config
        self.domain = domain or Domain()
        self.profile = profile or load_profile()
        self.clock = clock
        self.store = Store.open(database_url)
        self.store.migrate()
        self._cache_dossiers = cache_dossiers
        self._begin_run()
        self.writer = GroupCommitWriter(lambda: Store.open(database_url))
        # SQLite: WAL checkpoints on their own thread, not inside the writer's commits
        self.checkpointer = WalCheckpointer.for_url(database_url)
        self.payments = PaymentPlatform(self)
        self.provision(config.units)
        self.faults = FaultInjector(self.store, seed=fault_seed)
        try:
            self.faults.install(config.faults)
            self.sso = SsoProvider(self.store, config, self.profile.rules, clock)
        except (FaultProfileError, ConfigError):
            self.store.close()
            raise

    def _begin_run(self) -> None:
        """The state a run builds up in this process: dossier cache, checks, sessions."""
        self.ledger = PortalLedger(self.store, cache=self._cache_dossiers)
        self.context = CheckContext(
            catalogue=self.domain.catalogue,
            agencies=self.domain.agencies,
            calendar=self.domain.calendar,
            ledger=self.ledger,
            payment_keys=payment_keys(self.config.payment_clients),
        )
        self.validator = Validator(self.profile, self.context)
        self.accounts = Accounts(
            self.store,
            session_lifetime=self.config.session_lifetime,
            max_failures=self.config.limits.login_failures,
            failure_window=self.config.limits.login_window,
        )

    def reset(self, *, keep_units: bool = True) -> None:
        """Start a new run: the store forgets the last one (units too unless `keep_units`), and
        so does this process (cached dossiers and sessions). Other worker processes keep their
        session cache for at most its ten-second trust; quiesce traffic before a reset."""
        self.store.reset(keep_units=keep_units)
        self._begin_run()

    def start(self) -> None:
        self.writer.start()
        if self.checkpointer is not None:
            self.checkpointer.start()

    def close(self) -> None:
        self.payments.stop()  # before the writer: its last calls are journaled through it
        self.writer.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.store.close()

    @property
    def strict(self) -> bool:
        return self.config.mode == "strict"

    def province_of(self, unit: str | None) -> str | None:
        if not unit:
            return None
        return _province_of(unit)

    def provision(self, units: tuple[UnitConfig, ...]) -> None:
        for unit in units:
            self.store.upsert_unit(
                Unit(
                    code=unit.code,
                    name=unit.name,
                    province=self.province_of(unit.code) or "",
                    password_hash=hash_password(unit.password),
                    callback_url=unit.callback_url,
                )
            )

    def operator_token(self, announce: TextIO | None = None) -> None:
        """Take the operator token from the config, or make one on first start and show it once."""
        token = self.config.operator_token
        if token is not None:
            self.store.set_setting(OPERATOR_TOKEN_SETTING, token_hash(token))
            return
        if self.store.get_setting(OPERATOR_TOKEN_SETTING) is not None:
            return
        token = secrets.token_urlsafe(32)
        self.store.set_setting(OPERATOR_TOKEN_SETTING, token_hash(token))
        if announce is not None:
            announce.write(f"portalsim: operator token (shown once, keep it): {token}\n")


@lru_cache(maxsize=16_384)
def _province_of(unit: str) -> str | None:
    """The bundled registry never changes in a process: one walk per unit code."""
    province = bundled_provinces().of_agency(unit)
    return province.code if province is not None else None
