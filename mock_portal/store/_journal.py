"""Streaming the journal, and the journal NDJSON format that `portalsim validate` reads.

JOURNAL NDJSON FORMAT (also in docs/journal-format.md). UTF-8, one JSON object per line, one
line per journaled message in id order, keys in this order:

    {"id": 17,
     "received_at": "2026-03-02T08:15:00.123456+07:00",
     "unit": "000.00.00.H56", "province": "38",
     "kind": "DongBoHoSoMC", "method": "POST", "path": "/api/dvcqg/integration",
     "headers": {"content-type": "application/json", ...},
     "body": "<raw request body as text>",
     "status": 200,
     "response": {"error_code": 0, ...},
     "accepted": true,
     "fault": null,
     "findings": [{"rule": "HS-001", "severity": "error", "path": "$.data[0].MaHoSo",
                   "value": "...", "hint": "..."}]}

- `received_at`: ISO 8601 in Asia/Ho_Chi_Minh (+07:00), always with microseconds.
- `unit`, `province`: null when the message could not be attributed (e.g. an unknown login).
- `body`: the request bytes decoded as UTF-8, nothing else: no Unicode normalisation, so
  encoding the string as UTF-8 gives back the exact bytes (NFD Vietnamese stays NFD). When the
  bytes are not valid UTF-8, `"body": null` is followed by `"body_base64": "<base64>"`.
- `status`: the HTTP status the portal answered; `response`: the answer parsed as JSON when it
  is JSON, else the text as a string.
- `accepted`: whether the portal accepted the message; `fault`: the label of a fault the portal
  injected on purpose, or null.
- `findings`: the conformance problems found in the message; `value` is any JSON value.

Streaming pages through the journal by id (keyset pagination) rather than holding one cursor
open: each page is a short query, so an export of millions of rows never pins a long transaction
(which would hold back WAL checkpoints on SQLite and vacuum on PostgreSQL), memory stays at one
page, and the same code serves both backends. A page's findings are read after its journal rows;
since both were committed together, every visible message has all its findings visible too.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from mock_portal.store._database import Database
from mock_portal.store._json import dumps_bytes, loads
from mock_portal.store._queries import FINDING_COLUMNS, finding_row
from mock_portal.store._records import FindingRow, JournalEntry
from mock_portal.store._times import from_micros

_JOURNAL_PAGE = """SELECT id, received_at, unit, province, kind, method, path, headers, body,
    status_code, response, accepted, fault, finding_count
    FROM journal WHERE id > ? ORDER BY id LIMIT ?"""

_PAGE_FINDINGS = (
    f"SELECT {FINDING_COLUMNS} FROM findings"
    " WHERE journal_id >= ? AND journal_id <= ? ORDER BY journal_id, id"
)


def iter_journal(db: Database, since_id: int = 0, batch: int = 1000) -> Iterator[JournalEntry]:
    """Every journal entry with an id above `since_id`, in id order, `batch` rows per query."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    last = since_id
    while True:
        rows = db.query(_JOURNAL_PAGE, (last, batch))
        if not rows:
            return
        first, last = int(rows[0][0]), int(rows[-1][0])
        by_message: defaultdict[int, list[FindingRow]] = defaultdict(list)
        if any(row[13] for row in rows):
            for finding in map(finding_row, db.query(_PAGE_FINDINGS, (first, last))):
                by_message[finding.journal_id].append(finding)
        for row in rows:
            yield JournalEntry(
                id=int(row[0]),
                received_at=from_micros(row[1]),
                unit=row[2],
                province=row[3],
                kind=row[4],
                method=row[5],
                path=row[6],
                headers=loads(row[7]),
                body=bytes(row[8]),
                status_code=int(row[9]),
                response=row[10],
                accepted=bool(row[11]),
                fault=row[12],
                finding_count=int(row[13]),
                findings=tuple(by_message.get(int(row[0]), ())),
            )
        if len(rows) < batch:
            return


def entry_to_json(entry: JournalEntry) -> dict[str, Any]:
    """One journal entry as the NDJSON object, keys in the documented order."""
    obj: dict[str, Any] = {
        "id": entry.id,
        "received_at": entry.received_at.isoformat(timespec="microseconds"),
        "unit": entry.unit,
        "province": entry.province,
        "kind": entry.kind,
        "method": entry.method,
        "path": entry.path,
        "headers": entry.headers,
    }
    try:
        obj["body"] = entry.body.decode("utf-8")
    except UnicodeDecodeError:
        obj["body"] = None
        obj["body_base64"] = base64.b64encode(entry.body).decode("ascii")
    obj["status"] = entry.status_code
    obj["response"] = _parsed_response(entry.response)
    obj["accepted"] = entry.accepted
    obj["fault"] = entry.fault
    obj["findings"] = [finding.as_finding().to_payload() for finding in entry.findings]
    return obj


def export_ndjson(db: Database, out: BinaryIO, since_id: int = 0) -> int:
    """Write the journal (entries above `since_id`) as NDJSON to `out`; returns the line count."""
    count = 0
    for entry in iter_journal(db, since_id):
        out.write(dumps_bytes(entry_to_json(entry)) + b"\n")
        count += 1
    return count


def journal_body(obj: Mapping[str, Any]) -> bytes:
    """The exact request bytes of one NDJSON journal object (`body` or `body_base64`)."""
    body = obj.get("body")
    if isinstance(body, str):
        return body.encode("utf-8")
    encoded = obj.get("body_base64")
    if isinstance(encoded, str):
        return base64.b64decode(encoded, validate=True)
    raise ValueError("journal object has neither a text body nor body_base64")


def _parsed_response(text: str) -> Any:
    try:
        return loads(text)
    except ValueError:
        return text
