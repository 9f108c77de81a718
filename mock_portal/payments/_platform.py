"""`PaymentPlatform`: the payment platform's clients, keys and outbound calls, for one portal.

The portal builds one (`Portal.payments`); the request handlers, the payer's page and the
operator routes go through it. Its state is in the store (transactions, attempts), so several
worker processes share it; each process delivers the confirmations of the payments it settled.
"""

from __future__ import annotations

import concurrent.futures
import random
from collections.abc import Iterable
from typing import TYPE_CHECKING

from contracts import StaticPaymentKeys
from contracts.identifiers import agency_within
from mock_portal.config import PaymentClient
from mock_portal.payments import _outbound
from mock_portal.payments._dispatcher import Dispatcher
from mock_portal.store import PaymentTransaction, Store

if TYPE_CHECKING:
    from mock_portal._portal import Portal

#: settle outcomes that the platform confirms to the province, with the callback's `status`
CONFIRMED_STATUSES = {"paid": "0", "failed": "2"}
OUTCOMES = ("paid", "failed", "abandoned")


def payment_keys(clients: Iterable[PaymentClient]) -> StaticPaymentKeys:
    """The clients' HMAC keys as the contract's rules read them (UTF-8 bytes)."""
    return StaticPaymentKeys(
        {
            client.client_id: (client.hash_key_1.encode("utf-8"), client.hash_key_2.encode("utf-8"))
            for client in clients
        }
    )


class PaymentPlatform:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.settings = portal.config.payments
        self.clients = {client.client_id: client for client in portal.config.payment_clients}
        self.keys = payment_keys(portal.config.payment_clients)
        self.dispatcher = Dispatcher(portal.database_url)

    def start(self) -> None:
        """Start the outbound calls' thread now (otherwise the first call starts it)."""
        self.dispatcher.start()

    def stop(self) -> None:
        """Cancel the calls in flight and end the thread; no call is made afterwards."""
        self.dispatcher.stop()

    @property
    def seed(self) -> int:
        return self.settings.seed if self.settings.seed is not None else 0

    def client(self, client_id: object) -> PaymentClient | None:
        return self.clients.get(client_id) if isinstance(client_id, str) else None

    def client_for_dossier(self, dossier: str) -> PaymentClient | None:
        """The first client whose unit tree holds the dossier's agency code."""
        agency = dossier.split("-", 1)[0]
        for client in self.clients.values():
            if agency_within(agency, client.unit):
                return client
        return None

    def callback_base(self, store: Store, client: PaymentClient) -> str | None:
        """Where the client's province takes calls: its own callback_url, else its unit's; with
        a final `/`, so `paymentconfirm` and `dptracuuthanhtoanhs` append to it."""
        base = client.callback_url
        if base is None:
            unit = store.get_unit(client.unit)
            base = unit.callback_url if unit is not None else None
        if base is None:
            return None
        return base if base.endswith("/") else base + "/"

    def draws_duplicate(self, tx: PaymentTransaction) -> bool:
        """Whether this transaction's confirmation is delivered twice on purpose: a draw seeded
        by the run's seed and the transaction, so it does not depend on what else happens."""
        rate = self.settings.duplicate_rate
        if rate <= 0:
            return False
        draw = random.Random(f"{self.seed}:{tx.client_id}:{tx.transaction_id}").random()
        return draw < rate

    def settle(self, tx: PaymentTransaction, outcome: str) -> bool:
        """Pay, fail or abandon a pending transaction (once); a paid or failed one is confirmed
        to the province in the background. False when it was no longer pending."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        confirmed = outcome in CONFIRMED_STATUSES
        state = "delivering" if confirmed else None
        settled = self.portal.store.payments.settle(tx.id, outcome, self.portal.clock(), state)
        if settled and confirmed:
            self.confirm(tx.id, "confirm")
        return settled

    def confirm(
        self, row_id: int, purpose: str
    ) -> concurrent.futures.Future[_outbound.DeliveryReport]:
        """Deliver a paymentconfirm (`confirm`, retried; `duplicate` or `tampered`, once)."""
        if purpose == "confirm":  # from now on, until the delivery ends
            self.portal.store.payments.set_confirmation(row_id, "delivering")
        return self.dispatcher.submit(
            lambda store, http: _outbound.deliver(self, store, http, row_id, purpose)
        )

    def lookup(
        self, dossier: str, client: PaymentClient
    ) -> concurrent.futures.Future[_outbound.LookupReport]:
        """Ask the client's province what the dossier owes (dptracuuthanhtoanhs)."""
        return self.dispatcher.submit(
            lambda store, http: _outbound.lookup(self, store, http, dossier, client)
        )
