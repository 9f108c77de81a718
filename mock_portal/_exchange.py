"""One inbound exchange: what was received, what was answered, and its journal record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import orjson
from starlette.requests import Request
from starlette.responses import Response

from contracts import Finding, Severity
from mock_portal.store import MessageRecord

_KEPT_HEADERS = ("content-type", "charset", "dstcode", "user-agent")


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
        headers = {name: request.headers[name] for name in _KEPT_HEADERS if name in request.headers}
        return cls(received_at, request.method, request.url.path, headers)

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


def findings_payload(findings: list[Finding]) -> list[dict[str, object]]:
    """Findings as a strict-mode refusal lists them: rule, severity, path, value, hint."""
    return [
        {
            "rule": f.rule,
            "severity": f.severity.value,
            "path": f.path,
            "value": f.value,
            "hint": f.hint,
        }
        for f in findings
    ]


def redact_login(body: dict[str, object]) -> bytes:
    """The login body as journaled: the password never reaches the store or an export."""
    shown = dict(body)
    if "password" in shown:
        shown["password"] = "***"
    return orjson.dumps(shown)
