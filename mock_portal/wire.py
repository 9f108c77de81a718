"""The portal's side of the wire: reading request bodies safely, and answering as DVCQG does.

Real clients (OpenCPS) treat any HTTP status ≥ 400 as failure without reading the body, treat
`error_code` 0 (number or "0") as success, and read a non-numeric code as success too. So every
answer is a JSON object with a numeric `error_code`: 0 for success, a code of `ErrorCode`
otherwise; no byte-order mark, never a redirect.
"""

from __future__ import annotations

import enum
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

JSON_MEDIA_TYPE = "application/json"


class ErrorCode(enum.IntEnum):
    """Numeric refusal codes of the `error_code` in the portal's answers (see the README)."""

    OK = 0
    NOT_CONFORMANT = 1
    MALFORMED = 2
    UNKNOWN_SERVICE = 3
    SESSION = 4
    FORBIDDEN = 5
    LOGIN_FAILED = 6
    THROTTLED = 7
    TOO_LARGE = 8
    MEDIA_TYPE = 9
    UNAVAILABLE = 10
    STORAGE = 11
    NOT_FOUND = 12


class WireError(Exception):
    """A request refused before it reaches the contract checks."""

    def __init__(self, status: int, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def answer(
    payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload), status_code=status, media_type=JSON_MEDIA_TYPE, headers=headers
    )


def refusal(
    code: ErrorCode,
    message: str,
    *,
    status: int = 200,
    findings: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    payload: dict[str, Any] = {"error_code": int(code), "message": message}
    if status == 200:
        # An RPC-level refusal has the shape of every portal answer, `result` included.
        payload["result"] = []
    if findings is not None:
        payload["findings"] = findings
    return answer(payload, status, headers)


def check_media_type(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        shown = media_type or "none"
        raise WireError(
            415, ErrorCode.MEDIA_TYPE, f"Content-Type must be application/json, not {shown}"
        )


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The whole body, refusing (413) as soon as it passes `max_bytes`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise WireError(413, ErrorCode.TOO_LARGE, f"body of {declared} bytes exceeds {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise WireError(413, ErrorCode.TOO_LARGE, f"body exceeds {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json_object(raw: bytes, max_depth: int) -> tuple[str, dict[str, Any]]:
    """(text, object) of a JSON body, or WireError naming what is wrong with it."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WireError(
            400, ErrorCode.MALFORMED, f"body is not UTF-8 (invalid byte at offset {error.start})"
        ) from None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if str(error).startswith("depth limit exceeded"):
            # orjson stops at its own limit (1024 levels): the body may be JSON, just too deep.
            raise _too_deep(max_depth) from None
        raise WireError(400, ErrorCode.MALFORMED, f"body is not JSON: {error}") from None
    # Counting brackets is cheap; the walk runs only when nesting could exceed the limit.
    if raw.count(b"[") + raw.count(b"{") > max_depth and _deeper_than(body, max_depth):
        raise _too_deep(max_depth)
    if not isinstance(body, dict):
        raise WireError(400, ErrorCode.MALFORMED, "body must be a JSON object")
    return text, body


def _too_deep(max_depth: int) -> WireError:
    return WireError(400, ErrorCode.MALFORMED, f"JSON nested deeper than {max_depth} levels")


def _deeper_than(body: Any, max_depth: int) -> bool:
    """Whether containers nest more than `max_depth` levels (iterative: no recursion limit)."""
    if not isinstance(body, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
