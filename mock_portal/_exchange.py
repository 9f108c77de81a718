"""One inbound exchange: what was received, what was answered, and its journal record."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from starlette.requests import Request
from starlette.responses import Response

from contracts import Finding, Severity
from mock_portal.store import MessageRecord

_KEPT_HEADERS = ("content-type", "charset", "dstcode", "user-agent")
_KEPT_KEYS = {name.encode("latin-1"): name for name in _KEPT_HEADERS}
#: paths that `request.url.path` gives back unchanged (every path the portal routes is one)
_PLAIN_PATH = re.compile(r"/(?!/)[A-Za-z0-9._~/-]*")


@dataclass
class Exchange:
    """Collects what a handler learns about one request until it is journaled."""

    received_at: datetime
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""
    unit: str | None = None
    province: str | None = None
    kind: str = "unknown"
    findings: list[Finding] = field(default_factory=list)
    fault: str | None = None

    @classmethod
    def of(cls, request: Request, received_at: datetime) -> Exchange:
        return cls(
            received_at, request.method, _path(request), _kept_headers(request.scope["headers"])
        )

    def finding(self, rule: str, path: str, value: object, hint: str) -> None:
        """A finding the portal raises itself (refusals), attributed like the rules' own."""
        self.findings.append(Finding(rule, Severity.ERROR, 0, path, value, hint))

    def record(self, response: Response, *, accepted: bool, **changes: object) -> MessageRecord:
        return MessageRecord(
            received_at=self.received_at,
            unit=self.unit,
            province=self.province,
            kind=self.kind,
            method=self.method,
            path=self.path,
            headers=self.headers,
            body=self.body,
            status_code=response.status_code,
            response=bytes(response.body).decode("utf-8", "replace"),
            accepted=accepted,
            fault=self.fault,
            findings=tuple(self.findings),
            **changes,  # type: ignore[arg-type]
        )


def _path(request: Request) -> str:
    """`request.url.path`, without parsing a whole URL for the plain paths the routes match."""
    path: str = request.scope["path"]
    return path if _PLAIN_PATH.fullmatch(path) else request.url.path


def _kept_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The first value of each kept header, in `_KEPT_HEADERS` order, as `request.headers` has
    them (latin-1), in one pass over the raw headers instead of two per kept name."""
    found: dict[str, str] = {}
    for key, value in raw:
        name = _KEPT_KEYS.get(bytes(key))
        if name is not None and name not in found:
            found[name] = value.decode("latin-1")
    return {name: found[name] for name in _KEPT_HEADERS if name in found}


def findings_payload(findings: list[Finding]) -> list[dict[str, object]]:
    """Findings as a strict-mode refusal lists them: rule, severity, path, value, hint."""
    return [finding.to_payload() for finding in findings]


def redact_login(body: dict[str, object]) -> bytes:
    """The login body as journaled: the password never reaches the store or an export."""
    shown = dict(body)
    if "password" in shown:
        shown["password"] = "***"
    return orjson.dumps(shown)


def redact_session(raw: bytes, session: str) -> bytes:
    """An RPC body as journaled: byte for byte as sent, but the session token (a credential that
    would let anyone reading an export act as the unit) written `"***"`, as login's password."""
    return raw.replace(b'"' + session.encode("utf-8") + b'"', b'"***"')
