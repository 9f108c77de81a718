"""The rule registry of profile tt01-2018, shared by its rule modules."""

from __future__ import annotations

from contracts._rules import RuleRegistry

RULES = RuleRegistry()
