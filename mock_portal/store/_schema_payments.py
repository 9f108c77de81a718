"""Migration 2: the payment platform's tables (transactions, callbacks).

See `_migrations.py` for the conventions (times BIGINT microseconds UTC, JSON as TEXT).

- `payment_transactions(id, client_id, transaction_id, token, unit, province, dossier,
  procedure, amount, trans_amount, addition_fee, command, version, digest, bill, description,
  return_url, answer, status, transaction_code, created_at, settled_at, confirmation,
  journal_id)` — one row per transaction a province created (`UNIQUE (client_id,
  transaction_id)`). `trans_amount`, `addition_fee`, `command` and `version` are the strings the
  province signed (the confirmation is signed over them again); `amount` is `trans_amount` as a
  number; `digest` is the SHA-256 of the canonical request body (a repeat with the same body
  gets `answer` again, byte for byte); `bill` is `bill_info` as JSON (the payment page shows it);
  `token` names the payment page (`/pay/{token}`); `status` is pending, paid, failed or
  abandoned; `confirmation` is the state of the paymentconfirm callback (NULL: none due,
  delivering, acknowledged, given_up, undeliverable, interrupted); `journal_id` is the journal
  row of the createtransaction that made it (no foreign key: the journal is written by the
  group-commit writer, after this row). The hash keys are never stored.
- `payment_callbacks(id, transaction_ref → payment_transactions, province, purpose, delivery,
  attempt, sent_at, outcome, http_status, return_code, journal_id)` — one row per attempt to
  deliver a paymentconfirm: `purpose` confirm (the real one, retried), duplicate (the same
  confirmation again, on purpose) or tampered (a forged checksum, on purpose); `delivery` groups
  the attempts of one delivery; `outcome` acknowledged (return_code 0), rejected (another
  return_code) or failed (no usable answer: unreachable, timeout, HTTP error, not JSON);
  `http_status` NULL when nothing came back.
"""

from __future__ import annotations

PAYMENT_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE payment_transactions (
        id {serial_pk},
        client_id TEXT NOT NULL,
        transaction_id TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        unit TEXT NOT NULL,
        province TEXT,
        dossier TEXT NOT NULL,
        procedure TEXT NOT NULL,
        amount BIGINT NOT NULL,
        trans_amount TEXT NOT NULL,
        addition_fee TEXT NOT NULL,
        command TEXT NOT NULL,
        version TEXT NOT NULL,
        digest TEXT NOT NULL,
        bill TEXT NOT NULL,
        description TEXT NOT NULL,
        return_url TEXT NOT NULL,
        answer TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'abandoned')),
        transaction_code TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        settled_at BIGINT,
        confirmation TEXT CHECK (confirmation IN ('delivering', 'acknowledged', 'given_up',
            'undeliverable', 'interrupted')),
        journal_id BIGINT,
        UNIQUE (client_id, transaction_id)
    )""",
    "CREATE INDEX payment_transactions_province_status ON payment_transactions (province, status)",
    "CREATE INDEX payment_transactions_status ON payment_transactions (status, id)",
    "CREATE INDEX payment_transactions_transaction_id ON payment_transactions (transaction_id)",
    "CREATE INDEX payment_transactions_dossier ON payment_transactions (dossier)",
    """CREATE TABLE payment_callbacks (
        id {serial_pk},
        transaction_ref BIGINT NOT NULL REFERENCES payment_transactions (id) ON DELETE CASCADE,
        province TEXT,
        purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'duplicate', 'tampered')),
        delivery TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        sent_at BIGINT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('acknowledged', 'rejected', 'failed')),
        http_status INTEGER,
        return_code TEXT,
        journal_id BIGINT
    )""",
    "CREATE INDEX payment_callbacks_transaction_ref ON payment_callbacks (transaction_ref)",
    "CREATE INDEX payment_callbacks_province ON payment_callbacks (province)",
)
