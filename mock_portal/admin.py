"""The operator API under `/admin`: provisioning, fault profiles, findings, scorecards, journal.

It is for the people running the portal, never for provinces: every route needs
`Authorization: Bearer <operator token>`, checked against the SHA-256 digest kept in the store
(`Portal.operator_token`), and a province's session token is not one. A missing or wrong token
gets 401 before any routing, so the API does not even reveal which routes exist. Answers are
JSON (`{"error": "…"}` on failure: 400 for bad input, naming the parameter; 404 for an unknown
thing; never a stack trace), except the journal, which streams NDJSON. See docs/operator-api.md.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.identifiers import parse_agency_code
from mock_portal import _admin_input as inputs
from mock_portal._accounts import hash_password
from mock_portal._admin_input import AdminInputError
from mock_portal._portal import OPERATOR_TOKEN_SETTING, Portal
from mock_portal._routing import allow_header
from mock_portal.dashboard import viewer_token_routes
from mock_portal.faults import FaultProfileError, check_scope
from mock_portal.payments import payment_admin_routes
from mock_portal.scorecard import Bands, scorecards
from mock_portal.sso._admin import hostile_routes
from mock_portal.store import (
    FindingRow,
    StoreError,
    Unit,
    dumps_bytes,  # the exact serialisation of export_ndjson
    entry_to_json,
    token_hash,
)
from mock_portal.wire import JSON_MEDIA_TYPE

NDJSON_MEDIA_TYPE = "application/x-ndjson"
MAX_FINDINGS_PAGE = 1000
_CHUNK_BYTES = 64 << 10
_SEVERITIES = ("error", "warning", "info")


def _json(
    payload: object, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """JSON as the store writes it: any finding value serialises (no 500 on odd input)."""
    return Response(
        dumps_bytes(payload), status_code=status_code, media_type=JSON_MEDIA_TYPE, headers=headers
    )


def error(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return _json({"error": message}, status, headers)


class OperatorAuth:
    """Lets a request through only with the operator's bearer token; 401 otherwise."""

    def __init__(self, app: ASGIApp, portal: Portal) -> None:
        self.app = app
        self._portal = portal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._authorised(Request(scope)):
            response = error(
                "unauthorised: send Authorization: Bearer <operator token>",
                401,
                {"WWW-Authenticate": 'Bearer realm="portalsim operator"'},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authorised(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return False
        try:
            expected = self._portal.store.get_setting(OPERATOR_TOKEN_SETTING)
        except StoreError:
            return False
        if expected is None:
            return False
        return hmac.compare_digest(token_hash(token).encode(), expected.encode())


def create_admin_app(portal: Portal) -> ASGIApp:
    """The operator API as an ASGI app, to mount at `/admin`."""
    routes = _Routes(portal)
    app = Starlette(
        routes=[
            Route("/units", routes.list_units, methods=["GET"]),
            Route("/units", routes.put_unit, methods=["POST"]),
            Route("/faults", routes.list_faults, methods=["GET"]),
            Route("/faults/{scope}", routes.put_fault, methods=["PUT"]),
            Route("/faults/{scope}", routes.delete_fault, methods=["DELETE"]),
            Route("/findings", routes.findings, methods=["GET"]),
            Route("/scorecards", routes.all_scorecards, methods=["GET"]),
            Route("/scorecards/{province}", routes.one_scorecard, methods=["GET"]),
            Route("/journal", routes.journal, methods=["GET"]),
            Route("/journal/last-id", routes.journal_last_id, methods=["GET"]),
            Route("/reset", routes.reset, methods=["POST"]),
            *payment_admin_routes(portal),
            *hostile_routes(portal),
            *viewer_token_routes(portal),
        ],
        exception_handlers={
            AdminInputError: _input_error,
            StoreError: _store_error,
            404: _not_found,
            405: _not_allowed,
            500: _internal,
        },
    )
    app.router.redirect_slashes = False
    return OperatorAuth(app, portal)


class _Routes:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    async def _body(self, request: Request) -> dict[str, Any]:
        limits = self.portal.config.limits
        return await inputs.json_object(request, limits.max_body_bytes, limits.max_depth)

    # units ------------------------------------------------------------------------------------

    async def list_units(self, request: Request) -> Response:
        inputs.only_params(request, ())
        return _json({"units": [_unit_json(unit) for unit in self.portal.store.list_units()]})

    async def put_unit(self, request: Request) -> Response:
        """Provision a unit, or update one (omitted fields keep their values)."""
        inputs.only_params(request, ())
        body = await self._body(request)
        inputs.only_keys(body, ("code", "name", "password", "callback_url"))
        code = body.get("code")
        if not isinstance(code, str) or parse_agency_code(code) is None:
            raise AdminInputError(f"code: {code!r} is not an agency code like 000.00.00.H56")
        province = self.portal.province_of(code)
        if province is None:
            raise AdminInputError(f"code: {code} belongs to none of the 34 provinces")
        existing = self.portal.store.get_unit(code)
        name = _text(body, "name", required=existing is None)
        password = _text(body, "password", required=existing is None)
        callback = body.get("callback_url", existing.callback_url if existing else None)
        if callback is not None and not (
            isinstance(callback, str) and callback.startswith(("http://", "https://"))
        ):
            raise AdminInputError("callback_url: must be an http(s) URL or null")
        if password is not None:
            password_hash = hash_password(password)
        else:
            assert existing is not None  # a new unit's password is required above
            password_hash = existing.password_hash
        unit = Unit(
            code=code,
            name=name or (existing.name if existing else code),
            province=province,
            password_hash=password_hash,
            parent=existing.parent if existing else None,
            callback_url=callback,
        )
        self.portal.store.upsert_unit(unit)
        stored = self.portal.store.get_unit(code) or unit
        return _json(_unit_json(stored), status_code=200 if existing else 201)

    # faults -----------------------------------------------------------------------------------

    async def list_faults(self, request: Request) -> Response:
        inputs.only_params(request, ())
        return _json({"faults": self.portal.faults.profiles()})

    async def put_fault(self, request: Request) -> Response:
        inputs.only_params(request, ())
        scope = request.path_params["scope"]
        body = await self._body(request)
        try:
            self.portal.faults.put(scope, body)
        except FaultProfileError as problem:
            raise AdminInputError(str(problem)) from None
        return _json({"scope": scope, "profile": body})

    async def delete_fault(self, request: Request) -> Response:
        inputs.only_params(request, ())
        scope = request.path_params["scope"]
        try:
            check_scope(scope)
        except FaultProfileError as problem:
            raise AdminInputError(str(problem)) from None
        if not self.portal.faults.delete(scope):
            raise AdminInputError(f"scope {scope!r} has no fault profile", 404)
        return _json({"deleted": scope})

    # findings, scorecards, journal ------------------------------------------------------------

    async def findings(self, request: Request) -> Response:
        known = ("province", "unit", "rule", "severity", "since", "until", "limit", "offset")
        inputs.only_params(request, known)
        params = request.query_params
        province = params.get("province")
        unit = params.get("unit")
        rule = params.get("rule")
        severity = params.get("severity")
        if unit is not None and parse_agency_code(unit) is None:
            raise AdminInputError(f"unit: {unit!r} is not an agency code like 000.00.00.H56")
        if rule is not None and rule not in self.portal.profile.rules:
            raise AdminInputError(f"rule: no rule {rule!r} in profile {self.portal.profile.name}")
        if severity is not None and severity not in _SEVERITIES:
            raise AdminInputError(f"severity: {severity!r} is not one of {', '.join(_SEVERITIES)}")
        limit = inputs.integer(request, "limit", 100, 1, MAX_FINDINGS_PAGE)
        offset = inputs.integer(request, "offset", 0, 0)
        rows = self.portal.store.findings(
            province=inputs.province(province, 400).code if province is not None else None,
            unit=unit,
            rule=rule,
            since=inputs.moment(request, "since"),
            until=inputs.moment(request, "until"),
            limit=limit,
            offset=offset,
            severity=severity,
        )
        return _json(
            {
                "findings": [_finding_json(row) for row in rows],
                "count": len(rows),
                "limit": limit,
                "offset": offset,
            }
        )

    def _bands(self, request: Request) -> Bands:
        text = request.query_params.get("thresholds")
        try:
            return Bands.parse(text) if text else Bands()
        except ValueError as problem:
            raise AdminInputError(str(problem)) from None

    async def all_scorecards(self, request: Request) -> Response:
        inputs.only_params(request, ("thresholds",))
        bands = self._bands(request)
        cards = scorecards(self.portal.store, self.portal.profile.rules, bands)
        return _json(
            {"profile": self.portal.profile.name, "bands": bands.to_dict(), "scorecards": cards}
        )

    async def one_scorecard(self, request: Request) -> Response:
        inputs.only_params(request, ("thresholds",))
        bands = self._bands(request)
        province = inputs.province(request.path_params["province"])
        (card,) = scorecards(self.portal.store, self.portal.profile.rules, bands, [province])
        return _json({"profile": self.portal.profile.name, **card})

    async def journal(self, request: Request) -> Response:
        """The journal in the NDJSON format `portalsim validate` reads, streamed page by page."""
        inputs.only_params(request, ("since_id",))
        since_id = inputs.integer(request, "since_id", 0, 0)
        return StreamingResponse(self._journal_lines(since_id), media_type=NDJSON_MEDIA_TYPE)

    async def journal_last_id(self, request: Request) -> Response:
        """The newest journal id (0 when empty): where a client's next `since_id` starts."""
        inputs.only_params(request, ())
        return _json({"last_id": self.portal.store.last_journal_id()})

    async def _journal_lines(self, since_id: int) -> AsyncIterator[bytes]:
        # Pages are read on the event loop, like every other read of the portal's store, and
        # each chunk is handed to the client before the next page is read.
        chunk = bytearray()
        for entry in self.portal.store.iter_journal(since_id):
            chunk += dumps_bytes(entry_to_json(entry)) + b"\n"
            if len(chunk) >= _CHUNK_BYTES:
                yield bytes(chunk)
                chunk.clear()
        if chunk:
            yield bytes(chunk)

    async def reset(self, request: Request) -> Response:
        inputs.only_params(request, ())
        body = await self._body(request)
        inputs.only_keys(body, ("keep_units",))
        keep_units = body.get("keep_units", True)
        if not isinstance(keep_units, bool):
            raise AdminInputError(f"keep_units: must be true or false, not {keep_units!r}")
        self.portal.reset(keep_units=keep_units)
        return _json({"reset": True, "keep_units": keep_units})


def _text(body: dict[str, Any], key: str, *, required: bool) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise AdminInputError(f"{key}: required, a non-empty string")
    return value


def _unit_json(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "province": unit.province,
        "parent": unit.parent,
        "callback_url": unit.callback_url,
        "created_at": unit.created_at.isoformat() if unit.created_at else None,
    }


def _finding_json(row: FindingRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "journal_id": row.journal_id,
        "rule": row.rule,
        "severity": row.severity.value,
        "unit": row.unit,
        "province": row.province,
        "path": row.path,
        "value": row.value,
        "hint": row.hint,
        "received_at": row.received_at.isoformat(),
    }


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AdminInputError)
    return error(str(exc), exc.status)


async def _store_error(request: Request, exc: Exception) -> Response:
    return error("the portal's database is unavailable; try again", 503)


async def _not_found(request: Request, exc: Exception) -> Response:
    return error(f"no operator route {request.method} {request.url.path}", 404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return error(
        f"{request.method} is not allowed on {request.url.path}", 405, allow_header(request)
    )


async def _internal(request: Request, exc: Exception) -> Response:
    return error("internal error of the operator API", 500)
