"""The integration RPC and catalogue endpoints: one envelope, the operation named by `service`.

Every request is journaled with its findings, refused or not; a success answer is sent only
after the journal row, the findings and the dossier changes are committed together.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from contracts import (
    INTEGRATION_SERVICES,
    SHARE_SERVICES,
    DossierState,
    Message,
    MessageKind,
    Severity,
    classify,
)
from contracts.identifiers import agency_within
from contracts.wire import data_items, text
from mock_portal._catalogue_answers import catalogue_result
from mock_portal._exchange import Exchange, findings_payload, redact_session
from mock_portal._portal import Portal
from mock_portal.store import DossierEvent, StoreError
from mock_portal.wire import (
    ErrorCode,
    WireError,
    answer,
    check_media_type,
    parse_json_object,
    read_body,
    refusal,
)

_ENDPOINT_SERVICES = {"integration": INTEGRATION_SERVICES, "share": SHARE_SERVICES}
_DOSSIER_KEYS = {
    MessageKind.DONG_BO_HO_SO: "MaHoSo",
    MessageKind.CAP_NHAT_TIEN_DO: "MaHoSo",
    MessageKind.DONG_BO_TRANG_THAI: "MaHoSoDonVi",
}
_SUCCESS = "Thành công"
#: schema findings that make a message unusable in either mode (values of the wrong JSON type)
_UNUSABLE_RULES = frozenset({"SC-002"})


async def handle_rpc(portal: Portal, request: Request, endpoint: str) -> Response:
    exchange = Exchange.of(request, portal.clock())
    try:
        response = await _handle(portal, request, exchange, _ENDPOINT_SERVICES[endpoint])
    except WireError as error:
        if error.code is ErrorCode.MALFORMED:
            exchange.finding("MSG-001", "$", None, error.message)
        response = refusal(error.code, error.message, status=error.status)
        return await _journal(portal, exchange, response, accepted=False)
    return response


async def _handle(
    portal: Portal, request: Request, exchange: Exchange, services: frozenset[MessageKind]
) -> Response:
    check_media_type(request)
    exchange.body = await read_body(request, portal.config.limits.max_body_bytes)
    text_body, body = parse_json_object(exchange.body, portal.config.limits.max_depth)
    _check_item_count(body, portal.config.limits.max_items)
    session = body.get("session")
    unit = None
    if isinstance(session, str) and session:
        unit = portal.accounts.session_unit(session, exchange.received_at)
        exchange.body = redact_session(exchange.body, session)
    exchange.kind = classify(body, exchange.path).value
    if unit is None:
        exchange.finding("AU-002", "$.session", None, "no valid session")
        response = refusal(
            ErrorCode.SESSION,
            "phiên không hợp lệ hoặc hết hạn / invalid or expired session",
            status=401,
        )
        return await _journal(portal, exchange, response, accepted=False)
    exchange.unit = unit
    exchange.province = portal.province_of(unit)
    faulted = await portal.faults.inject(exchange, unit)
    if faulted is not None:  # the portal misbehaves on purpose: no findings, no state change
        return await _journal(portal, exchange, faulted, accepted=False)
    kind = MessageKind(exchange.kind)
    if kind not in services:
        service = body.get("service")
        exchange.finding("MSG-002", "$.service", service, "unknown service on this endpoint")
        response = refusal(
            ErrorCode.UNKNOWN_SERVICE,
            f"dịch vụ không hỗ trợ / unknown service {service!r}",
            status=400,
        )
        return await _journal(portal, exchange, response, accepted=False)
    madonvi = body.get("madonvi")
    if isinstance(madonvi, str) and madonvi and not agency_within(madonvi, unit):
        exchange.finding("AU-003", "$.madonvi", madonvi, f"the session belongs to {unit}")
        response = refusal(ErrorCode.FORBIDDEN, f"madonvi {madonvi} không thuộc {unit}", status=403)
        return await _journal(portal, exchange, response, accepted=False)
    message = Message(0, kind, body, exchange.received_at, exchange.path, unit, text_body)
    return await _process(portal, exchange, message)


async def _process(portal: Portal, exchange: Exchange, message: Message) -> Response:
    findings = portal.validator.check(message)
    exchange.findings.extend(findings)
    codes = _dossier_codes(message)
    foreign = _foreign_dossiers(portal, message, codes)
    if foreign:
        for path, code in foreign:
            exchange.finding("AU-001", path, code, f"not a dossier of {message.unit}")
        response = refusal(
            ErrorCode.FORBIDDEN,
            "hồ sơ thuộc đơn vị khác / dossier of another unit",
            status=403,
            findings=findings_payload(exchange.findings),
        )
        return await _journal(portal, exchange, response, accepted=False)
    wrong_types = [finding for finding in findings if finding.rule in _UNUSABLE_RULES]
    if wrong_types:
        # A message of the wrong shape cannot move a dossier on, lenient or not.
        response = refusal(
            ErrorCode.MALFORMED,
            f"sai kiểu dữ liệu ở {len(wrong_types)} trường / wrong types",
            status=400,
            findings=findings_payload(findings),
        )
        return await _journal(portal, exchange, response, accepted=False)
    errors = [finding for finding in findings if finding.severity is Severity.ERROR]
    if portal.strict and errors:
        response = refusal(
            ErrorCode.NOT_CONFORMANT,
            f"thông điệp không đạt chuẩn: {len(errors)} lỗi / message not conformant",
            findings=findings_payload(findings),
        )
        return await _journal(portal, exchange, response, accepted=False)
    before = _states_before(portal, codes)
    portal.validator.record(message)
    states = portal.ledger.take_changes()
    response = _success(portal, message, codes)
    record = exchange.record(
        response,
        accepted=True,
        dossier_states=tuple(states),
        events=tuple(_events(before, states, exchange)),
    )
    try:
        await portal.writer.write(record)
    except StoreError:
        portal.ledger.forget(states)
        return _storage_refusal()
    return response


def _check_item_count(body: dict[str, Any], max_items: int) -> None:
    """Refuse a `data` array longer than the limit before any check walks it item by item."""
    data = body.get("data")
    if isinstance(data, list) and len(data) > max_items:
        raise WireError(
            413,
            ErrorCode.TOO_LARGE,
            f"data has {len(data)} items, more than the {max_items} allowed in one message",
        )


def _dossier_codes(message: Message) -> list[tuple[str, str]]:
    if message.kind is MessageKind.TRA_CUU_HO_SO:
        code = text(message.body, "mahoso")
        return [("$.mahoso", code)] if code else []
    key = _DOSSIER_KEYS.get(message.kind)
    if key is None:
        return []
    codes = []
    for path, item in data_items(message.body):
        code = text(item, key)
        if code:
            codes.append((f"{path}.{key}", code))
    return codes


def _foreign_dossiers(
    portal: Portal, message: Message, codes: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Dossier codes the session's unit may not touch: another agency's code or owner."""
    unit = message.unit or ""
    foreign = []
    for path, code in codes:
        agency = code.split("-", 1)[0]
        known = portal.ledger.get(code)
        if not agency_within(agency, unit) or (
            known is not None and not agency_within(known.unit, unit)
        ):
            foreign.append((path, code))
    return foreign


