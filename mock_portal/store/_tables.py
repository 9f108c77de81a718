"""The four tables a message writes, as multi-row INSERTs of both backends (`_writes`, `_inbox`).

Column order here is the order of the tuples `_writes.record_rows` builds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Table:
    """The multi-row INSERT of one table, in both backends' forms."""

    #: `INSERT INTO table (columns…)`
    head: str
    columns: int
    #: what follows the rows (an ON CONFLICT clause)
    tail: str = ""


JOURNAL = Table(
    """INSERT INTO journal (id, received_at, unit, province, kind, method, path, headers, body,
    status_code, response, accepted, fault, finding_count)""",
    14,
)
DOSSIERS = Table(
    """INSERT INTO dossiers (code, unit, province, status, procedure, applicant, received_at,
    due_at, last_event_at, has_extension, first_journal_id, updated_journal_id)""",
    12,
    # A dossier keeps the message that created it; a record without a province keeps the old
    # one.
    """
    ON CONFLICT (code) DO UPDATE SET
        unit = excluded.unit,
        province = coalesce(excluded.province, dossiers.province),
        status = excluded.status,
        procedure = excluded.procedure,
        applicant = excluded.applicant,
        received_at = excluded.received_at,
        due_at = excluded.due_at,
        last_event_at = excluded.last_event_at,
        has_extension = excluded.has_extension,
        updated_journal_id = excluded.updated_journal_id""",
)
EVENTS = Table(
    "INSERT INTO dossier_events (dossier, journal_id, status, event_at, recorded_at)",
    5,
)
FINDINGS = Table(
    """INSERT INTO findings (journal_id, rule, severity, unit, province, path, value, hint,
    received_at)""",
    9,
)
