"""Small builders for store tests: a message record with sensible defaults, a dossier, a finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
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


_STORED_TABLES = {
    "journal": "id",
    "dossiers": "code",
    "dossier_events": "id",
    "findings": "id",
}


def tricky_batches() -> list[list[MessageRecord]]:
    """Batches with what is easy to get wrong: a dossier twice (and three times) in one batch,
    records without a province, an existing dossier updated, text any database refuses, bytes
    that are not UTF-8, odd finding values."""
    one, two = dossier(1).code, dossier(2).code
    return [
        [
            record(states=[dossier(1, status="2")], events=[DossierEvent(one, "2", T0)]),
            record(
                province=None,
                states=[dossier(1, status="4")],
                events=[DossierEvent(one, "4", T0 + timedelta(hours=1))],
                findings=[finding(value=10**30), finding("LC-007", hint="trễ\x00hạn")],
            ),
            record(body=b'{"x":"\xff\xfe\x00"}', accepted=False, fault="http_500"),
        ],
        [
            replace(
                record(province=None, states=[dossier(2, applicant='Trần Thị B 🙂\t"x"\\')]),
                headers={"x-evil": "\x00\ud800"},
            ),
            record(findings=[finding(value={"a": [1, None, True]}), finding(value=None)]),
            record(province="26", states=[dossier(2, status="3")]),
            record(province=None, states=[dossier(1, status="9")], response="ok \ud800"),
            record(
                province=None,
                states=[dossier(2, status="5"), dossier(1, status="10")],
                events=[DossierEvent(two, "5", T0), DossierEvent(one, "10", T0)],
                findings=[finding(value={1, 2} - {2}), finding(path="$\x00", value="\ud800")],
            ),
        ],
    ]


def stored_rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a message writes, in a stable order, to compare two stores."""
    return {
        table: store._db.query(f"SELECT * FROM {table} ORDER BY {key}")
        for table, key in _STORED_TABLES.items()
    }
