"""JSON and text for the TEXT columns (headers, finding values, fault profiles) and the export.

orjson is the fast path for writing; it refuses integers beyond 64 bits, lone surrogates and
non-JSON types, which a finding may legitimately carry as its offending value (a province can
send anything), so the standard library is the fallback, with `str()` for anything that has no
JSON form. Reading uses the standard library, because orjson turns big integers into floats.
Non-ASCII text is written as UTF-8, not escaped, so Vietnamese stays readable in the database.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON; key order kept, never raises for odd values."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        # ensure_ascii escapes lone surrogates, which no database accepts in text
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=str)
        return text.encode("ascii")


def dumps_text(value: Any) -> str:
    """Compact JSON as a str, for TEXT columns."""
    return dumps_bytes(value).decode("utf-8")


def loads(text: str | bytes) -> Any:
    """Parse JSON text; integers of any size survive."""
    return json.loads(text)


def clean_text(text: str) -> str:
    """Text any database can hold: NUL becomes U+FFFD, lone surrogates become '?'.

    PostgreSQL refuses NUL in text and neither driver encodes a lone surrogate; a path, header
    or response carrying one must still be journaled, not fail its whole batch. The exact bytes
    of a request are kept in the `body` BLOB; text columns are for reading and querying.
    """
    if text.isascii():
        return text.replace("\x00", "\ufffd") if "\x00" in text else text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text.replace("\x00", "\ufffd")


def clean_or_none(text: str | None) -> str | None:
    return None if text is None else clean_text(text)
