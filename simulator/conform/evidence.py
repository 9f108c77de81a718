"""The evidence of a case as people read it: each exchange as request and response text.

Outputs are CI artifacts, often public to a whole organisation, so secrets do not go into them:
the values of credential headers (`Authorization`, `Cookie`, …) and of credential fields in
bodies and URLs (`password`, `client_secret`, `session`, access and refresh tokens) are replaced
by `«redacted»`, in what is shown and in what `results.json` keeps (`redact_result`). ID tokens
stay: the hostile ones are the evidence of the SSO cases. Bodies longer than `BODY_LIMIT`
characters are cut, with the count of what was left out; JSON bodies are indented for reading.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import orjson

from simulator.conform.results import Exchange, PlanResult

__all__ = [
    "BODY_LIMIT",
    "REDACTED",
    "ShownExchange",
    "exchange_text",
    "redact_exchange",
    "redact_headers",
    "redact_result",
    "redact_text",
    "show_body",
    "show_exchange",
    "show_headers",
]

REDACTED = "«redacted»"
#: characters of a body kept in the outputs
BODY_LIMIT = 20_000
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"}
)
_SECRET_FIELDS = (
    "password",
    "matkhau",
    "client_secret",
    "secret",
    "session",
    "access_token",
    "refresh_token",
)
_FIELDS = "|".join(_SECRET_FIELDS)
_JSON_SECRET = re.compile(rf'("(?:{_FIELDS})"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)
_FORM_SECRET = re.compile(rf"(?<![\w-])((?:{_FIELDS})=)[^&\s]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ShownExchange:
    """An exchange ready to show: redacted, cut, JSON indented."""

    request_line: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: str
    status_line: str
    response_headers: tuple[tuple[str, str], ...]
    response_body: str


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Credential headers' values replaced (an Authorization header keeps its scheme)."""
    shown = {}
    for name, value in headers.items():
        if name.lower() in _SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            authorization = name.lower().endswith("authorization")
            value = f"{scheme} {REDACTED}".strip() if authorization else REDACTED
        shown[name] = value
    return shown


def redact_text(text: str) -> str:
    """Credential fields of a JSON or form body (or a URL's query) replaced; idempotent."""
    text = _JSON_SECRET.sub(lambda match: f'{match.group(1)}"{REDACTED}"', text)
    return _FORM_SECRET.sub(lambda match: f"{match.group(1)}{REDACTED}", text)


def redact_exchange(exchange: Exchange) -> Exchange:
    return replace(
        exchange,
        url=redact_text(exchange.url),
        request_headers=redact_headers(exchange.request_headers),
        request_body=redact_text(exchange.request_body),
        response_headers=redact_headers(exchange.response_headers),
        response_body=redact_text(exchange.response_body),
    )


def redact_result(result: PlanResult) -> PlanResult:
    """The result with every exchange redacted: what `results.json` keeps."""
    cases = tuple(
        replace(case, evidence=tuple(redact_exchange(e) for e in case.evidence))
        for case in result.cases
    )
    return replace(result, cases=cases)


def show_headers(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(redact_headers(headers).items())


def show_body(body: str) -> str:
    """Redacted, JSON indented when it is JSON, cut at `BODY_LIMIT`."""
    text = body
    if text.lstrip()[:1] in ("{", "["):
        with contextlib.suppress(orjson.JSONDecodeError):
            text = orjson.dumps(orjson.loads(text), option=orjson.OPT_INDENT_2).decode()
    text = redact_text(text)
    if len(text) > BODY_LIMIT:
        left = len(text) - BODY_LIMIT
        text = f"{text[:BODY_LIMIT]}\n… ({left} ký tự nữa / more characters not shown)"
    return text


def show_exchange(exchange: Exchange) -> ShownExchange:
    if exchange.status is None:
        status = f"← không có trả lời / no answer ({exchange.elapsed_ms:.0f} ms)"
    else:
        status = f"← HTTP {exchange.status} ({exchange.elapsed_ms:.0f} ms)"
    return ShownExchange(
        request_line=f"→ {exchange.method} {redact_text(exchange.url)}",
        request_headers=show_headers(exchange.request_headers),
        request_body=show_body(exchange.request_body),
        status_line=status,
        response_headers=show_headers(exchange.response_headers),
        response_body=show_body(exchange.response_body),
    )


def exchange_text(exchange: Exchange) -> str:
    """The exchange as plain text, as in an HTTP trace (JUnit `system-out`)."""
    shown = show_exchange(exchange)
    lines = [shown.request_line]
    lines += [f"{name}: {value}" for name, value in shown.request_headers]
    if shown.request_body:
        lines += ["", shown.request_body]
    lines.append(shown.status_line)
    lines += [f"{name}: {value}" for name, value in shown.response_headers]
    if shown.response_body:
        lines += ["", shown.response_body]
    return "\n".join(lines)
