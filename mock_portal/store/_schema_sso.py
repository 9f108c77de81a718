"""Migration 3: the single sign-on provider's tables (keys, clients' codes and tokens).

Filled in by the SSO provider's implementation; see `_migrations.py` for the conventions.
"""

from __future__ import annotations

SSO_STATEMENTS: tuple[str, ...] = ()
