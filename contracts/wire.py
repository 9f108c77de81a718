"""Reading message bodies defensively, and wire dates: rules run on any body and never raise."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from contracts._statuses import STATUS_LABELS, status_label

__all__ = [
    "STATUS_LABELS",
    "VIETNAM",
    "data_items",
    "is_wire_shaped",
    "list_items",
    "same_text",
    "sending_unit",
    "status_label",
    "text",
    "vietnam_date",
    "wire_datetime",
]

#: Vietnam keeps no daylight-saving time, so a fixed offset is exact and cheaper than zoneinfo.
VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


#: the items of the body being checked on this thread (`body`, `items`: see `memoise_items`).
#: A plain `threading.local`, not a subclass with defaults: this module is compiled with mypyc,
#: whose classes cannot derive from it (and under Locust, gevent replaces it).
_MEMO = threading.local()


def data_items(body: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(JSON path, item) for each object in `data`, whether `data` is an array or an object."""
    memo = _MEMO
    if body is not None and body is getattr(memo, "body", None):
        items: tuple[tuple[str, dict[str, Any]], ...] = memo.items
        return iter(items)
    return _walk_items(body)


def _walk_items(body: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, dict):
                yield f"$.data[{index}]", item
    elif isinstance(data, dict):
        yield "$.data", data


def memoise_items(body: Any) -> object:
    """Walk `data` once: until `restore_items`, `data_items(body)` on this thread reuses it.

    For the duration of one check, while nothing changes the body; returns the token to pass to
    `restore_items` (checks may nest).
    """
    memo = _MEMO
    previous = (getattr(memo, "body", None), getattr(memo, "items", ()))
    memo.items = tuple(_walk_items(body))
    memo.body = body
    return previous


def restore_items(token: object) -> None:
    memo = _MEMO
    memo.body, memo.items = token  # type: ignore[misc]


def list_items(
    container: dict[str, Any], key: str, path: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    value = container.get(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield f"{path}.{key}[{index}]", item


def text(container: Any, key: str) -> str:
    """The string at `key`, or "" when it is missing or not a string."""
    if not isinstance(container, dict):
        return ""
    value = container.get(key)
    return value if isinstance(value, str) else ""


def sending_unit(session_unit: str | None, body: Any) -> str:
    """The unit the message speaks for: the session's when the portal knows it, else `madonvi`."""
    return session_unit or text(body, "madonvi")


@lru_cache(maxsize=262_144)
def wire_datetime(value: str) -> datetime | None:
    """`yyyyMMddHHmmss` in Vietnam time, or None when empty, malformed or not a real instant."""
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        return None
    try:
        return datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10]),
            int(value[10:12]),
            int(value[12:14]),
            tzinfo=VIETNAM,
        )
    except ValueError:
        return None


def is_wire_shaped(value: str) -> bool:
    return len(value) == 14 and value.isascii() and value.isdigit()


def vietnam_date(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def same_text(left: str, right: str) -> bool:
    """Equal as people read them: NFC, case and runs of white space ignored."""
    return _fold(left) == _fold(right)


@lru_cache(maxsize=65_536)
def _fold(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())
