"""The payment platform's storage: transactions and the attempts to confirm them.

Every decision that must hold across worker processes is made here, in one statement: a
transaction id is taken once (`UNIQUE (client_id, transaction_id)`), and a pending transaction
is settled once (`UPDATE … WHERE status = 'pending'`), by whichever process commits first.
Tables and columns: `_schema_payments.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mock_portal.store._database import Database, Row
from mock_portal.store._errors import ConstraintError
from mock_portal.store._json import clean_text, dumps_text, loads
from mock_portal.store._times import from_micros, from_micros_or_none, to_micros

STATUSES = ("pending", "paid", "failed", "abandoned")
PURPOSES = ("confirm", "duplicate", "tampered")
OUTCOMES = ("acknowledged", "rejected", "failed")

_COLUMNS = """id, client_id, transaction_id, token, unit, province, dossier, procedure, amount,
    trans_amount, addition_fee, command, version, digest, bill, description, return_url, answer,
    status, transaction_code, created_at, settled_at, confirmation, journal_id"""


@dataclass(frozen=True, slots=True)
class PaymentTransaction:
    """A transaction a province created on the payment platform."""

    client_id: str
    transaction_id: str
    token: str
    unit: str
    province: str | None
    dossier: str
    procedure: str
    amount: int
    #: the signed strings, as the province sent them
    trans_amount: str
    addition_fee: str
    command: str
    version: str
    #: SHA-256 of the canonical request body
    digest: str
    bill: dict[str, Any]
    description: str
    return_url: str
    #: the success answer, as sent (a repeat of the same request gets it again)
    answer: str
    transaction_code: str
    created_at: datetime
    status: str = "pending"
    settled_at: datetime | None = None
    confirmation: str | None = None
    journal_id: int | None = None
    #: the row id; 0 until stored
    id: int = 0


@dataclass(frozen=True, slots=True)
class CallbackAttempt:
    """One attempt to deliver a paymentconfirm to the province."""

    transaction_ref: int
    province: str | None
    purpose: str
    delivery: str
    attempt: int
    sent_at: datetime
    outcome: str
    http_status: int | None
    return_code: str | None
    journal_id: int | None


@dataclass(frozen=True, slots=True)
class PaymentSummary:
    """One province's payment figures, as reconciliation reports them."""

    province: str | None
    #: transactions and their amounts (VND) per status
    transactions: dict[str, int] = field(default_factory=dict)
    amounts: dict[str, int] = field(default_factory=dict)
    #: attempts per (purpose, outcome)
    attempts: dict[tuple[str, str], int] = field(default_factory=dict)
    #: deliveries per purpose (one delivery may take several attempts)
    deliveries: dict[str, int] = field(default_factory=dict)
    #: transactions per confirmation state
    confirmations: dict[str, int] = field(default_factory=dict)


