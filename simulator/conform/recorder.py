"""HTTP with evidence: every request the driver makes is kept as an `Exchange`.

`Recorder.send` never raises for what the target does: a refused connection or a timeout is an
exchange without a status (`Exchange.status` None) and its error text as the response body, so
a case can fail or error with the exchange as its proof. Bodies are kept up to a bound; secrets
in headers (Authorization, cookies) are masked.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from simulator.conform.results import Exchange

__all__ = ["Answer", "Recorder"]

#: the most of a body kept as evidence
MAX_EVIDENCE_CHARS = 16_000
_SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie"})


@dataclass(frozen=True, slots=True)
class Answer:
    """An exchange and what the driver reads from it."""

    exchange: Exchange
    #: the parsed JSON body, when the answer is JSON (None otherwise or when there was none)
    json: Any
    #: the raw answer (None when nothing came back)
    response: httpx.Response | None
    #: why nothing came back ("ConnectError: …"), or None
    error: str | None = None

    @property
    def status(self) -> int | None:
        return self.exchange.status

    @property
    def is_json_object(self) -> bool:
        return isinstance(self.json, dict)

    def describe(self) -> str:
        """One line on what came back, for a failure's reason."""
        if self.error is not None:
            return f"no answer ({self.error})"
        content_type = self.exchange.response_headers.get("content-type", "")
        if self.json is None:
            kind = (
                "HTML"
                if "html" in content_type or self.exchange.response_body.lstrip()[:1] == "<"
                else "non-JSON"
            )
            shown = content_type or "no content type"
            return f"HTTP {self.status} with a {kind} body ({shown}), not JSON"
        return f"HTTP {self.status} {orjson.dumps(self.json).decode()[:300]}"


def _shown(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name: ("***" if name.lower() in _SECRET_HEADERS else value)
        for name, value in headers.items()
    }


def _text(content: bytes) -> str:
    return content[:MAX_EVIDENCE_CHARS].decode("utf-8", "replace")


class Recorder:
    """An httpx client whose every exchange is evidence."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def send(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """One exchange; `timeout` (seconds) replaces the client's own for this request."""
        request_headers = dict(headers or {})
        content: bytes | None = None
        if json_body is not None:
            content = orjson.dumps(json_body)
            request_headers.setdefault("Content-Type", "application/json")
            request_headers.setdefault("Accept", "application/json")
        request = self.client.build_request(
            method,
            url,
            content=content,
            data=form,
            headers=request_headers,
            params=params,
            timeout=self.client.timeout if timeout is None else httpx.Timeout(timeout),
        )
        started = time.perf_counter()
        try:
            response = self.client.send(request)
        except httpx.HTTPError as error:
            elapsed = (time.perf_counter() - started) * 1000
            reason = f"{type(error).__name__}: {error}"[:300] or type(error).__name__
            exchange = Exchange(
                method=method,
                url=str(request.url),
                request_headers=_shown(request.headers),
                request_body=_text(request.content),
                status=None,
                response_headers={},
                response_body=reason,
                elapsed_ms=round(elapsed, 1),
            )
            return Answer(exchange, None, None, reason)
        elapsed = (time.perf_counter() - started) * 1000
        try:
            parsed: Any = orjson.loads(response.content) if response.content else None
        except orjson.JSONDecodeError:
            parsed = None
        exchange = Exchange(
            method=method,
            url=str(request.url),
            request_headers=_shown(request.headers),
            request_body=_text(request.content),
            status=response.status_code,
            response_headers=_shown(response.headers),
            response_body=_text(response.content),
            elapsed_ms=round(elapsed, 1),
        )
        return Answer(exchange, parsed, response)
