"""Small builders for store tests: a message record with sensible defaults, a dossier, a finding."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from contracts import DossierState, Finding, Severity
from mock_portal.store import VIETNAM, DossierEvent, MessageRecord, Store
from mock_portal.store._inbox import sqlite_inbox

T0 = datetime(2026, 3, 2, 8, 15, 0, 123456, tzinfo=VIETNAM)
UNIT = "000.00.00.H56"
PROVINCE = "38"


def dossier(
    number: int = 1, *, unit: str = UNIT, status: str = "2", applicant: str = "Nguyễn Văn An"
) -> DossierState:
    return DossierState(
        code=f"{unit}-260302-{number:04d}",
        unit=unit,
        status=status,
        procedure="2.000635",
        applicant=applicant,
        received_at=T0,
        due_at=T0 + timedelta(days=3),
        last_event_at=T0 + timedelta(hours=1),
        has_extension=False,
    )


def finding(rule: str = "HS-001", severity: Severity = Severity.ERROR, **kw: Any) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        message=0,
        path=kw.get("path", "$.data[0].MaHoSo"),
        value=kw.get("value", "38.98.H29-210519-0013"),
        hint=kw.get("hint", "dùng mã hồ sơ theo Điều 19"),
    )


def record(
    *,
    at: datetime = T0,
    unit: str | None = UNIT,
    province: str | None = PROVINCE,
    kind: str = "DongBoHoSoMC",
    body: bytes = b'{"service":"DongBoHoSoMC"}',
    accepted: bool = True,
    fault: str | None = None,
    findings: Sequence[Finding] = (),
    states: Sequence[DossierState] = (),
    events: Sequence[DossierEvent] = (),
    response: str = '{"error_code":0}',
    path: str = "/api/dvcqg/integration",
) -> MessageRecord:
    return MessageRecord(
        received_at=at,
        unit=unit,
        province=province,
        kind=kind,
        method="POST",
        path=path,
        headers={"content-type": "application/json", "dstcode": "H56"},
        body=body,
        status_code=200 if accepted else 400,
        response=response,
        accepted=accepted,
        fault=fault,
        findings=findings,
        dossier_states=states,
        events=events,
    )


def writes_as_later_batch(store: Store) -> None:
    """Make the store's next write_batch take the path of a connection's later batches.

    On SQLite a connection's first batch reads the next journal id under the write lock and
    later ones go as one statement (`mock_portal.store._inbox`); this does what a first batch
    leaves behind, the next id, for an empty journal. PostgreSQL has one path.
    """
    if store.backend == "sqlite":
        sqlite_inbox(store._db).continue_after(store.journal_count())
