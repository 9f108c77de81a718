"""The conformance driver: runs the plan (`simulator.conform.plan`) against a province system.

    run_plan(config, target, *, portal_url=None, only=None, …) -> PlanResult

The driver plays the portal side towards the target (pushes, the payment platform's lookups and
confirmations, the citizen's browser through the SSO provider) and reads what the target sends
the portal from the portal's journal. It first checks the target answers at all (unreachable:
`InfrastructureError`, exit 4), then runs the groups in plan order. Within PAY-CONF it runs the
refusals before the valid confirmation (a forged or wrong-amount confirmation must be refused
while the transaction is still pending, not excused as a duplicate); results are reported in plan
order whatever the run order was.

Each case ends `pass`, `fail` (the province misbehaved: the reason says how, the hint how to fix
it, the evidence shows the exchanges), `skip` (with the reason: a missing configuration table,
trigger or earlier case) or `error` (the driver could not run it: no answer, a trigger that
failed).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

import httpx

from contracts import CheckContext, Message, MessageKind, Severity, Validator
from contracts import profiles as contract_profiles
from simulator.conform import dossiers
from simulator.conform.browser import Login, login
from simulator.conform.config import ConformConfig
from simulator.conform.journal import JournalRow, PortalJournal
from simulator.conform.plan import PLAN, PlanCase
from simulator.conform.portal import EmbeddedPortal
from simulator.conform.recorder import Answer, Recorder
from simulator.conform.results import CaseResult, Exchange, Outcome, PlanResult
from simulator.conform.triggers import fire
from simulator.domain import (
    VN_TZ,
    bundled_agencies,
    bundled_calendar,
    bundled_catalogue,
    bundled_provinces,
)
from simulator.errors import InfrastructureError, UsageError

__all__ = ["check_reachable", "run_plan"]

_HOSTILE_MODE = {
    "SSO-RP-002": "bad-signature",
    "SSO-RP-003": "wrong-audience",
    "SSO-RP-004": "expired",
    "SSO-RP-005": "wrong-nonce",
    "SSO-RP-006": "alg-none",
    "SSO-RP-007": "wrong-state",
}
_PROVINCE_KINDS = frozenset(
    {"login", "TraCuuHoSo", "LayThuTuc", "DongBoHoSoMC", "CapNhatTienDoHoSoMC", "DongBoDanhGia"}
)
_PAY_CONF_ORDER = (
    "PAY-CONF-002",
    "PAY-CONF-005",
    "PAY-CONF-004",
    "PAY-CONF-001",
    "PAY-CONF-003",
    "PAY-CONF-006",
)
_HINTS = {
    "PUSH-001": 'Nhận hồ sơ từ DVCQG và trả lời JSON {"error_code": 0} / accept the push and '
    "answer a JSON object with error_code 0.",
    "PUSH-002": 'Gửi DongBoTrangThaiHoSo (type "2", TrangThai "2") ngay khi tiếp nhận / send '
    "DongBoTrangThaiHoSo as soon as the dossier is received.",
    "PUSH-003": "Kiểm tra đủ trường bắt buộc và trả lời error_code khác 0 / check required "
    "fields and refuse with a non-zero error_code.",
    "PUSH-004": "Kiểm tra mã hồ sơ theo Điều 19 / check MaHoSo against Art. 19.",
    "PUSH-005": "Kiểm tra MaTTHC trong CSDL TTHC / check MaTTHC against the procedures database.",
    "PUSH-006": 'Không báo "2" cho hồ sơ bị từ chối / never report a refused dossier as accepted.',
    "PAY-LOOK-001": "Trả lời error_code 1 và hoá đơn đúng MaHoSo được hỏi, MaTraCuuTT = MaHoSo + "
    "yyyyMMddHHmmss / answer the bill of the dossier asked about.",
    "PAY-LOOK-002": "Hồ sơ không có: error_code 0 hoặc -1 / unknown dossier: error_code 0 or -1.",
    "PAY-CONF-001": "Kiểm tra check_sum bằng hash_key_2 rồi trả lời return_code 0 / verify the "
    "checksum with hash_key_2 and answer return_code 0.",
    "PAY-CONF-002": "Trả lời return_code -1 khi check_sum sai / answer -1 to a forged check_sum.",
    "PAY-CONF-003": "Xác nhận trùng: trả lời như lần đầu, không xử lý lại / answer a duplicate as "
    "the first time, without processing it again.",
    "PAY-CONF-004": "Từ chối giao dịch không do tỉnh tạo / refuse unknown transaction_ids.",
    "PAY-CONF-005": "So số tiền với giao dịch đã tạo / compare trans_amount with the transaction.",
    "PAY-CONF-006": "Ghi nhận thanh toán vào hồ sơ / apply the payment to the dossier.",
    "SSO-RP-001": "Gửi state, nonce và PKCE S256; hoàn tất đăng nhập / send state, nonce, PKCE "
    "S256 and complete the login.",
    "SSO-RP-007": "So state khi quay lại / compare the callback's state with the login's.",
}
_ID_TOKEN_HINT = (
    "Kiểm tra ID token: chữ ký RS256 theo JWKS, không nhận alg none, iss, aud, exp, nonce "
    "(OIDC Core §3.1.3.7) / validate the ID token."
)


@dataclass(slots=True)
class _Done:
    outcome: Outcome
    reason: str = ""
    evidence: list[Exchange] = field(default_factory=list)
    hint: str = ""


def _pass(evidence: Sequence[Exchange] = ()) -> _Done:
    return _Done("pass", "", list(evidence))


def _fail(reason: str, evidence: Sequence[Exchange] = (), hint: str = "") -> _Done:
    return _Done("fail", reason, list(evidence), hint)


def _skip(reason: str) -> _Done:
    return _Done("skip", reason)


def _error(reason: str, evidence: Sequence[Exchange] = ()) -> _Done:
    return _Done("error", reason, list(evidence))


def _code(value: Any) -> int | None:
    """An integer answer code (`0`, `"0"`, `-1`), None when there is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _refused(answer: Answer, key: str) -> tuple[bool | None, str]:
    """(True refused, False accepted, None unreadable) of an answer, and how it reads."""
    if answer.status is None:
        return None, answer.describe()
    if 400 <= answer.status < 500:
        return True, f"HTTP {answer.status}"
    if answer.status >= 500:
        return None, f"HTTP {answer.status}: a server error is not a refusal"
    if not answer.is_json_object:
        return None, answer.describe()
    code = _code(answer.json.get(key))
    if code is None:
        return None, f"no readable {key} in {answer.describe()}"
    return code != 0, f"{key} {code}"


