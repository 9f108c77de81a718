"""What the portal saw: its journal, read through the operator API while a case waits.

`PortalJournal.mark()` asks for the last journal id (`GET /admin/journal/last-id`);
`wait(mark, predicate, limit)` reads the rows journaled since then (`GET
/admin/journal?since_id=…`, NDJSON, docs/journal-format.md) until the predicate holds for what
has arrived or the limit passes. A mark costs one small request however long the journal is
(a portal of an older portalsim, without that route, is read to its end instead). Polls read
every row after the mark again: a case's rows are few, and on PostgreSQL with several workers a
lower id can commit after a higher one.

Rows become `Exchange`s for evidence: the province's request as the portal received it and the
portal's answer, with the findings.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from simulator.conform.results import Exchange
from simulator.errors import InfrastructureError

__all__ = ["JournalRow", "PortalJournal"]

_POLL_S = 0.1


@dataclass(frozen=True, slots=True)
class JournalRow:
    id: int
    kind: str
    unit: str | None
    body: Any
    status: int
    accepted: bool
    fault: str | None
    findings: tuple[dict[str, Any], ...]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, raw: dict[str, Any]) -> JournalRow:
        body: Any = raw.get("body")
        if isinstance(body, str):
            with contextlib.suppress(orjson.JSONDecodeError):
                body = orjson.loads(body)
        return cls(
            id=int(raw["id"]),
            kind=str(raw.get("kind")),
            unit=raw.get("unit"),
            body=body,
            status=int(raw.get("status") or 0),
            accepted=bool(raw.get("accepted")),
            fault=raw.get("fault"),
            findings=tuple(f for f in raw.get("findings") or () if isinstance(f, dict)),
            raw=raw,
        )

    def findings_of(
        self, rules: Sequence[str], severities: Sequence[str] = ("error",)
    ) -> list[dict[str, Any]]:
        return [
            f for f in self.findings if f.get("rule") in rules and f.get("severity") in severities
        ]

    def exchange(self, portal_url: str) -> Exchange:
        """The row as evidence: the province's request to the portal and the portal's answer."""
        response = self.raw.get("response")
        findings = "; ".join(
            f"{f.get('rule')} {f.get('path')}: {f.get('hint')}" for f in self.findings
        )
        return Exchange(
            method=str(self.raw.get("method", "POST")),
            url=portal_url.rstrip("/") + str(self.raw.get("path", "")),
            request_headers={str(k): str(v) for k, v in (self.raw.get("headers") or {}).items()},
            request_body=str(self.raw.get("body") or "")[:16_000],
            status=self.status,
            response_headers={"x-portalsim-journal-id": str(self.id)}
            | ({"x-portalsim-findings": findings[:2000]} if findings else {}),
            response_body=(
                response if isinstance(response, str) else orjson.dumps(response).decode()
            )[:16_000],
            elapsed_ms=0.0,
        )


class PortalJournal:
    def __init__(self, client: httpx.Client, portal_url: str, operator_token: str) -> None:
        self.client = client
        self.portal_url = portal_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {operator_token}"}
        #: the last mark, for a portal without `last-id`: the next mark reads on from it
        self._last_mark = 0

    def _read(self, since: int) -> list[JournalRow]:
        response = self._get("/admin/journal", {"since_id": str(since)})
        rows = []
        for line in response.content.splitlines():
            if line.strip():
                rows.append(JournalRow.of(orjson.loads(line)))
        return rows

    def _get(
        self, path: str, params: dict[str, str], *, missing_ok: bool = False
    ) -> httpx.Response:
        try:
            response = self.client.get(
                f"{self.portal_url}{path}", params=params, headers=self._headers
            )
        except httpx.HTTPError as error:
            raise InfrastructureError(
                f"the portal {self.portal_url} is unreachable: {error}"
            ) from None
        if response.status_code == 401:
            raise InfrastructureError(
                f"the portal {self.portal_url} refused the operator token (HTTP 401)",
                hint="give [portal] operator_token of that portal",
            )
        if response.status_code != 200 and not (missing_ok and response.status_code == 404):
            raise InfrastructureError(
                f"the portal's journal ({path}) answered HTTP {response.status_code}"
            )
        return response

    def mark(self) -> int:
        """The last journal id now: what a case reads later starts after it."""
        response = self._get("/admin/journal/last-id", {}, missing_ok=True)
        if response.status_code == 404:  # an older portalsim: read the journal to its end
            rows = self._read(self._last_mark)
            if rows:
                self._last_mark = rows[-1].id
            return self._last_mark
        try:
            last = orjson.loads(response.content)["last_id"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            last = None
        if not isinstance(last, int) or isinstance(last, bool):
            raise InfrastructureError(
                f"the portal {self.portal_url} gave no last journal id "
                f"(GET /admin/journal/last-id: {response.content[:200]!r})"
            )
        return last

    def since(self, mark: int) -> list[JournalRow]:
        return self._read(mark)

    def wait(
        self,
        mark: int,
        done: Callable[[list[JournalRow]], bool],
        limit_s: float,
    ) -> tuple[bool, list[JournalRow]]:
        """Rows after `mark` once `done(rows)` holds (True), or all of them at the limit (False)."""
        deadline = time.monotonic() + limit_s
        while True:
            rows = self._read(mark)
            if done(rows):
                return True, rows
            if time.monotonic() >= deadline:
                return False, rows
            time.sleep(_POLL_S)

    def quiet(self, mark: int, quiet_s: float, limit_s: float) -> list[JournalRow]:
        """Rows after `mark` once nothing new arrived for `quiet_s` (or at the limit)."""
        deadline = time.monotonic() + limit_s
        rows = self._read(mark)
        last_change = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last_change < quiet_s:
            time.sleep(_POLL_S)
            now = self._read(mark)
            if len(now) != len(rows):
                rows, last_change = now, time.monotonic()
        return rows
