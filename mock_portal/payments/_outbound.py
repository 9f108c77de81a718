"""The platform's calls to a province: paymentconfirm (with retries) and dptracuuthanhtoanhs.

Each attempt is journaled like an inbound message, with its direction in the row: `kind` is
`pay-paymentconfirm` or `pay-dptracuuthanhtoanhs`, `path` the URL called, `body` what the
platform sent, `status` and `response` what the province answered (status 0 and a note in
parentheses when nothing came back), `accepted` whether the province acknowledged it. The
findings judge the province's answer, so their paths point into that answer.

A confirmation is judged by what a careful province does (OpenCPS's `kpCallBack`):

- a valid confirmation is acknowledged with HTTP 200 and `{"return_code": 0, …}`, else
  PAY-020 for the attempt (a warning: the platform retries), and PAY-021 on the last one;
- a confirmation with a forged `check_sum` is refused (`return_code` -1); accepting it is
  PAY-022;
- the same confirmation delivered again gets the same `return_code` as the first
  acknowledgement; anything else is PAY-023;
- every answer that is JSON is checked against pay-paymentconfirm-response (SC- rules).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from contracts import Finding, Message, MessageKind, Severity, payments
from contracts.wire import text
from mock_portal.config import PaymentClient
from mock_portal.store import (
    CallbackAttempt,
    MessageRecord,
    PaymentTransaction,
    Store,
    StoreError,
    mask_url,
)

if TYPE_CHECKING:
    from mock_portal.payments._platform import PaymentPlatform

logger = logging.getLogger("portalsim.payments")

CONFIRM_PATH = "paymentconfirm"
LOOKUP_PATH = "dptracuuthanhtoanhs"
#: the most of a province's answer that is read and journaled
MAX_ANSWER_BYTES = 64 << 10
#: the longest wait between two attempts, whatever the backoff doubles to
MAX_DELAY = timedelta(hours=1)
_HEADERS = {"content-type": "application/json", "accept": "application/json"}
_STATUS_OF = {"paid": "0", "failed": "2"}


@dataclass(frozen=True, slots=True)
class Answer:
    """What came back from one call: the HTTP status and text, or why nothing did."""

    sent_at: datetime
    http_status: int | None
    text: str
    body: Any = None
    error: str | None = None

    @property
    def usable(self) -> bool:
        """A 2xx answer whose body is a JSON object."""
        return (
            self.http_status is not None
            and 200 <= self.http_status < 300
            and isinstance(self.body, dict)
        )

    def code(self, key: str) -> int | None:
        """An integer code of the answer (`return_code`, `error_code`), number or digits."""
        if not self.usable:
            return None
        value = self.body.get(key)
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        return None

    def reason(self, key: str) -> str:
        """Why the answer is not an acknowledgement, for a finding's hint."""
        if self.error is not None:
            return f"không có trả lời / no answer: {self.error}"
        if self.http_status is None or not 200 <= self.http_status < 300:
            return f"HTTP {self.http_status}"
        if not isinstance(self.body, dict):
            return "trả lời không phải đối tượng JSON / the answer is not a JSON object"
        code = self.code(key)
        if code is None:
            return f"không đọc được {key} / no readable {key}"
        message = self.body.get("return_msg", self.body.get("message", ""))
        return f"{key} {code}: {str(message)[:200]}"

    def journal_text(self) -> str:
        return self.text if self.error is None else f"(no answer: {self.error})"


@dataclass(slots=True)
class AttemptReport:
    attempt: int
    http_status: int | None
    answer: Any
    outcome: str
    journal_id: int | None
    findings: list[Finding]


@dataclass(slots=True)
class DeliveryReport:
    """One delivery of a paymentconfirm: where it went and each attempt's outcome."""

    purpose: str
    url: str | None
    attempts: list[AttemptReport] = field(default_factory=list)
    #: acknowledged, given_up, rejected (tampered or duplicate not acknowledged), undeliverable
    result: str = "undeliverable"


