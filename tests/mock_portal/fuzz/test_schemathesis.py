"""Schemathesis against the portal's own /openapi.json: every operation, valid and invalid data.

The document is fetched from the app (never a copy), so a route added tomorrow is fuzzed
tomorrow. Each generated request goes to a strict portal in-process (`_target.FuzzTarget`)
with valid credentials where the request's own are well-formed (operator token, SSO client and
access token, the unit's session, the payment checksum), so the operations are really exercised
and not just refused at the door; then the answer is judged:

- no 5xx, and every status, content type, header and body as documented;
- invalid input is refused: HTTP ≥ 400, or — the portal's convention for business refusals
  (DVCQG's clients read them from the body) — HTTP 200 whose `error_code` (RPC) or `error`
  (payment platform) is not 0. `negative_input_refused` wraps Schemathesis' own check with that.
- a missing or wrong credential is refused (`missing_required_header`, `ignored_auth`), and a
  method the document does not list is answered 405 with `Allow`.

Not checked: `positive_data_acceptance` (a schema-valid request must succeed). The portal's
refusals of well-formed requests depend on its state, which no schema states: an SSO client or
authorization code it does not know, a dossier code of another unit, a transaction that does
not exist. Those refusals are the security suite's subject (tests/mock_portal/security/).

The default run tries `EXAMPLES` examples per operation (deterministic: the same every run); the
`slow` run `SLOW_EXAMPLES`, random. `PORTALSIM_RELIABILITY_OUT` collects the figures.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis import Case, CheckContext, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response as SchemathesisResponse
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_portal._portal import Portal
from tests.mock_portal._sso import OPERATOR_TOKEN, THANH_HOA
from tests.mock_portal.conftest import TestClient
from tests.mock_portal.fuzz._notes import publish
from tests.mock_portal.fuzz._target import ACCESS_TOKEN_STAND_IN, FuzzTarget, fuzz_config

EXAMPLES = 8
#: operations whose coverage phase (Schemathesis' systematic variations of every field: ~900
#: requests for the integration RPC alone) runs only in the slow run
HEAVY_COVERAGE = ("/api/dvcqg/integration", "/api/pay/createtransaction")
SLOW_EXAMPLES = 300


def refused_in_body(response: SchemathesisResponse) -> bool:
    """A JSON answer whose `error_code` (RPC) or `error` (payments) says it was refused."""
    try:
        payload = response.json()
    except ValueError:
        return False
    if not isinstance(payload, dict):
        return False
    if "error_code" in payload:
        return payload["error_code"] not in (0, "0")
    return "error" in payload and payload["error"] not in (0, "0")


@schemathesis.check
def negative_input_refused(
    ctx: CheckContext, response: SchemathesisResponse, case: Case
) -> bool | None:
    """Schemathesis' negative_data_rejection, with a body-level refusal counted as one."""
    if refused_in_body(response):
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_input_refused,
    missing_required_header,
    ignored_auth,
    unsupported_method,
    allow_header_conformance,
]


class Tally:
    """Examples tried and refused per operation and generation mode, for docs/reliability.md."""

    def __init__(self) -> None:
        self.tried: Counter[tuple[str, str]] = Counter()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.seconds: Counter[str] = Counter()
        self.span: dict[str, list[float]] = {}
        self.started = time.monotonic()

    def count(self, case: Case, status: int, seconds: float) -> None:
        self.seconds[case.operation.label] += seconds
        now = time.monotonic()
        self.span.setdefault(case.operation.label, [now, now])[1] = now
        mode = case.meta.generation.mode.value if case.meta is not None else "explicit"
        self.tried[case.operation.label, mode] += 1
        self.statuses[case.operation.label, status // 100 * 100] += 1

    def figures(self) -> dict[str, Any]:
        operations: dict[str, dict[str, int]] = {}
        for (label, mode), count in sorted(self.tried.items()):
            operations.setdefault(label, {})[mode] = count
        for (label, status), count in sorted(self.statuses.items()):
            operations.setdefault(label, {})[f"{status // 100}xx"] = count
        for label, seconds in self.seconds.items():
            operations[label]["ms"] = round(seconds * 1000)
            first, last = self.span[label]
            operations[label]["wall_ms"] = round((last - first) * 1000)
        return {
            "operations": operations,
            "operation_count": len(operations),
            "requests": sum(self.tried.values()),
            "seconds": round(time.monotonic() - self.started, 1),
        }


def _served_document() -> dict[str, Any]:
    """The document a portal's app serves at /openapi.json (it depends on no database state)."""
    with tempfile.TemporaryDirectory() as folder:
        portal = Portal(f"sqlite:///{folder}/portal.db", fuzz_config())
        try:
            client = TestClient(portal)
            document: dict[str, Any] = client.get("/openapi.json").json()
            client.close()
        finally:
            portal.close()
    return document


def _schema(document: dict[str, Any], examples: int, *, deterministic: bool) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "operations": [
                {"include-path": list(paths), "phases": {"coverage": {"enabled": False}}}
                for paths in ([] if not deterministic else [HEAVY_COVERAGE])
            ],
            "auth": {
                "openapi": {
                    "operatorToken": {"bearer": OPERATOR_TOKEN},
                    "clientBasic": {
                        "username": THANH_HOA.client_id,
                        "password": THANH_HOA.client_secret,
                    },
                    "accessToken": {"bearer": ACCESS_TOKEN_STAND_IN},
                }
            },
        }
    )
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema.app = APP  # requests, and the checks' own probes, go to the app in-process
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=examples,
        deterministic=deterministic,
        database="none",
    )
    return schema


class AppSlot:
    """The ASGI app Schemathesis sends to: the current target's, plugged in by its fixture."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "no fuzz target is plugged in"
        await self.app(scope, receive, send)


APP = AppSlot()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    target = FuzzTarget(f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/portal.db")
    APP.app = target.app
    yield target
    APP.app = None
    target.close()


def _tally(run: str) -> Iterator[Tally]:
    tally = Tally()
    yield tally
    if tally.tried:
        publish({f"schemathesis_{run}": tally.figures()})


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    yield from _tally("default")


@pytest.fixture(scope="module")
def slow_tally() -> Iterator[Tally]:
    yield from _tally("slow")


def exercise(target: FuzzTarget, tally: Tally, case: Case) -> None:
    """Send `case` with live credentials, restore the portal, and judge the answer."""
    case.headers = dict(case.headers or {})
    target.authenticate(case.path, case.headers, case.body)
    started = time.monotonic()
    status = None
    try:
        response = case.call()
        status = response.status_code
    finally:
        target.restore(case.method, case.path, status)
    tally.count(case, response.status_code, time.monotonic() - started)
    case.validate_response(response, checks=CHECKS)


# Built when the module is collected, as Schemathesis' parametrisation needs the operations then
# (its fixture-based loader does not work with pytest 9).
DOCUMENT = _served_document()
default = _schema(DOCUMENT, EXAMPLES, deterministic=True)
slow = _schema(DOCUMENT, SLOW_EXAMPLES, deterministic=False)


@default.parametrize()
def test_every_operation_answers_as_documented(
    case: Case, target: FuzzTarget, tally: Tally
) -> None:
    exercise(target, tally, case)


@pytest.mark.slow
@slow.parametrize()
def test_every_operation_answers_as_documented_at_length(
    case: Case, target: FuzzTarget, slow_tally: Tally
) -> None:
    exercise(target, slow_tally, case)
