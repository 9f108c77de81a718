"""Reconciliation per province: what was created, paid, failed, confirmed, and what is stuck.

Figures come from the store alone (transactions and callback attempts), so a finished run can
be reconciled again later. Definitions (docs/operator-api.md, "Payment reconciliation"):

- `transactions` and `amounts` (VND): per status pending, paid, failed, abandoned; `created`
  is their sum.
- `callbacks`: `deliveries` confirmations started (one per paid or failed transaction),
  `acknowledged` of them acknowledged (return_code 0), `given_up` never acknowledged within the
  attempts, `delivering` still being retried, `interrupted` cut short by a shutdown,
  `undeliverable` with no callback URL; `attempts` requests made for them, `retried` attempts
  after a delivery's first, `rejected` attempts answered with another return_code, `failed`
  attempts without a usable answer; `duplicated` duplicate deliveries made on purpose and
  `duplicates_acknowledged` of them; `tampered` forged deliveries and `tampered_accepted` of
  them (each a PAY-022 finding).
- `mismatches`: paid transactions whose dossier the portal still has at status 6 ("Yêu cầu
  thực hiện nghĩa vụ tài chính") longer than `after` after the payment: the province took the
  money but did not move the dossier on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from contracts import STATUS_LABELS
from mock_portal.store import PaymentSummary, Store
from simulator.domain import Province

_STATUSES = ("pending", "paid", "failed", "abandoned")
_CONFIRMATION_STATES = ("acknowledged", "given_up", "delivering", "interrupted", "undeliverable")


def reconciliation(
    store: Store, province: Province, summary: PaymentSummary, now: datetime, after: timedelta
) -> dict[str, Any]:
    """One province's reconciliation (shape in the module docstring)."""
    transactions = {status: summary.transactions.get(status, 0) for status in _STATUSES}
    amounts = {status: summary.amounts.get(status, 0) for status in _STATUSES}
    attempts = summary.attempts
    confirm_attempts = sum(
        count for (purpose, _), count in attempts.items() if purpose == "confirm"
    )
    deliveries = summary.deliveries.get("confirm", 0)
    stuck = store.payments.paid_still_due(now - after, province.code)
    return {
        "province": {
            "code": province.code,
            "agency_code": province.agency_code,
            "name": province.name,
        },
        "transactions": {"created": sum(transactions.values()), **transactions},
        "amounts": {"created": sum(amounts.values()), **amounts},
        "callbacks": {
            "deliveries": deliveries,
            **{state: summary.confirmations.get(state, 0) for state in _CONFIRMATION_STATES},
            "attempts": sum(attempts.values()),
            "retried": max(confirm_attempts - deliveries, 0),
            "rejected": attempts.get(("confirm", "rejected"), 0),
            "failed": attempts.get(("confirm", "failed"), 0),
            "duplicated": summary.deliveries.get("duplicate", 0),
            "duplicates_acknowledged": attempts.get(("duplicate", "acknowledged"), 0),
            "tampered": summary.deliveries.get("tampered", 0),
            "tampered_accepted": attempts.get(("tampered", "acknowledged"), 0),
        },
        "mismatches": [
            {
                "client_id": tx.client_id,
                "transaction_id": tx.transaction_id,
                "MaHoSo": tx.dossier,
                "amount": tx.amount,
                "paid_at": tx.settled_at.isoformat() if tx.settled_at else None,
                "dossier_status": status,
                "dossier_status_label": STATUS_LABELS.get(status, status),
            }
            for tx, status in stuck
        ],
    }