@dataclass(slots=True)
class LookupReport:
    url: str
    http_status: int | None
    answer: Any
    journal_id: int | None
    findings: list[Finding]


def confirmation(tx: PaymentTransaction, client: PaymentClient, *, tampered: bool) -> bytes:
    """The paymentconfirm body: the six signed fields as the province sent them, the outcome,
    and `check_sum` = HMAC-SHA256(hash_key_2, addition_fee|client_id|command|trans_amount|
    transaction_id|version). Deterministic, so a duplicate is the same bytes."""
    signed = {
        "addition_fee": tx.addition_fee,
        "client_id": tx.client_id,
        "command": tx.command,
        "trans_amount": tx.trans_amount,
        "transaction_id": tx.transaction_id,
        "version": tx.version,
    }
    checksum = payments.create_checksum(client.hash_key_2.encode("utf-8"), signed)
    assert checksum is not None  # every signed value is a string
    if tampered:  # one hex digit changed: the form is right, the value is not
        checksum = ("1" if checksum[0] != "1" else "2") + checksum[1:]
    body = {
        "client_id": tx.client_id,
        "transaction_id": tx.transaction_id,
        "transaction_code": tx.transaction_code,
        "trans_amount": tx.trans_amount,
        "payment_fee": "0",
        "command": tx.command,
        "addition_fee": tx.addition_fee,
        "version": tx.version,
        "description": tx.description,
        "locale": "vn",
        "country_code": "vi",
        "currency_code": "VND",
        "environment": "1",
        "MaHoSo": tx.dossier,
        "status": _STATUS_OF.get(tx.status, "2"),
        "check_sum": checksum,
    }
    return orjson.dumps(body)


async def post_json(
    platform: PaymentPlatform, http: httpx.AsyncClient, url: str, payload: bytes
) -> Answer:
    """POST `payload` to `url`; never raises for what the province does."""
    sent_at = platform.portal.clock()
    timeout = platform.settings.callback_timeout.total_seconds()
    raw = bytearray()
    try:
        async with asyncio.timeout(timeout):
            async with http.stream(
                "POST", url, content=payload, headers=_HEADERS, timeout=timeout
            ) as response:
                async for chunk in response.aiter_bytes():
                    raw += chunk
                    if len(raw) > MAX_ANSWER_BYTES:
                        break
                status = response.status_code
    except TimeoutError:
        return Answer(sent_at, None, "", error=f"no answer within {timeout:g} s")
    except (httpx.HTTPError, OSError) as error:
        return Answer(sent_at, None, "", error=f"{type(error).__name__}: {error}"[:300])
    data = bytes(raw[:MAX_ANSWER_BYTES])
    body: Any = None
    if len(raw) <= MAX_ANSWER_BYTES:
        try:
            body = orjson.loads(data)
        except orjson.JSONDecodeError:
            body = None
    return Answer(sent_at, status, data.decode("utf-8", "replace"), body)


