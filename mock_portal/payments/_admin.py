"""The payment platform's operator routes, mounted in the operator API (`/admin/payments/…`).

Behind the operator API's token like every /admin route; bad input is an `AdminInputError`
(400 naming the key), an unknown transaction or province a 404. See docs/operator-api.md.
"""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_portal import _admin_input as inputs
from mock_portal._admin_input import AdminInputError
from mock_portal.config import ConfigError, PaymentClient, parse_duration
from mock_portal.payments._outbound import DeliveryReport
from mock_portal.payments._platform import OUTCOMES
from mock_portal.payments._reconcile import reconciliation
from mock_portal.store import PaymentSummary, PaymentTransaction, dumps_bytes
from mock_portal.wire import JSON_MEDIA_TYPE
from simulator.domain import bundled_provinces

if TYPE_CHECKING:
    from mock_portal._portal import Portal

MAX_SETTLE = 10_000
DEFAULT_AFTER = "1h"


def payment_routes(portal: Portal) -> list[Route]:
    """The routes, relative to the operator API's mount point."""
    routes = _PaymentRoutes(portal)
    return [
        Route("/payments/settle", routes.settle, methods=["POST"]),
        Route("/payments/lookup", routes.lookup, methods=["POST"]),
        Route("/payments/reconciliation", routes.all_reconciliations, methods=["GET"]),
        Route("/payments/reconciliation/{province}", routes.one_reconciliation, methods=["GET"]),
        Route("/payments/{transaction_id}/callback", routes.callback, methods=["POST"]),
    ]


def _json(payload: object, status_code: int = 200) -> Response:
    return Response(dumps_bytes(payload), status_code=status_code, media_type=JSON_MEDIA_TYPE)


