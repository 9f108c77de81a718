"""Reads for the operator API and the scorecards: filters, counts, per-province aggregates.

Every aggregate is computed by the database (GROUP BY over indexed columns), never by loading
rows into Python, so a report over millions of messages stays cheap. Time filters are
half-open: `since` inclusive, `until` exclusive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from contracts import DossierState, Severity
from mock_portal.store._database import Database, Row
from mock_portal.store._json import loads
from mock_portal.store._records import DossierEvent, FindingRow, ProvinceSummary
from mock_portal.store._times import from_micros, from_micros_or_none, to_micros_or_none

#: columns `finding_counts` may group by
FINDING_GROUPS = frozenset({"province", "unit", "rule", "severity"})

FINDING_COLUMNS = "id, journal_id, rule, severity, unit, province, path, value, hint, received_at"


def where(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause of the conditions whose value is not None, and its parameters."""
    clauses = [clause for clause, value in conditions if value is not None]
    params = [value for _, value in conditions if value is not None]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def finding_row(row: Row) -> FindingRow:
    return FindingRow(
        id=int(row[0]),
        journal_id=int(row[1]),
        rule=row[2],
        severity=Severity(row[3]),
        unit=row[4],
        province=row[5],
        path=row[6],
        value=loads(row[7]),
        hint=row[8],
        received_at=from_micros(row[9]),
    )