async def deliver(
    platform: PaymentPlatform, store: Store, http: httpx.AsyncClient, row_id: int, purpose: str
) -> DeliveryReport:
    """Deliver one paymentconfirm of transaction `row_id`: `confirm` until acknowledged or the
    attempts run out (then, drawn by `duplicate_rate`, once more as a duplicate); `duplicate`
    and `tampered` once."""
    tx = store.payments.by_id(row_id)
    client = platform.client(tx.client_id) if tx is not None else None
    base = platform.callback_base(store, client) if client is not None else None
    if tx is None or client is None or base is None:
        if tx is not None and purpose == "confirm":
            _quietly(store.payments.set_confirmation, row_id, "undeliverable")
        return DeliveryReport(purpose, None)
    url = base + CONFIRM_PATH
    report = DeliveryReport(purpose, url)
    payload = confirmation(tx, client, tampered=purpose == "tampered")
    reference = _acknowledged_code(store, row_id) if purpose == "duplicate" else None
    tries = platform.settings.callback_attempts if purpose == "confirm" else 1
    delivery = secrets.token_hex(8)
    try:
        for attempt in range(1, tries + 1):
            if attempt > 1 and store.payments.by_id(row_id) is None:
                break  # a reset forgot the transaction meanwhile
            answer = await post_json(platform, http, url, payload)
            code = answer.code("return_code")
            acknowledged = code == 0
            findings = _judge_confirmation(
                platform, answer, purpose, last=attempt == tries, reference=reference
            )
            journal_id = await _journal(
                platform,
                (tx.unit, tx.province),
                MessageKind.PAY_CONFIRM,
                url,
                payload,
                answer,
                acknowledged,
                findings,
            )
            outcome = (
                "acknowledged" if acknowledged else "rejected" if code is not None else "failed"
            )
            _quietly(
                store.payments.record_attempt,
                CallbackAttempt(
                    transaction_ref=row_id,
                    province=tx.province,
                    purpose=purpose,
                    delivery=delivery,
                    attempt=attempt,
                    sent_at=answer.sent_at,
                    outcome=outcome,
                    http_status=answer.http_status,
                    return_code=None if code is None else str(code),
                    journal_id=journal_id,
                ),
            )
            report.attempts.append(
                AttemptReport(
                    attempt, answer.http_status, answer.body, outcome, journal_id, findings
                )
            )
            if acknowledged or purpose != "confirm":
                break
            if attempt < tries:
                await asyncio.sleep(_delay(platform, attempt).total_seconds())
    except asyncio.CancelledError:
        if purpose == "confirm":
            _quietly(store.payments.set_confirmation, row_id, "interrupted")
        raise
    last = report.attempts[-1].outcome if report.attempts else "failed"
    if purpose == "confirm":
        report.result = "acknowledged" if last == "acknowledged" else "given_up"
        _quietly(store.payments.set_confirmation, row_id, report.result)
        if last == "acknowledged" and platform.draws_duplicate(tx):
            await deliver(platform, store, http, row_id, "duplicate")
    else:
        report.result = last
    return report


def _delay(platform: PaymentPlatform, attempt: int) -> timedelta:
    """The wait after attempt `attempt`: the backoff, doubled after each attempt, capped."""
    delay: timedelta = platform.settings.callback_backoff * 2 ** (attempt - 1)
    return min(delay, MAX_DELAY)


def _acknowledged_code(store: Store, row_id: int) -> int | None:
    """The return_code the province acknowledged the confirmation with (0), if it did."""
    for attempt in store.payments.attempts(row_id):
        if attempt.purpose == "confirm" and attempt.outcome == "acknowledged":
            return int(attempt.return_code) if attempt.return_code is not None else None
    return None


def _judge_confirmation(
    platform: PaymentPlatform, answer: Answer, purpose: str, *, last: bool, reference: int | None
) -> list[Finding]:
    findings = _answer_findings(platform, MessageKind.PAY_CONFIRM_RESPONSE, answer)
    code = answer.code("return_code")
    reason = answer.reason("return_code")
    if purpose == "confirm" and code != 0:
        findings.append(
            _finding(
                platform,
                "PAY-020",
                "$.return_code",
                code,
                f"xác nhận hợp lệ không được "
                f"ghi nhận / a valid confirmation was not acknowledged: {reason}",
            )
        )
        if last:
            attempts = platform.settings.callback_attempts
            findings.append(
                _finding(
                    platform,
                    "PAY-021",
                    "$.return_code",
                    code,
                    f"không ghi nhận sau "
                    f"{attempts} lần gửi / not acknowledged after {attempts} attempts",
                )
            )
    elif purpose == "tampered" and code == 0:
        findings.append(
            _finding(
                platform,
                "PAY-022",
                "$.return_code",
                code,
                "tỉnh ghi nhận một xác nhận có "
                "check_sum giả / the province acknowledged a confirmation whose check_sum "
                "was forged",
            )
        )
    elif purpose == "duplicate" and code != reference:
        findings.append(
            _finding(
                platform,
                "PAY-023",
                "$.return_code",
                code,
                f"lần đầu return_code "
                f"{reference}, lần gửi lại: {reason} / first answered return_code "
                f"{reference}, the duplicate: {reason}",
            )
        )
    return findings


