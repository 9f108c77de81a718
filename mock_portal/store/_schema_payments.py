"""Migration 2: the payment platform's tables (transactions, callbacks).

Filled in by the payment platform's implementation; see `_migrations.py` for the conventions.
"""

from __future__ import annotations

PAYMENT_STATEMENTS: tuple[str, ...] = ()