class _Run:
    def __init__(
        self,
        config: ConformConfig,
        target: str,
        portal_url: str,
        operator_token: str,
        client: httpx.Client,
        browser: httpx.Client,
        terminal_in: TextIO | None,
        terminal_out: TextIO,
    ) -> None:
        self.config = config
        self.browser = browser
        self.target = target.rstrip("/")
        self.portal_url = portal_url.rstrip("/")
        self.operator_token = operator_token
        self.client = client
        self.recorder = Recorder(client)
        self.journal = PortalJournal(client, self.portal_url, operator_token)
        self.terminal_in, self.terminal_out = terminal_in, terminal_out
        self.limits = config.limits
        self.done: dict[str, _Done] = {}
        # what later cases reuse
        self.pushed: str | None = None
        self.procedure = dossiers.fee_procedure(config.procedure)
        self.transaction: dict[str, Any] | None = None
        self.first_confirmation: dict[str, Any] | None = None
        self.first_code: int | None = None
        self._created_evidence: list[Exchange] = []
        self.push_exchange: Exchange | None = None
        profile = contract_profiles.load()
        self.rules = profile.rules
        self.validator = Validator(
            profile,
            CheckContext(
                catalogue=bundled_catalogue(),
                agencies=bundled_agencies(),
                calendar=bundled_calendar(),
            ),
        )

    # -- helpers -----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.target + path

    def schema_findings(self, kind: MessageKind, answer: Answer) -> list[str]:
        if not answer.is_json_object:
            return []
        message = Message(0, kind, answer.json, datetime.now(VN_TZ), None, None, None)
        return [
            f"{f.rule} {f.path}: {f.hint}"
            for f in self.validator.check(message)
            if f.severity is Severity.ERROR
        ]

    def judged(self, rows: Sequence[JournalRow], rules: Sequence[str]) -> list[str]:
        """Findings (errors and warnings) of `rules` on `rows`, one line each."""
        return [
            f"{f.get('rule')} ({row.kind} #{row.id}) {f.get('path')} = {f.get('value')!r}: "
            f"{f.get('hint')}"
            for row in rows
            for f in row.findings_of(rules, ("error", "warning"))
        ]

    def evidence_of(self, rows: Sequence[JournalRow], rules: Sequence[str] = ()) -> list[Exchange]:
        # Logins carry the unit's password: never evidence.
        chosen = [
            row
            for row in rows
            if row.kind != "login" and (not rules or row.findings_of(rules, ("error", "warning")))
        ]
        return [row.exchange(self.portal_url) for row in chosen[:6]]

    def hostile(self, mode: str | None) -> Answer:
        return self.recorder.send(
            "PUT",
            f"{self.portal_url}/admin/sso/hostile",
            json_body={
                "mode": mode,
                "client_id": self.config.sso.client_id if self.config.sso else "*",
            },
            headers={"Authorization": f"Bearer {self.operator_token}"},
        )

    # -- PUSH --------------------------------------------------------------------------------

    def push_group(self) -> None:
        endpoints = self.config.endpoints
        if endpoints is None:
            self._skip_group("PUSH", "no [endpoints] in the configuration")
            return
        now = datetime.now(VN_TZ)
        code = dossiers.dossier_code(self.config.unit, now)
        procedure, name, _fee = self.procedure
        valid = dossiers.valid_push(self.config.unit, code, procedure, name, now)
        mark = self.journal.mark()
        answer = self.recorder.send("POST", self.url(endpoints.push), json_body=valid)
        refused, how = _refused(answer, "error_code")
        if refused is None:
            self.done["PUSH-001"] = (
                _error(f"the push got {how}", [answer.exchange])
                if answer.status is None
                else _fail(f"the push got {how}", [answer.exchange], _HINTS["PUSH-001"])
            )
        elif refused:
            self.done["PUSH-001"] = _fail(
                f"a valid dossier was refused: {how}", [answer.exchange], _HINTS["PUSH-001"]
            )
        else:
            self.done["PUSH-001"] = _pass([answer.exchange])
            self.pushed = code
            self.push_exchange = answer.exchange
        defective_codes: dict[str, str] = {}
        for case_id, body in dossiers.defective_pushes(valid, self.config.unit, now).items():
            sent = self.recorder.send("POST", self.url(endpoints.push), json_body=body)
            refused, how = _refused(sent, "error_code")
            defective_codes[case_id] = str(body["MaHoSo"])
            if refused and self.pushed is None:
                # A province that refuses the valid dossier too proves nothing by refusing.
                self.done[case_id] = _skip(
                    "PUSH-001 did not pass: a refusal proves nothing while a valid dossier is "
                    "refused too"
                )
            elif refused:
                self.done[case_id] = _pass([sent.exchange])
            elif refused is None and sent.status is None:
                self.done[case_id] = _error(f"the push got {how}", [sent.exchange])
            else:
                verdict = "accepted" if refused is False else "not clearly refused"
                self.done[case_id] = _fail(
                    f"the defective dossier was {verdict}: {how}", [sent.exchange], _HINTS[case_id]
                )
        pushed_at = time.monotonic()
        self._status_sync(mark, code)
        rest = max(0.0, self.limits.status_sync - (time.monotonic() - pushed_at))
        self._refused_not_accepted(mark, defective_codes, rest)

    def _status_sync(self, mark: int, code: str) -> None:
        case = PLAN.case("PUSH-002")
        assert case is not None
        if self.pushed is None:
            self.done["PUSH-002"] = _skip("PUSH-001 did not pass: no accepted dossier to sync")
            return

        def synced(rows: list[JournalRow]) -> bool:
            return any(_status_row(row, code) for row in rows)

        found, rows = self.journal.wait(mark, synced, self.limits.status_sync)
        matching = [row for row in rows if _status_row(row, code)]
        if not found:
            self.done["PUSH-002"] = _fail(
                f"no DongBoTrangThaiHoSo for {code} reached the portal within "
                f"{self.limits.status_sync:g} s",
                [self.push_exchange] if self.push_exchange is not None else [],
                _HINTS["PUSH-002"],
            )
            return
        row = matching[0]
        status = row.body.get("data", {}).get("TrangThai") if isinstance(row.body, dict) else None
        problems = self.judged(matching, case.rules)
        if status != "2":
            problems.insert(0, f'TrangThai {status!r}, expected "2" (accepted)')
        if problems:
            self.done["PUSH-002"] = _fail(
                "; ".join(problems), self.evidence_of(matching), _HINTS["PUSH-002"]
            )
        else:
            self.done["PUSH-002"] = _pass(self.evidence_of(matching))

    def _refused_not_accepted(self, mark: int, codes: dict[str, str], limit: float) -> None:
        wanted = set(codes.values())

        def reported(rows: list[JournalRow]) -> bool:
            return any(_status_row(row, c, "2") for row in rows for c in wanted)

        found, rows = self.journal.wait(mark, reported, limit)
        if found:
            bad = [row for row in rows for c in wanted if _status_row(row, c, "2")]
            named = sorted({str(row.body["data"]["MaHoSo"]) for row in bad})
            self.done["PUSH-006"] = _fail(
                f'refused dossiers reported as accepted (TrangThai "2"): {", ".join(named)}',
                self.evidence_of(bad),
                _HINTS["PUSH-006"],
            )
        else:
            self.done["PUSH-006"] = _pass()

    # -- PAY-LOOK ----------------------------------------------------------------------------

    def lookup(self, code: str) -> Answer:
        assert self.config.endpoints is not None
        return self.recorder.send(
            "POST", self.url(self.config.endpoints.payment_lookup), json_body={"MaHoSo": code}
        )

    def lookup_group(self) -> None:
        if self.config.endpoints is None:
            self._skip_group("PAY-LOOK", "no [endpoints] in the configuration")
            return
        if self.pushed is None:
            self.done["PAY-LOOK-001"] = _skip("PUSH-001 did not pass: no dossier owes fees")
        else:
            self.done["PAY-LOOK-001"] = self._owed(self.pushed)
        unknown = dossiers.dossier_code(self.config.unit, datetime.now(VN_TZ))
        answer = self.lookup(unknown)
        if not answer.is_json_object:
            self.done["PAY-LOOK-002"] = self._unreadable(answer, "PAY-LOOK-002")
            return
        code = _code(answer.json.get("error_code"))
        problems = self.schema_findings(MessageKind.PAY_LOOKUP_RESPONSE, answer)
        if code not in (0, -1):
            problems.insert(
                0, f"error_code {answer.json.get('error_code')!r} for a dossier it does not have"
            )
        self.done["PAY-LOOK-002"] = (
            _fail("; ".join(problems), [answer.exchange], _HINTS["PAY-LOOK-002"])
            if problems
            else _pass([answer.exchange])
        )

    def _unreadable(self, answer: Answer, case_id: str) -> _Done:
        if answer.status is None:
            return _error(answer.describe(), [answer.exchange])
        return _fail(
            f"the answer is not a JSON object: {answer.describe()}",
            [answer.exchange],
            _HINTS.get(case_id, ""),
        )

    def _owed(self, code: str) -> _Done:
        answer = self.lookup(code)
        if not answer.is_json_object:
            return self._unreadable(answer, "PAY-LOOK-001")
        problems = self.schema_findings(MessageKind.PAY_LOOKUP_RESPONSE, answer)
        bill = answer.json.get("message")
        if _code(answer.json.get("error_code")) != 1:
            problems.insert(
                0, f"error_code {answer.json.get('error_code')!r}, expected 1 (payment due)"
            )
        elif not isinstance(bill, dict):
            problems.append("no bill in message")
        else:
            if bill.get("MaHoSo") != code:
                problems.append(f"the bill names {bill.get('MaHoSo')!r}, asked about {code}")
            reference = str(bill.get("MaTraCuuTT", ""))
            if not (
                reference.startswith(code)
                and len(reference) == len(code) + 14
                and reference[len(code) :].isdigit()
            ):
                problems.append(f"MaTraCuuTT {reference!r} is not MaHoSo + yyyyMMddHHmmss")
            amounts = [
                _code(str(line.get("SoTien")))
                for line in bill.get("DSKhoanNop") or []
                if isinstance(line, dict)
            ]
            if not amounts or sum(a or 0 for a in amounts) <= 0:
                problems.append("no positive amount in DSKhoanNop")
        if problems:
            return _fail("; ".join(problems), [answer.exchange], _HINTS["PAY-LOOK-001"])
        return _pass([answer.exchange])

    # -- PAY-CONF ----------------------------------------------------------------------------

    def confirm(self, body: dict[str, Any]) -> Answer:
        assert self.config.endpoints is not None
        return self.recorder.send(
            "POST", self.url(self.config.endpoints.payment_confirm), json_body=body
        )

    def confirm_group(self) -> None:
        if self.config.endpoints is None or self.config.payment is None:
            missing = "[endpoints]" if self.config.endpoints is None else "[payment]"
            self._skip_group("PAY-CONF", f"no {missing} in the configuration")
            return
        trigger = self.config.trigger_for("PAY-CONF-001", "PAY-CONF")
        if trigger is None:
            self._skip_group(
                "PAY-CONF", "no trigger [triggers.PAY-CONF]: the province must create a transaction"
            )
            return
        if self.pushed is None:
            self._skip_group("PAY-CONF", "PUSH-001 did not pass: no dossier to pay")
            return
        mark = self.journal.mark()
        fired = fire(
            trigger,
            {"dossier": self.pushed, "portal": self.portal_url, "target": self.target},
            self.recorder,
            target=self.target,
            limit_s=self.limits.trigger,
            terminal_in=self.terminal_in,
            terminal_out=self.terminal_out,
        )
        if not fired.ok:
            first = _skip(fired.reason) if fired.skipped else _error(fired.reason, fired.evidence)
            self.done["PAY-CONF-001"] = first
            self._skip_group(
                "PAY-CONF", "PAY-CONF-001 could not create a transaction", keep=("PAY-CONF-001",)
            )
            return
        pushed = self.pushed
        client_id = self.config.payment.client_id

        def created(rows: list[JournalRow]) -> bool:
            return any(_transaction_row(row, pushed, client_id) for row in rows)

        found, rows = self.journal.wait(mark, created, self.limits.trigger)
        if not found:
            self.done["PAY-CONF-001"] = _fail(
                f"no createtransaction for {pushed} reached the platform within "
                f"{self.limits.trigger:g} s of the trigger",
                list(fired.evidence),
                "Tạo giao dịch qua /api/pay/createtransaction / create the transaction on the "
                "platform.",
            )
            self._skip_group(
                "PAY-CONF", "PAY-CONF-001 found no transaction", keep=("PAY-CONF-001",)
            )
            return
        self.transaction = next(
            row.body for row in rows if _transaction_row(row, pushed, client_id)
        )
        self._created_evidence = [
            row.exchange(self.portal_url)
            for row in rows
            if _transaction_row(row, pushed, client_id)
        ][:1]
        for case_id in _PAY_CONF_ORDER:
            self.done[case_id] = getattr(self, "_" + case_id.replace("-", "_").lower())()
        if self.first_confirmation is None:
            # The valid confirmation was refused too: the refusals prove nothing.
            for case_id in ("PAY-CONF-002", "PAY-CONF-004", "PAY-CONF-005"):
                if self.done[case_id].outcome == "pass":
                    self.done[case_id] = _skip(
                        "PAY-CONF-001 did not pass: a refusal proves nothing while a valid "
                        "confirmation is refused too"
                    )

    def _keys(self) -> str:
        assert self.config.payment is not None
        return self.config.payment.hash_key_2

    def _refusal_case(self, case_id: str, body: dict[str, Any], what: str) -> _Done:
        answer = self.confirm(body)
        refused, how = _refused(answer, "return_code")
        if refused:
            return _pass([answer.exchange])
        if refused is None and answer.status is None:
            return _error(how, [answer.exchange])
        verdict = "acknowledged" if refused is False else "not clearly refused"
        return _fail(f"{what} was {verdict}: {how}", [answer.exchange], _HINTS[case_id])

    def _pay_conf_002(self) -> _Done:
        assert self.transaction is not None
        body = dossiers.confirmation(self.transaction, self._keys(), forged=True)
        return self._refusal_case("PAY-CONF-002", body, "a confirmation with a forged check_sum")

    def _pay_conf_005(self) -> _Done:
        assert self.transaction is not None
        amount = _code(str(self.transaction.get("trans_amount"))) or 0
        body = dossiers.confirmation(self.transaction, self._keys(), amount=str(amount + 1000))
        return self._refusal_case(
            "PAY-CONF-005", body, f"a confirmation of {amount + 1000} for a transaction of {amount}"
        )

    def _pay_conf_004(self) -> _Done:
        assert self.transaction is not None
        unknown = dict(self.transaction) | {"transaction_id": f"UNKNOWN{int(time.time() * 1000)}"}
        body = dossiers.confirmation(unknown, self._keys())
        return self._refusal_case("PAY-CONF-004", body, "a confirmation of an unknown transaction")

    def _pay_conf_001(self) -> _Done:
        assert self.transaction is not None
        body = dossiers.confirmation(self.transaction, self._keys())
        answer = self.confirm(body)
        evidence = [*self._created_evidence, answer.exchange]
        if not answer.is_json_object:
            return self._unreadable(answer, "PAY-CONF-001")
        code = _code(answer.json.get("return_code"))
        problems = self.schema_findings(MessageKind.PAY_CONFIRM_RESPONSE, answer)
        if answer.status != 200 or code != 0:
            problems.insert(0, f"not acknowledged: {answer.describe()}")
        if problems:
            return _fail("; ".join(problems), evidence, _HINTS["PAY-CONF-001"])
        self.first_confirmation, self.first_code = body, code
        return _pass(evidence)

    def _pay_conf_003(self) -> _Done:
        if self.first_confirmation is None:
            return _skip("PAY-CONF-001 did not pass: no acknowledged confirmation to repeat")
        answer = self.confirm(self.first_confirmation)
        if not answer.is_json_object:
            return self._unreadable(answer, "PAY-CONF-003")
        code = _code(answer.json.get("return_code"))
        if code != self.first_code:
            return _fail(
                f"the first delivery got return_code {self.first_code}, the duplicate "
                f"{answer.describe()}",
                [answer.exchange],
                _HINTS["PAY-CONF-003"],
            )
        return _pass([answer.exchange])

    def _pay_conf_006(self) -> _Done:
        if self.first_confirmation is None or self.pushed is None:
            return _skip("PAY-CONF-001 did not pass: nothing was paid")
        answer = self.lookup(self.pushed)
        if not answer.is_json_object:
            return self._unreadable(answer, "PAY-CONF-006")
        code = _code(answer.json.get("error_code"))
        if code != 0:
            return _fail(
                "after the payment the dossier still reads error_code "
                f"{answer.json.get('error_code')!r}, expected 0",
                [answer.exchange],
                _HINTS["PAY-CONF-006"],
            )
        return _pass([answer.exchange])

    # -- SSO-RP ------------------------------------------------------------------------------

    def sso_group(self) -> None:
        if self.config.endpoints is None or self.config.sso is None:
            missing = "[endpoints]" if self.config.endpoints is None else "[sso]"
            self._skip_group("SSO-RP", f"no {missing} in the configuration")
            return
        baseline = self._browser_login_checked()
        self.done["SSO-RP-001"] = self._sso_login_case(baseline)
        for case_id, mode in _HOSTILE_MODE.items():
            if not baseline[0].logged_in:
                # Refusing a hostile login proves nothing when no login succeeds at all.
                self.done[case_id] = _skip("the login of SSO-RP-001 did not succeed")
            else:
                self.done[case_id] = self._hostile_case(case_id, mode)

    def _browser_login(self) -> Login:
        """One login in a browser without cookies (each login starts afresh)."""
        assert self.config.endpoints is not None
        assert self.config.sso is not None
        self.browser.cookies.clear()
        return login(
            Recorder(self.browser),
            self.url(self.config.endpoints.sso_login),
            self.url(self.config.endpoints.sso_session),
            self.config.sso.redirect_uri,
        )

    def _browser_login_checked(self) -> tuple[Login, list[JournalRow]]:
        """A login with the provider behaving, and the SSO exchanges the portal journaled."""
        mark = self.journal.mark()
        result = self._browser_login()
        return result, [row for row in self.journal.since(mark) if row.kind.startswith("sso-")]

    def _sso_login_case(self, baseline: tuple[Login, list[JournalRow]]) -> _Done:
        case = PLAN.case("SSO-RP-001")
        assert case is not None
        result, rows = baseline
        if result.broken and result.session_status is None and not result.authorize_query:
            first = result.evidence[0] if result.evidence else None
            if first is not None and first.status is None:
                return _error(result.broken, result.evidence)
        problems = []
        query = result.authorize_query
        if not query:
            problems.append("the login start did not redirect to the provider's /oauth2/authorize")
        else:
            for name in ("state", "nonce", "code_challenge"):
                if not query.get(name):
                    problems.append(f"the authorization request has no {name}")
            if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
                problems.append("code_challenge_method is not S256")
        problems += self.judged(rows, case.rules)
        if result.broken:
            problems.append(result.broken)
        elif not result.logged_in:
            problems.append(
                f"the session check answered HTTP {result.session_status} after the callback"
            )
        evidence = result.evidence + self.evidence_of(rows, case.rules)
        if problems:
            return _fail("; ".join(dict.fromkeys(problems)), evidence, _HINTS["SSO-RP-001"])
        return _pass(evidence)

    def _hostile_case(self, case_id: str, mode: str) -> _Done:
        switched = self.hostile(mode)
        if switched.status != 200:
            return _error(
                f"could not set the provider's hostile mode {mode}: {switched.describe()}",
                [switched.exchange],
            )
        try:
            result = self._browser_login()
        finally:
            self.hostile(None)
        if result.session_status is None:
            if not result.authorize_query:
                return _error(f"the login could not start: {result.broken}", result.evidence)
            return _error(result.broken or "the session check did not answer", result.evidence)
        if result.logged_in:
            return _fail(
                f"the province logged the browser in although the provider was hostile ({mode})",
                result.evidence,
                _HINTS.get(case_id, _ID_TOKEN_HINT),
            )
        return _pass(result.evidence)

    # -- SYNC --------------------------------------------------------------------------------

    def sync_group(self) -> None:
        group = PLAN.group("SYNC")
        assert group is not None
        trigger = self.config.trigger_for("SYNC-001", "SYNC")
        if trigger is None:
            self._skip_group(
                "SYNC", "no trigger [triggers.SYNC]: the province's own flows cannot be started"
            )
            return
        mark = self.journal.mark()
        fired = fire(
            trigger,
            {"dossier": self.pushed or "", "portal": self.portal_url, "target": self.target},
            self.recorder,
            target=self.target,
            limit_s=self.limits.trigger,
            terminal_in=self.terminal_in,
            terminal_out=self.terminal_out,
        )
        if not fired.ok:
            for case in group.cases:
                self.done[case.id] = (
                    _skip(fired.reason) if fired.skipped else _error(fired.reason, fired.evidence)
                )
            return
        unit = self.config.unit

        def arrived(rows: list[JournalRow]) -> bool:
            kinds = {row.kind for row in rows if row.unit == unit}
            return {"DongBoHoSoMC", "CapNhatTienDoHoSoMC"} <= kinds

        found, _rows = self.journal.wait(mark, arrived, self.limits.trigger)
        rows = [
            row
            for row in self.journal.quiet(mark, self.limits.settle, self.limits.trigger)
            if row.kind in _PROVINCE_KINDS and (row.unit in (unit, None))
        ]
        first = group.cases[0]
        if not found:
            kinds = sorted({row.kind for row in rows}) or ["nothing"]
            self.done[first.id] = _fail(
                f"within {self.limits.trigger:g} s of the trigger the portal received "
                f"{', '.join(kinds)}: expected DongBoHoSoMC and CapNhatTienDoHoSoMC",
                [*fired.evidence, *self.evidence_of(rows)],
                "Đồng bộ hồ sơ: DongBoHoSoMC rồi CapNhatTienDoHoSoMC / publish the dossier.",
            )
            for case in group.cases[1:]:
                self.done[case.id] = _skip("SYNC-001 found no messages to judge")
            return
        for case in group.cases:
            problems = self.judged(rows, case.rules)
            if problems:
                hint = "; ".join(
                    dict.fromkeys(
                        f"{rule}: {self.rules[rule].hint}"
                        for rule in case.rules
                        if any(p.startswith(rule + " ") for p in problems) and rule in self.rules
                    )
                )
                shown = problems[:10] + (
                    [f"… {len(problems) - 10} more"] if len(problems) > 10 else []
                )
                self.done[case.id] = _fail(
                    "; ".join(shown), self.evidence_of(rows, case.rules), hint
                )
            else:
                self.done[case.id] = _pass(self.evidence_of(rows)[:3])

    # -- bookkeeping -------------------------------------------------------------------------

    def _skip_group(self, group_id: str, reason: str, keep: Collection[str] = ()) -> None:
        group = PLAN.group(group_id)
        assert group is not None
        for case in group.cases:
            if case.id not in keep:
                self.done[case.id] = _skip(reason)


