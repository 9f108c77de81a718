"""The mock portal's storage: one schema and one code path over SQLite (default) and PostgreSQL.

>>> from mock_portal.store import Store
>>> store = Store.open("sqlite:///portal.db")  # or postgresql://user:pw@host/db
>>> store.migrate()
1

Every acknowledged message is durable: `write_batch` commits a batch of messages (their journal
rows, findings and dossier changes) in one transaction before the portal answers any of them.
"""

from mock_portal.store._accounts import token_hash
from mock_portal.store._audit import StoredDossier, StoredEvent
from mock_portal.store._checkpoint import WalCheckpointer
from mock_portal.store._database import mask_url, sqlite_file
from mock_portal.store._errors import ConstraintError, StoreError
from mock_portal.store._journal import entry_to_json, journal_body
from mock_portal.store._json import dumps_bytes
from mock_portal.store._ledger import StoreLedger
from mock_portal.store._migrations import LATEST_VERSION
from mock_portal.store._payments import (
    CallbackAttempt,
    PaymentSummary,
    PaymentTables,
    PaymentTransaction,
)
from mock_portal.store._records import (
    DossierEvent,
    FindingRow,
    JournalEntry,
    MessageRecord,
    ProvinceSummary,
    Unit,
)
from mock_portal.store._sso import AccessToken, AuthorizationCode, SsoTables, StoredKey
from mock_portal.store._store import Store
from mock_portal.store._times import VIETNAM

__all__ = [
    "LATEST_VERSION",
    "VIETNAM",
    "AccessToken",
    "AuthorizationCode",
    "CallbackAttempt",
    "ConstraintError",
    "DossierEvent",
    "FindingRow",
    "JournalEntry",
    "MessageRecord",
    "PaymentSummary",
    "PaymentTables",
    "PaymentTransaction",
    "ProvinceSummary",
    "SsoTables",
    "Store",
    "StoreError",
    "StoreLedger",
    "StoredDossier",
    "StoredEvent",
    "StoredKey",
    "Unit",
    "WalCheckpointer",
    "dumps_bytes",
    "entry_to_json",
    "journal_body",
    "mask_url",
    "sqlite_file",
    "token_hash",
]