def findings(
    db: Database,
    *,
    province: str | None,
    unit: str | None,
    rule: str | None,
    severity: str | None,
    journal_id: int | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> list[FindingRow]:
    clause, params = where(
        ("province = ?", province),
        ("unit = ?", unit),
        ("rule = ?", rule),
        ("severity = ?", severity),
        ("journal_id = ?", journal_id),
        ("received_at >= ?", to_micros_or_none(since)),
        ("received_at < ?", to_micros_or_none(until)),
    )
    sql = f"SELECT {FINDING_COLUMNS} FROM findings{clause} ORDER BY id LIMIT ? OFFSET ?"
    return [finding_row(row) for row in db.query(sql, [*params, limit, offset])]


def finding_counts(
    db: Database,
    group_by: Sequence[str],
    *,
    province: str | None,
    unit: str | None,
    since: datetime | None,
    until: datetime | None,
    distinct_messages: bool = False,
) -> dict[tuple[str | None, ...], int]:
    unknown = [column for column in group_by if column not in FINDING_GROUPS]
    if unknown:
        raise ValueError(
            f"cannot group findings by {unknown}; choose from {sorted(FINDING_GROUPS)}"
        )
    clause, params = where(
        ("province = ?", province),
        ("unit = ?", unit),
        ("received_at >= ?", to_micros_or_none(since)),
        ("received_at < ?", to_micros_or_none(until)),
    )
    columns = ", ".join(group_by)
    count = "count(DISTINCT journal_id)" if distinct_messages else "count(*)"
    if not group_by:
        return {(): int(db.scalar(f"SELECT {count} FROM findings{clause}", params))}
    sql = f"SELECT {columns}, {count} FROM findings{clause} GROUP BY {columns} ORDER BY {columns}"
    return {tuple(row[:-1]): int(row[-1]) for row in db.query(sql, params)}


def journal_count(
    db: Database,
    *,
    province: str | None,
    unit: str | None,
    kind: str | None,
    accepted: bool | None,
    faulted: bool | None,
    since: datetime | None,
    until: datetime | None,
) -> int:
    fault_clause = None if faulted is None else "fault IS NOT NULL" if faulted else "fault IS NULL"
    clause, params = where(
        ("province = ?", province),
        ("unit = ?", unit),
        ("kind = ?", kind),
        ("accepted = ?", None if accepted is None else int(accepted)),
        ("received_at >= ?", to_micros_or_none(since)),
        ("received_at < ?", to_micros_or_none(until)),
    )
    if fault_clause is not None:
        clause += (" AND " if clause else " WHERE ") + fault_clause
    return int(db.scalar(f"SELECT count(*) FROM journal{clause}", params))


#: journal columns `message_counts` may group by
MESSAGE_GROUPS = frozenset({"province", "unit", "kind", "fault", "accepted"})


def message_counts(
    db: Database,
    group_by: Sequence[str],
    *,
    rules: Sequence[str] | None,
    severity: str | None,
) -> dict[tuple[Any, ...], int]:
    """Messages (not findings) per group; with `rules`/`severity`, only the messages that have
    at least one finding of those rules / that severity, each message counted once."""
    unknown = [column for column in group_by if column not in MESSAGE_GROUPS]
    if unknown:
        raise ValueError(
            f"cannot group messages by {unknown}; choose from {sorted(MESSAGE_GROUPS)}"
        )
    clause, params = "", list[Any]()
    if rules is not None or severity is not None:
        conditions, params = where(("severity = ?", severity))
        if rules is not None:
            marks = ", ".join("?" for _ in rules) or "NULL"
            conditions += (" AND " if conditions else " WHERE ") + f"rule IN ({marks})"
            params = [*params, *rules]
        clause = f" WHERE id IN (SELECT journal_id FROM findings{conditions})"
    if not group_by:
        return {(): int(db.scalar(f"SELECT count(*) FROM journal{clause}", params))}
    columns = ", ".join(group_by)
    sql = f"SELECT {columns}, count(*) FROM journal{clause} GROUP BY {columns} ORDER BY {columns}"
    return {tuple(row[:-1]): int(row[-1]) for row in db.query(sql, params)}


def get_dossier(db: Database, code: str) -> DossierState | None:
    row = db.query_one(
        "SELECT unit, status, procedure, applicant, received_at, due_at, last_event_at,"
        " has_extension FROM dossiers WHERE code = ?",
        (code,),
    )
    if row is None:
        return None
    return DossierState(
        code=code,
        unit=row[0],
        status=row[1],
        procedure=row[2],
        applicant=row[3],
        received_at=from_micros_or_none(row[4]),
        due_at=from_micros_or_none(row[5]),
        last_event_at=from_micros_or_none(row[6]),
        has_extension=bool(row[7]),
    )


def dossier_events(db: Database, code: str) -> list[DossierEvent]:
    rows = db.query(
        "SELECT status, event_at FROM dossier_events WHERE dossier = ? ORDER BY event_at, id",
        (code,),
    )
    return [DossierEvent(code, status, from_micros(event_at)) for status, event_at in rows]


def dossier_status_counts(db: Database, province: str | None) -> dict[str, int]:
    clause, params = where(("province = ?", province))
    sql = f"SELECT status, count(*) FROM dossiers{clause} GROUP BY status ORDER BY status"
    return {status: int(count) for status, count in db.query(sql, params)}


def province_summary(db: Database) -> list[ProvinceSummary]:
    """Per province, from one snapshot: messages, outcomes, dossiers, findings, faults."""
    with db.transaction(write=False):
        messages = db.query(
            "SELECT province, count(*), coalesce(sum(accepted), 0) FROM journal GROUP BY province"
        )
        dossiers = db.query(
            "SELECT province, status, count(*) FROM dossiers GROUP BY province, status"
        )
        rules = db.query("SELECT province, rule, count(*) FROM findings GROUP BY province, rule")
        faults = db.query(
            "SELECT province, fault, count(*) FROM journal WHERE fault IS NOT NULL"
            " GROUP BY province, fault"
        )
    totals = {province: (int(total), int(accepted)) for province, total, accepted in messages}
    statuses: defaultdict[str | None, dict[str, int]] = defaultdict(dict)
    for province, status, count in dossiers:
        statuses[province][status] = int(count)
    per_rule: defaultdict[str | None, dict[str, int]] = defaultdict(dict)
    for province, rule, count in rules:
        per_rule[province][rule] = int(count)
    per_fault: defaultdict[str | None, dict[str, int]] = defaultdict(dict)
    for province, fault, count in faults:
        per_fault[province][fault] = int(count)
    provinces = set(totals) | set(statuses) | set(per_rule) | set(per_fault)
    result = []
    for province in sorted(provinces, key=lambda p: (p is None, p or "")):
        total, accepted = totals.get(province, (0, 0))
        result.append(
            ProvinceSummary(
                province=province,
                messages=total,
                accepted=accepted,
                rejected=total - accepted,
                dossiers=sum(statuses[province].values()),
                dossier_statuses=dict(sorted(statuses[province].items(), key=_status_order)),
                findings=dict(sorted(per_rule[province].items())),
                faults=dict(sorted(per_fault[province].items())),
            )
        )
    return result


def _status_order(item: tuple[str, int]) -> tuple[int, str]:
    """Statuses "1"…"10" in numeric order, anything else after them."""
    status = item[0]
    return (int(status), "") if status.isdigit() else (1 << 30, status)