async def lookup(
    platform: PaymentPlatform,
    store: Store,
    http: httpx.AsyncClient,
    dossier: str,
    client: PaymentClient,
) -> LookupReport:
    """Ask the client's province what `dossier` owes, judge and journal its answer."""
    base = platform.callback_base(store, client)
    if base is None:
        raise LookupError(f"no callback_url for client {client.client_id} or unit {client.unit}")
    url = base + LOOKUP_PATH
    payload = orjson.dumps({"MaHoSo": dossier})
    answer = await post_json(platform, http, url, payload)
    findings = _answer_findings(platform, MessageKind.PAY_LOOKUP_RESPONSE, answer)
    if not answer.usable:
        findings.append(
            _finding(
                platform,
                "PAY-024",
                "$",
                None,
                f"không có trả lời dùng được / no usable answer: {answer.reason('error_code')}",
            )
        )
    else:
        bill = answer.body.get("message")
        named = text(bill, "MaHoSo")
        if answer.code("error_code") == 1 and isinstance(bill, dict) and named != dossier:
            findings.append(
                _finding(
                    platform,
                    "PAY-024",
                    "$.message.MaHoSo",
                    named or None,
                    f"hỏi "
                    f"{dossier}, trả lời về hồ sơ khác / asked about {dossier}, answered "
                    "about another dossier",
                )
            )
    accepted = answer.usable and not any(f.severity is Severity.ERROR for f in findings)
    province = platform.portal.province_of(client.unit)
    journal_id = await _journal(
        platform,
        (client.unit, province),
        MessageKind.PAY_LOOKUP,
        url,
        payload,
        answer,
        accepted,
        findings,
    )
    return LookupReport(url, answer.http_status, answer.body, journal_id, findings)


def _answer_findings(platform: PaymentPlatform, kind: MessageKind, answer: Answer) -> list[Finding]:
    """The contract's findings on the province's answer, when it is a JSON object."""
    if not isinstance(answer.body, dict):
        return []
    message = Message(0, kind, answer.body, answer.sent_at, None, None, answer.text)
    return list(platform.portal.validator.check(message))


def _finding(platform: PaymentPlatform, rule: str, path: str, value: object, hint: str) -> Finding:
    severity = platform.portal.profile.rules[rule].severity
    return Finding(rule, severity, 0, path, value, hint)


async def _journal(
    platform: PaymentPlatform,
    origin: tuple[str, str | None],
    kind: MessageKind,
    url: str,
    payload: bytes,
    answer: Answer,
    accepted: bool,
    findings: list[Finding],
) -> int | None:
    record = MessageRecord(
        received_at=answer.sent_at,
        unit=origin[0],
        province=origin[1],
        kind=kind.value,
        method="POST",
        path=mask_url(url),
        headers=dict(_HEADERS),
        body=payload,
        status_code=answer.http_status or 0,
        response=answer.journal_text(),
        accepted=accepted,
        findings=tuple(findings),
    )
    try:
        return await platform.portal.writer.write(record)
    except StoreError:
        logger.warning("could not journal a %s call to %s", kind.value, mask_url(url))
        return None


def _quietly(action: Any, *args: Any) -> None:
    """A bookkeeping write that must not end a delivery (a reset may have removed the row)."""
    try:
        action(*args)
    except StoreError:
        logger.warning("payment bookkeeping failed: %s", getattr(action, "__name__", action))
