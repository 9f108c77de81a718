"""The DVCQG message contracts: schemas, semantic rules, and the entry point that judges a message.

>>> from contracts import profiles
>>> profile = profiles.load("tt01-2018")
"""

from contracts._context import (
    AgencyRegistry,
    DossierLedger,
    DossierState,
    MemoryLedger,
    NoPaymentKeys,
    PaymentKeys,
    ProcedureCatalogue,
    ProcedureRef,
    StaticPaymentKeys,
    WorkingCalendar,
)
from contracts._engine import CheckContext, Profile, Validator
from contracts._findings import Finding, RuleKind, Severity, Violation
from contracts._messages import (
    INTEGRATION_SERVICES,
    SHARE_SERVICES,
    Message,
    MessageKind,
    classify,
)
from contracts._rules import Rule, RuleRegistry
from contracts._statuses import STATUS_LABELS, status_label

__all__ = [
    "INTEGRATION_SERVICES",
    "SHARE_SERVICES",
    "STATUS_LABELS",
    "AgencyRegistry",
    "CheckContext",
    "DossierLedger",
    "DossierState",
    "Finding",
    "MemoryLedger",
    "Message",
    "MessageKind",
    "NoPaymentKeys",
    "PaymentKeys",
    "ProcedureCatalogue",
    "ProcedureRef",
    "Profile",
    "Rule",
    "RuleKind",
    "RuleRegistry",
    "Severity",
    "StaticPaymentKeys",
    "Validator",
    "Violation",
    "WorkingCalendar",
    "classify",
    "status_label",
]
