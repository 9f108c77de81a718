"""`POST /api/dvcqg/login`: `{"username","password"}` → `{"error_code":0,"session":"…"}`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from contracts import Message, MessageKind, Severity
from mock_portal._accounts import LoginRefused
from mock_portal._exchange import Exchange, findings_payload, redact_login
from mock_portal._portal import Portal
from mock_portal.store import StoreError
from mock_portal.wire import (
    ErrorCode,
    WireError,
    answer,
    check_media_type,
    parse_json_object,
    read_body,
    refusal,
)


async def handle_login(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = MessageKind.LOGIN.value
    try:
        check_media_type(request)
        raw = await read_body(request, portal.config.limits.max_body_bytes)
        _text, body = parse_json_object(raw, portal.config.limits.max_depth)
    except WireError as error:
        if error.code is ErrorCode.MALFORMED:
            exchange.finding("MSG-001", "$", None, error.message)
        return await _journal(
            portal, exchange, refusal(error.code, error.message, status=error.status)
        )
    exchange.body = redact_login(body)
    username = body.get("username")
    unit = username if isinstance(username, str) else None
    faulted = await portal.faults.inject(exchange, unit)
    if faulted is not None:  # the portal misbehaves on purpose: no findings, no session
        if unit is not None and portal.store.get_unit(unit) is not None:
            exchange.unit, exchange.province = unit, portal.province_of(unit)
        return await _journal(portal, exchange, faulted)
    message = Message(0, MessageKind.LOGIN, body, exchange.received_at, exchange.path)
    findings = portal.validator.check(message)
    exchange.findings.extend(findings)
    if any(finding.severity is Severity.ERROR for finding in findings):
        response = refusal(
            ErrorCode.MALFORMED,
            "cần username và password dạng chuỗi / username and password strings required",
            status=400,
            findings=findings_payload(findings),
        )
        return await _journal(portal, exchange, response)
    username, password = body["username"], body["password"]
    if portal.store.get_unit(username) is not None:
        exchange.unit = username
        exchange.province = portal.province_of(username)
    try:
        token = portal.accounts.login(username, password, exchange.received_at)
    except LoginRefused as refused:
        if refused.throttled:
            seconds = int(portal.config.limits.login_window.total_seconds())
            response = refusal(
                ErrorCode.THROTTLED,
                refused.message,
                status=429,
                headers={"Retry-After": str(seconds)},
            )
        else:
            response = refusal(ErrorCode.LOGIN_FAILED, refused.message, status=401)
        return await _journal(portal, exchange, response)
    # The token is the answer's secret: the journal keeps the answer without it.
    await _journal(portal, exchange, answer({"error_code": 0, "session": "***"}), accepted=True)
    return answer({"error_code": 0, "session": token})


async def _journal(
    portal: Portal, exchange: Exchange, response: Response, *, accepted: bool = False
) -> Response:
    try:
        await portal.writer.write(exchange.record(response, accepted=accepted))
    except StoreError:
        return refusal(ErrorCode.STORAGE, "không lưu được / could not store", status=503)
    return response