class PaymentTables:
    """Queries and updates of the payment platform's two tables, over one connection."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, tx: PaymentTransaction) -> PaymentTransaction | None:
        """Store a new transaction; None when its (client_id, transaction_id) is taken."""
        try:
            with self._db.transaction():
                self._db.execute(
                    """INSERT INTO payment_transactions (client_id, transaction_id, token, unit,
                    province, dossier, procedure, amount, trans_amount, addition_fee, command,
                    version, digest, bill, description, return_url, answer, status,
                    transaction_code, created_at, settled_at, confirmation, journal_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        clean_text(tx.client_id),
                        clean_text(tx.transaction_id),
                        tx.token,
                        tx.unit,
                        tx.province,
                        clean_text(tx.dossier),
                        clean_text(tx.procedure),
                        tx.amount,
                        clean_text(tx.trans_amount),
                        clean_text(tx.addition_fee),
                        clean_text(tx.command),
                        clean_text(tx.version),
                        tx.digest,
                        dumps_text(tx.bill),
                        clean_text(tx.description),
                        clean_text(tx.return_url),
                        clean_text(tx.answer),
                        tx.status,
                        tx.transaction_code,
                        to_micros(tx.created_at),
                        None,
                        None,
                        tx.journal_id,
                    ),
                )
        except ConstraintError:
            return None
        return self.get(tx.client_id, tx.transaction_id)

    def get(self, client_id: str, transaction_id: str) -> PaymentTransaction | None:
        return self._one(
            "client_id = ? AND transaction_id = ?",
            (clean_text(client_id), clean_text(transaction_id)),
        )

    def by_id(self, row_id: int) -> PaymentTransaction | None:
        return self._one("id = ?", (row_id,))

    def by_token(self, token: str) -> PaymentTransaction | None:
        return self._one("token = ?", (clean_text(token),))

    def with_transaction_id(self, transaction_id: str) -> list[PaymentTransaction]:
        """Every client's transaction of that id (ids are unique per client only)."""
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM payment_transactions WHERE transaction_id = ? ORDER BY id",
            (clean_text(transaction_id),),
        )
        return [_transaction(row) for row in rows]

    def pending(self, limit: int) -> list[PaymentTransaction]:
        """Up to `limit` pending transactions, oldest first."""
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM payment_transactions WHERE status = 'pending'"
            " ORDER BY id LIMIT ?",
            (limit,),
        )
        return [_transaction(row) for row in rows]

    def delete(self, row_id: int) -> None:
        """Forget a transaction whose createtransaction could not be journaled."""
        with self._db.transaction():
            self._db.execute("DELETE FROM payment_transactions WHERE id = ?", (row_id,))

    def set_journal_id(self, row_id: int, journal_id: int) -> None:
        with self._db.transaction():
            self._db.execute(
                "UPDATE payment_transactions SET journal_id = ? WHERE id = ?", (journal_id, row_id)
            )

    def settle(self, row_id: int, status: str, at: datetime, confirmation: str | None) -> bool:
        """Move a pending transaction to `status`; False when it was not pending any more."""
        if status not in STATUSES or status == "pending":
            raise ValueError(f"cannot settle a transaction as {status!r}")
        with self._db.transaction():
            changed = self._db.execute(
                "UPDATE payment_transactions SET status = ?, settled_at = ?, confirmation = ?"
                " WHERE id = ? AND status = 'pending'",
                (status, to_micros(at), confirmation, row_id),
            )
        return changed > 0

    def set_confirmation(self, row_id: int, state: str) -> None:
        with self._db.transaction():
            self._db.execute(
                "UPDATE payment_transactions SET confirmation = ? WHERE id = ?", (state, row_id)
            )

    def record_attempt(self, attempt: CallbackAttempt) -> None:
        with self._db.transaction():
            self._db.execute(
                """INSERT INTO payment_callbacks (transaction_ref, province, purpose, delivery,
                attempt, sent_at, outcome, http_status, return_code, journal_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    attempt.transaction_ref,
                    attempt.province,
                    attempt.purpose,
                    attempt.delivery,
                    attempt.attempt,
                    to_micros(attempt.sent_at),
                    attempt.outcome,
                    attempt.http_status,
                    None if attempt.return_code is None else clean_text(attempt.return_code),
                    attempt.journal_id,
                ),
            )

    def attempts(self, row_id: int) -> list[CallbackAttempt]:
        """The delivery attempts of one transaction, in order."""
        rows = self._db.query(
            "SELECT transaction_ref, province, purpose, delivery, attempt, sent_at, outcome,"
            " http_status, return_code, journal_id FROM payment_callbacks"
            " WHERE transaction_ref = ? ORDER BY id",
            (row_id,),
        )
        return [
            CallbackAttempt(
                transaction_ref=int(row[0]),
                province=row[1],
                purpose=row[2],
                delivery=row[3],
                attempt=int(row[4]),
                sent_at=from_micros(row[5]),
                outcome=row[6],
                http_status=None if row[7] is None else int(row[7]),
                return_code=row[8],
                journal_id=None if row[9] is None else int(row[9]),
            )
            for row in rows
        ]

    def summaries(self, province: str | None = None) -> list[PaymentSummary]:
        """Per-province figures (one province when given), from one consistent snapshot."""
        where, params = ("WHERE province = ?", (province,)) if province is not None else ("", ())
        with self._db.transaction(write=False):
            by_status = self._db.query(
                "SELECT province, status, count(*), coalesce(sum(amount), 0)"
                f" FROM payment_transactions {where} GROUP BY province, status",
                params,
            )
            by_confirmation = self._db.query(
                "SELECT province, confirmation, count(*) FROM payment_transactions"
                f" {where + (' AND' if where else 'WHERE')} confirmation IS NOT NULL"
                " GROUP BY province, confirmation",
                params,
            )
            by_outcome = self._db.query(
                "SELECT province, purpose, outcome, count(*)"
                f" FROM payment_callbacks {where} GROUP BY province, purpose, outcome",
                params,
            )
            by_delivery = self._db.query(
                "SELECT province, purpose, count(DISTINCT delivery)"
                f" FROM payment_callbacks {where} GROUP BY province, purpose",
                params,
            )
        summaries: dict[str | None, PaymentSummary] = {}

        def summary(of: str | None) -> PaymentSummary:
            return summaries.setdefault(of, PaymentSummary(of))

        for of, status, count, amount in by_status:
            summary(of).transactions[status] = int(count)
            summary(of).amounts[status] = int(amount)
        for of, state, count in by_confirmation:
            summary(of).confirmations[state] = int(count)
        for of, purpose, outcome, count in by_outcome:
            summary(of).attempts[(purpose, outcome)] = int(count)
        for of, purpose, count in by_delivery:
            summary(of).deliveries[purpose] = int(count)
        return sorted(summaries.values(), key=lambda s: s.province or "")

    def paid_still_due(
        self, settled_before: datetime, province: str | None = None
    ) -> list[tuple[PaymentTransaction, str]]:
        """Paid transactions settled before `settled_before` whose dossier the portal still has
        at status 6 ("Yêu cầu thực hiện nghĩa vụ tài chính"), with that status, oldest first."""
        sql = (
            f"SELECT {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}, d.status"
            " FROM payment_transactions t JOIN dossiers d ON d.code = t.dossier"
            " WHERE t.status = 'paid' AND t.settled_at < ? AND d.status = '6'"
        )
        params: tuple[Any, ...] = (to_micros(settled_before),)
        if province is not None:
            sql += " AND t.province = ?"
            params += (province,)
        rows = self._db.query(sql + " ORDER BY t.settled_at, t.id", params)
        return [(_transaction(row[:-1]), str(row[-1])) for row in rows]

    def paid_by_province(self) -> dict[str, tuple[int, int, int]]:
        """(transactions, paid, paid amount) per province, for scorecards."""
        rows = self._db.query(
            "SELECT province, count(*),"
            " sum(CASE WHEN status = 'paid' THEN 1 ELSE 0 END),"
            " coalesce(sum(CASE WHEN status = 'paid' THEN amount ELSE 0 END), 0)"
            " FROM payment_transactions WHERE province IS NOT NULL GROUP BY province"
        )
        return {str(row[0]): (int(row[1]), int(row[2] or 0), int(row[3])) for row in rows}

    def _one(self, where: str, params: tuple[Any, ...]) -> PaymentTransaction | None:
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM payment_transactions WHERE {where}", params
        )
        return None if row is None else _transaction(row)


def _transaction(row: Row) -> PaymentTransaction:
    return PaymentTransaction(
        id=int(row[0]),
        client_id=row[1],
        transaction_id=row[2],
        token=row[3],
        unit=row[4],
        province=row[5],
        dossier=row[6],
        procedure=row[7],
        amount=int(row[8]),
        trans_amount=row[9],
        addition_fee=row[10],
        command=row[11],
        version=row[12],
        digest=row[13],
        bill=loads(row[14]),
        description=row[15],
        return_url=row[16],
        answer=row[17],
        status=row[18],
        transaction_code=row[19],
        created_at=from_micros(row[20]),
        settled_at=from_micros_or_none(row[21]),
        confirmation=row[22],
        journal_id=None if row[23] is None else int(row[23]),
    )