def _status_row(row: JournalRow, code: str, status: str | None = None) -> bool:
    if row.kind != "DongBoTrangThaiHoSo" or not isinstance(row.body, dict):
        return False
    data = row.body.get("data")
    if not isinstance(data, dict) or data.get("MaHoSo") != code:
        return False
    return status is None or data.get("TrangThai") == status


def _transaction_row(row: JournalRow, dossier: str, client_id: str) -> bool:
    if row.kind != "pay-createtransaction" or not isinstance(row.body, dict):
        return False
    bill = row.body.get("bill_info")
    return (
        row.body.get("client_id") == client_id
        and isinstance(bill, dict)
        and bill.get("MaHoSo") == dossier
    )


_GROUP_RUNNERS: dict[str, Callable[[_Run], None]] = {
    "PUSH": _Run.push_group,
    "PAY-LOOK": _Run.lookup_group,
    "PAY-CONF": _Run.confirm_group,
    "SSO-RP": _Run.sso_group,
    "SYNC": _Run.sync_group,
}


def check_reachable(client: httpx.Client, target: str) -> None:
    """Any HTTP answer will do; a refused connection or a timeout is exit 4."""
    try:
        client.get(target)
    except httpx.HTTPError as error:
        raise InfrastructureError(
            f"target unreachable: {target} ({type(error).__name__}: {error})"
        ) from None


