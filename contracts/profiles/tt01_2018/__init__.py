"""Profile `tt01-2018`: the message contracts of Circular 01/2018/TT-VPCP as DVCQG applies them.

Schemas live in `schemas/`; semantic rules register themselves on `RULES` when their modules are
imported below.
"""

from __future__ import annotations

from contracts._engine import Profile
from contracts._schemas import SchemaSet
from contracts.profiles.tt01_2018._registry import RULES
from contracts.profiles.tt01_2018.lifecycle import TRANSITIONS, record

# Imported for their registrations on RULES.
from contracts.profiles.tt01_2018 import (  # noqa: F401  isort: skip
    access,
    dossier_code,
    identifiers,
    payments,
    procedure,
    schedule,
    schema_rules,
    sso,
)

PROFILE = Profile(
    name="tt01-2018",
    title="Thông tư 01/2018/TT-VPCP — Circular 01/2018/TT-VPCP",
    schemas=SchemaSet.from_package(__name__),
    rules=RULES,
    transitions=TRANSITIONS,
    record=record,
)
