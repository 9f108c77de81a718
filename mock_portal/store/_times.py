"""Times at the storage boundary: integer microseconds since the epoch (UTC) in the database.

Integers sort, compare and index identically on SQLite and PostgreSQL, keep microseconds
exactly, and sidestep both drivers' datetime adapters (sqlite3's are deprecated). The API hands
out timezone-aware datetimes in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), the zone every
date on the DVCQG wire is in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is read as Asia/Ho_Chi_Minh wall time.

    Naive times reach the store from wire dates (`yyyyMMddHHmmss`), which the contract defines
    in Vietnamese local time, so that is the only sensible reading of them.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return (moment - _EPOCH) // _MICROSECOND


def to_micros_or_none(moment: datetime | None) -> int | None:
    return None if moment is None else to_micros(moment)


def from_micros(micros: int) -> datetime:
    """The aware datetime in Asia/Ho_Chi_Minh for a stored integer."""
    return (_EPOCH + timedelta(microseconds=micros)).astimezone(VIETNAM)


def from_micros_or_none(micros: int | None) -> datetime | None:
    return None if micros is None else from_micros(micros)