class _PaymentRoutes:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    async def _body(self, request: Request) -> dict[str, Any]:
        limits = self.portal.config.limits
        return await inputs.json_object(request, limits.max_body_bytes, limits.max_depth)

    async def settle(self, request: Request) -> Response:
        """Settle pending payments — pay, fail or abandon up to `count` of them, for load tests.

        Body `{"count": N, "outcomes": {"paid": 0.9, "failed": 0.07, "abandoned": 0.03},
        "seed": 1}`; `outcomes` (weights) and `seed` default to the `[payments]` settings. The
        oldest pending transactions go first; paid and failed ones are confirmed to their
        provinces in the background.
        """
        inputs.only_params(request, ())
        body = await self._body(request)
        inputs.only_keys(body, ("count", "outcomes", "seed"))
        count = body.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SETTLE:
            raise AdminInputError(f"count: a whole number from 1 to {MAX_SETTLE}, not {count!r}")
        weights = _outcomes(body.get("outcomes", dict(self.portal.payments.settings.outcomes)))
        seed = body.get("seed", self.portal.payments.seed)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise AdminInputError(f"seed: a whole number, not {seed!r}")
        draw = random.Random(seed)
        names = [name for name, _ in weights]
        chances = [weight for _, weight in weights]
        by_outcome = dict.fromkeys(OUTCOMES, 0)
        settled: list[dict[str, str]] = []
        for tx in self.portal.store.payments.pending(count):
            outcome = draw.choices(names, chances)[0]
            if self.portal.payments.settle(tx, outcome):
                by_outcome[outcome] += 1
                settled.append(
                    {
                        "client_id": tx.client_id,
                        "transaction_id": tx.transaction_id,
                        "status": outcome,
                    }
                )
        return _json({"settled": len(settled), "by_outcome": by_outcome, "transactions": settled})

    async def callback(self, request: Request) -> Response:
        """Deliver a paymentconfirm again — as it is, forged, or as a duplicate.

        Body `{"tamper": true}` sends one confirmation with a forged check_sum (the province
        must refuse it), `{"duplicate": true}` the acknowledged confirmation once more (the
        province must answer as before); both wait for the province's answer and return it.
        `{}` starts a new delivery with retries and returns 202 at once. `client_id` picks
        the client when several used the transaction id.
        """
        inputs.only_params(request, ())
        body = await self._body(request)
        inputs.only_keys(body, ("tamper", "duplicate", "client_id"))
        tamper, duplicate = _flag(body, "tamper"), _flag(body, "duplicate")
        if tamper and duplicate:
            raise AdminInputError("tamper and duplicate: choose one")
        tx = self._transaction(request.path_params["transaction_id"], body.get("client_id"))
        if tx.status not in ("paid", "failed"):
            raise AdminInputError(
                f"transaction {tx.transaction_id} is {tx.status}: only a paid or failed one is "
                "confirmed"
            )
        if duplicate and not any(
            attempt.purpose == "confirm" and attempt.outcome == "acknowledged"
            for attempt in self.portal.store.payments.attempts(tx.id)
        ):
            raise AdminInputError(
                f"transaction {tx.transaction_id}: its confirmation was never acknowledged, "
                "so there is no answer to repeat"
            )
        purpose = "tampered" if tamper else "duplicate" if duplicate else "confirm"
        future = self.portal.payments.confirm(tx.id, purpose)
        if purpose == "confirm":
            return _json({"queued": True, "transaction_id": tx.transaction_id}, 202)
        report = await asyncio.wrap_future(future)
        return _json(_delivery_json(tx, report))

    async def lookup(self, request: Request) -> Response:
        """Ask a province what a dossier owes — the platform's dptracuuthanhtoanhs call.

        Body `{"MaHoSo": "000.00.14.H56-260302-0001", "client_id": "…"}` (`client_id`
        optional: by default the client whose unit tree holds the dossier). Waits for the
        province's answer and returns it with its findings.
        """
        inputs.only_params(request, ())
        body = await self._body(request)
        inputs.only_keys(body, ("MaHoSo", "client_id"))
        dossier = body.get("MaHoSo")
        if not isinstance(dossier, str) or not dossier.strip():
            raise AdminInputError("MaHoSo: required, a dossier code")
        client = self._client(body.get("client_id"), dossier)
        if self.portal.payments.callback_base(self.portal.store, client) is None:
            raise AdminInputError(
                f"client {client.client_id} has no callback_url, nor has its unit {client.unit}"
            )
        report = await asyncio.wrap_future(self.portal.payments.lookup(dossier, client))
        return _json(
            {
                "MaHoSo": dossier,
                "client_id": client.client_id,
                "url": report.url,
                "http_status": report.http_status,
                "answer": report.answer,
                "journal_id": report.journal_id,
                "findings": [finding.to_payload() for finding in report.findings],
            }
        )

    async def all_reconciliations(self, request: Request) -> Response:
        """Payment reconciliation of every province that has transactions.

        Query `after` (default 1h): how long after a payment a dossier still at status 6
        counts as a mismatch.
        """
        inputs.only_params(request, ("after",))
        shown, after = _after(request)
        registry = bundled_provinces()
        now = self.portal.clock()
        provinces = []
        for summary in self.portal.store.payments.summaries():
            province = registry.by_code(summary.province) if summary.province else None
            if province is not None:
                provinces.append(reconciliation(self.portal.store, province, summary, now, after))
        return _json({"after": shown, "provinces": provinces})

    async def one_reconciliation(self, request: Request) -> Response:
        """Payment reconciliation of one province (GSO code or Hxx code)."""
        inputs.only_params(request, ("after",))
        shown, after = _after(request)
        province = inputs.province(request.path_params["province"])
        summaries = self.portal.store.payments.summaries(province.code)
        summary = summaries[0] if summaries else PaymentSummary(province.code)
        card = reconciliation(self.portal.store, province, summary, self.portal.clock(), after)
        return _json({"after": shown, **card})

    def _transaction(self, transaction_id: str, client_id: object) -> PaymentTransaction:
        if client_id is not None and not isinstance(client_id, str):
            raise AdminInputError("client_id: a string")
        found = [
            tx
            for tx in self.portal.store.payments.with_transaction_id(transaction_id)
            if client_id is None or tx.client_id == client_id
        ]
        if not found:
            raise AdminInputError(f"no transaction {transaction_id!r}", 404)
        if len(found) > 1:
            clients = ", ".join(sorted(tx.client_id for tx in found))
            raise AdminInputError(
                f"transaction {transaction_id!r} exists for clients {clients}: give client_id"
            )
        return found[0]

    def _client(self, client_id: object, dossier: str) -> PaymentClient:
        if client_id is None:
            client = self.portal.payments.client_for_dossier(dossier)
            if client is None:
                raise AdminInputError(
                    f"MaHoSo: no payment client's unit holds {dossier!r}; give client_id"
                )
            return client
        found = self.portal.payments.client(client_id)
        if found is None:
            raise AdminInputError(f"client_id: no payment client {client_id!r}", 404)
        return found


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise AdminInputError(f"{key}: must be true or false, not {value!r}")
    return value


def _outcomes(raw: object) -> list[tuple[str, float]]:
    if not isinstance(raw, dict) or not raw:
        raise AdminInputError("outcomes: an object of weights for paid, failed, abandoned")
    inputs.only_keys(raw, OUTCOMES, "outcomes")
    weights = []
    for name in OUTCOMES:
        weight = raw.get(name, 0)
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
            raise AdminInputError(f"outcomes.{name}: a non-negative number, not {weight!r}")
        weights.append((name, float(weight)))
    if sum(weight for _, weight in weights) <= 0:
        raise AdminInputError("outcomes: the weights are all zero")
    return weights


def _after(request: Request) -> tuple[str, timedelta]:
    """The `after` parameter as given and as a duration."""
    text = request.query_params.get("after", DEFAULT_AFTER)
    try:
        return text, parse_duration(text, "after")
    except ConfigError as problem:
        raise AdminInputError(str(problem)) from None


def _delivery_json(tx: PaymentTransaction, report: DeliveryReport) -> dict[str, Any]:
    return {
        "client_id": tx.client_id,
        "transaction_id": tx.transaction_id,
        "purpose": report.purpose,
        "url": report.url,
        "result": report.result,
        "attempts": [
            {
                "attempt": attempt.attempt,
                "http_status": attempt.http_status,
                "answer": attempt.answer,
                "outcome": attempt.outcome,
                "journal_id": attempt.journal_id,
                "findings": [finding.to_payload() for finding in attempt.findings],
            }
            for attempt in report.attempts
        ],
    }