def _states_before(portal: Portal, codes: list[tuple[str, str]]) -> dict[str, str | None]:
    before: dict[str, str | None] = {}
    for _path, code in codes:
        known = portal.ledger.get(code)
        before[code] = known.status if known is not None else None
    return before


def _events(
    before: dict[str, str | None], states: list[DossierState], exchange: Exchange
) -> list[DossierEvent]:
    """A status a dossier reaches, timed by the province's clock when it says, else ours."""
    return [
        DossierEvent(state.code, state.status, state.last_event_at or exchange.received_at)
        for state in states
        if before.get(state.code) != state.status
    ]


def _success(portal: Portal, message: Message, codes: list[tuple[str, str]]) -> Response:
    kind = message.kind
    if kind is MessageKind.TRA_CUU_HO_SO:
        known = portal.ledger.get(text(message.body, "mahoso"))
        return answer(
            {"error_code": 0, "message": _SUCCESS, "result": [_lookup(known)] if known else []}
        )
    if kind in SHARE_SERVICES:
        result = catalogue_result(portal.domain, kind, message.body, message.unit or "")
        if result is None:
            return answer(
                {
                    "error_code": int(ErrorCode.NOT_FOUND),
                    "message": "không tìm thấy thủ tục / procedure not found",
                    "result": [],
                }
            )
        return answer({"error_code": 0, "message": _SUCCESS, "result": result})
    return answer(
        {
            "error_code": 0,
            "message": _SUCCESS,
            "result": [{"MaHoSo": code} for _path, code in codes],
        }
    )


def _lookup(state: DossierState) -> dict[str, Any]:
    return {
        "MaHoSo": state.code,
        "TrangThaiHoSo": state.status,
        "MaTTHC": state.procedure,
        "NgayTiepNhan": _wire(state.received_at),
        "NgayHenTra": _wire(state.due_at),
    }


def _wire(moment: Any) -> str:
    return moment.strftime("%Y%m%d%H%M%S") if moment is not None else ""


async def _journal(
    portal: Portal, exchange: Exchange, response: Response, *, accepted: bool, **changes: Any
) -> Response:
    """Commit the exchange, then answer; a store failure is answered 503 and stores nothing."""
    try:
        await portal.writer.write(exchange.record(response, accepted=accepted, **changes))
    except StoreError:
        return _storage_refusal()
    return response


def _storage_refusal() -> Response:
    return refusal(
        ErrorCode.STORAGE, "không lưu được; gửi lại sau / could not store, retry", status=503
    )