@contextmanager
def _portal(config: ConformConfig, portal_url: str | None) -> Iterator[tuple[str, str]]:
    if portal_url is not None:
        if config.operator_token is None:
            raise UsageError(
                "portal.operator_token: required with --portal (the operator API's token)"
            )
        yield portal_url, config.operator_token
        return
    with EmbeddedPortal(config) as embedded:
        yield embedded.url, embedded.operator_token


def run_plan(
    config: ConformConfig,
    target: str,
    *,
    portal_url: str | None = None,
    only: Collection[str] | None = None,
    terminal_in: TextIO | None = None,
    terminal_out: TextIO,
    on_case: Callable[[CaseResult], None] | None = None,
) -> PlanResult:
    """Run the plan (or the groups of the cases in `only`) and return its result."""
    started = datetime.now(VN_TZ)
    province = bundled_provinces().of_agency(config.unit)
    with ExitStack() as stack:
        client = stack.enter_context(httpx.Client(timeout=config.limits.request, trust_env=False))
        check_reachable(client, target)
        url, token = stack.enter_context(_portal(config, portal_url))
        browser = stack.enter_context(httpx.Client(timeout=config.limits.request, trust_env=False))
        run = _Run(config, target, url, token, client, browser, terminal_in, terminal_out)
        cases: list[CaseResult] = []
        wanted = _groups_needed(only)
        for group in PLAN.groups:
            if group.id not in wanted:
                continue
            group_started = datetime.now(VN_TZ)
            clock = time.monotonic()
            _GROUP_RUNNERS[group.id](run)
            spent = (time.monotonic() - clock) / max(1, len(group.cases))
            for case in group.cases:
                if only is not None and case.id not in only:
                    continue
                result = _case_result(
                    case,
                    run.done.get(case.id, _error("the driver did not run it")),
                    group_started,
                    spent,
                )
                cases.append(result)
                if on_case is not None:
                    on_case(result)
    return PlanResult(
        plan_id=PLAN.id,
        target=target,
        province=province.code if province is not None else config.unit,
        started_at=started,
        finished_at=datetime.now(VN_TZ),
        cases=tuple(cases),
    )


#: groups whose cases later groups reuse (the pushed dossier is looked up and paid)
_NEEDS = {"PAY-LOOK": ("PUSH",), "PAY-CONF": ("PUSH",)}


def _groups_needed(only: Collection[str] | None) -> set[str]:
    groups = {group.id for group in PLAN.groups}
    if only is None:
        return groups
    chosen = {group.id for group in PLAN.groups if any(case.id in only for case in group.cases)}
    return chosen | {need for group in chosen for need in _NEEDS.get(group, ())}


def _case_result(case: PlanCase, done: _Done, started: datetime, duration: float) -> CaseResult:
    return CaseResult(
        case_id=case.id,
        group_id=case.group,
        title=case.title,
        description=case.description,
        rules=case.rules,
        clauses=case.clauses,
        outcome=done.outcome,
        reason=done.reason,
        hint=done.hint if done.outcome == "fail" else "",
        evidence=tuple(done.evidence),
        started_at=started,
        duration_s=round(duration, 3),
    )
