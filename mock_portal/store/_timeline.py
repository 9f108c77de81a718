"""The journal over time, for the dashboard: what changed last, and messages per time bucket."""

from __future__ import annotations

from datetime import datetime

from mock_portal.store._database import Database
from mock_portal.store._times import from_micros

#: bucket widths the timeline picks from, in seconds, so axes read in round units
_BUCKETS = (1, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400)


def last_journal_id(db: Database) -> int:
    """The newest journal entry's id (0 when empty): a cheap "anything new?" for live pages."""
    return int(db.scalar("SELECT coalesce(max(id), 0) FROM journal"))


def journal_timeline(
    db: Database, province: str, points: int = 120
) -> tuple[datetime | None, int, list[tuple[int, str | None, int]]]:
    """A province's journal in about `points` buckets: the first bucket's start, the bucket
    width in seconds, and (bucket index, fault label, messages) rows."""
    first, last = db.query_one(
        "SELECT min(received_at), max(received_at) FROM journal WHERE province = ?", (province,)
    ) or (None, None)
    if first is None or last is None:
        return None, 1, []
    span = (int(last) - int(first)) / 1_000_000
    width = next((b for b in _BUCKETS if span / b <= points), _BUCKETS[-1])
    step = width * 1_000_000
    rows = db.query(
        "SELECT (received_at - ?) / ?, fault, count(*) FROM journal WHERE province = ?"
        " GROUP BY 1, 2 ORDER BY 1",
        (int(first), step, province),
    )
    start = from_micros(int(first))
    return start, width, [(int(index), fault, int(count)) for index, fault, count in rows]
