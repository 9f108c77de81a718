"""Reading captures: HAR 1.2 files and NDJSON journals, streamed entry by entry.

Each entry becomes a `CapturedMessage`: the request body parsed (or why it could not be), its
path and receive time. A malformed entry is returned with its `parse_error`, so it becomes a
finding on that entry while the rest of the capture is still checked; a file that is not a
capture at all raises `CaptureError` (exit 2).

The NDJSON journal format is the mock portal's export (docs/journal-format.md): one object per
line with at least `body` (the raw request text) or `request` (the parsed body); `received_at`
(ISO 8601), `path`, `unit` and `accepted` are used when present.

Exchanges with the portal's single sign-on provider (OpenID Connect forms and redirects, not
messages of the Circular) are skipped: journal entries of an `sso-…` kind and HAR entries to
its paths. The provider judged them live; their findings are in the portal's store.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import ijson
import orjson

from contracts import Message, classify
from simulator.errors import CaptureError

_SNIFF_BYTES = 1 << 16
#: as `mock_portal.sso.KIND_PREFIX` and `SSO_PATHS` (kept here so validating needs no portal)
SSO_KIND_PREFIX = "sso-"
SSO_PATHS = frozenset(
    {
        "/.well-known/openid-configuration",
        "/oauth2/authorize",
        "/oauth2/token",
        "/oauth2/userinfo",
        "/oauth2/introspect",
        "/oauth2/jwks",
        "/oidc/logout",
    }
)


@dataclass(slots=True)
class CapturedMessage:
    message: Message
    parse_error: str | None = None
    #: False when the portal refused the message: it is checked but moves no lifecycle state
    accepted: bool = True


def read_capture(path: Path) -> Iterator[CapturedMessage]:
    """The messages of a HAR or NDJSON capture, in order, without loading the file whole."""
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise CaptureError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CaptureError(f"{path}: is a directory, not a capture file") from None
    except OSError as error:
        raise CaptureError(f"{path}: cannot read: {error.strerror}") from None
    with stream:
        kind = _sniff(path, stream)
        if kind == "har":
            yield from _read_har(path, stream)
        else:
            yield from _read_ndjson(path, stream)


def _sniff(path: Path, stream: BinaryIO) -> str:
    head = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text:
        raise CaptureError(f"{path}: empty file, neither HAR nor NDJSON")
    if not text.startswith(b"{"):
        raise CaptureError(f"{path}: neither HAR nor NDJSON (it does not start with a JSON object)")
    first_line = text.split(b"\n", 1)[0]
    try:
        first = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        first = None
    if isinstance(first, dict):
        return "har" if "log" in first else "ndjson"
    # A multi-line JSON document: HAR if its top-level object has `log`.
    try:
        for prefix, event, value in ijson.parse(_BomSkipping(stream)):
            if prefix == "" and event == "map_key":
                stream.seek(0)
                if value == "log":
                    return "har"
                break
    except (ijson.JSONError, UnicodeDecodeError) as error:
        raise CaptureError(f"{path}: neither HAR nor NDJSON ({_short(error)})") from None
    raise CaptureError(f"{path}: neither HAR nor NDJSON (a JSON object without `log`)")


class _BomSkipping:
    """A binary stream that hides a leading UTF-8 byte-order mark from the JSON parser."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._first = True

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        if self._first:
            self._first = False
            chunk = chunk.removeprefix(b"\xef\xbb\xbf")
        return chunk


def _read_har(path: Path, stream: BinaryIO) -> Iterator[CapturedMessage]:
    index = 0
    try:
        for entry in ijson.items(_BomSkipping(stream), "log.entries.item", use_float=True):
            request = entry.get("request") if isinstance(entry, dict) else None
            post = request.get("postData") if isinstance(request, dict) else None
            body_text = post.get("text") if isinstance(post, dict) else None
            if not isinstance(body_text, str):
                index += 1
                continue  # a GET or a page load: not a message of the contract
            url = request.get("url") if isinstance(request, dict) else None
            if isinstance(url, str) and _is_sso_url(url):
                index += 1
                continue  # an OpenID Connect exchange, not a message of the contract
            yield _message_from_text(
                index,
                body_text,
                path=url if isinstance(url, str) else None,
                received_at=_timestamp(entry.get("startedDateTime")),
                unit=None,
            )
            index += 1
    except ijson.IncompleteJSONError:
        raise CaptureError(f"{path}: truncated HAR (the JSON ends after entry {index})") from None
    except (ijson.JSONError, UnicodeDecodeError) as error:
        raise CaptureError(f"{path}: malformed HAR after entry {index}: {_short(error)}") from None


def _read_ndjson(path: Path, stream: BinaryIO) -> Iterator[CapturedMessage]:
    index = 0
    for line_number, raw_line in enumerate(stream, start=1):
        line = raw_line.strip()
        if line_number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line:
            continue
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            _check_utf8(path, line, line_number)  # orjson also refuses bad UTF-8: say which
            yield _malformed(index, f"line {line_number}: not JSON ({_short(error)})")
        else:
            if not _is_sso_entry(entry):
                yield _journal_entry(index, entry, line_number)
        index += 1


def _check_utf8(path: Path, line: bytes, line_number: int) -> None:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaptureError(
            f"{path}: line {line_number}: not UTF-8 (byte {error.start + 1})"
        ) from None


def _journal_entry(index: int, entry: Any, line_number: int) -> CapturedMessage:
    if not isinstance(entry, dict):
        return _malformed(index, f"line {line_number}: not a JSON object")
    path = entry.get("path") if isinstance(entry.get("path"), str) else None
    received_at = _timestamp(entry.get("received_at"))
    unit = entry.get("unit") if isinstance(entry.get("unit"), str) else None
    accepted = entry.get("accepted") is not False
    body = entry.get("body")
    if isinstance(body, str):
        captured = _message_from_text(index, body, path=path, received_at=received_at, unit=unit)
    elif "request" in entry:
        request = entry["request"]
        captured = CapturedMessage(
            Message(index, classify(request, path), request, received_at, path, unit)
        )
    elif isinstance(entry.get("body_base64"), str):
        captured = _message_from_base64(index, entry["body_base64"], path, received_at, unit)
    else:
        return _malformed(index, f"line {line_number}: no `body` or `request` in the entry")
    captured.accepted = accepted
    return captured


def _is_sso_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/") in SSO_PATHS


def _is_sso_entry(entry: Any) -> bool:
    """A journal entry of the portal's SSO provider (an `sso-…` kind)."""
    kind = entry.get("kind") if isinstance(entry, dict) else None
    return isinstance(kind, str) and kind.startswith(SSO_KIND_PREFIX)


def _message_from_base64(
    index: int, encoded: str, path: str | None, received_at: datetime | None, unit: str | None
) -> CapturedMessage:
    try:
        raw = base64.b64decode(encoded, validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return _malformed(index, "body is not UTF-8 text")
    return _message_from_text(index, text, path=path, received_at=received_at, unit=unit)


def _message_from_text(
    index: int, text: str, *, path: str | None, received_at: datetime | None, unit: str | None
) -> CapturedMessage:
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        captured = _malformed(index, f"body is not JSON ({_short(error)})")
        captured.message.path = path
        captured.message.received_at = received_at
        return captured
    message = Message(index, classify(body, path), body, received_at, path, unit, text)
    return CapturedMessage(message)


def _malformed(index: int, reason: str) -> CapturedMessage:
    return CapturedMessage(Message(index, classify(None), None), parse_error=reason)


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:160]
