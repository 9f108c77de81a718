"""The conformance test plan: groups of cases with stable IDs, as data.

A case says what it verifies (title, description, the rule IDs of `portalsim rules` and the
clauses they trace to) and nothing about how: the driver (`simulator.conform.driver`) runs each
case by its ID. IDs are stable: waivers, JUnit test names, CI gates and the reference target's
profiles name cases by them, so a case is never renumbered; a retired case keeps its ID unused.

Groups, in the order the driver runs them (later groups reuse what earlier ones made: the pushed
dossier is the one whose fees are looked up and paid):

- `PUSH`: dossiers filed on the portal pushed to the province (domain.md §3, "DVCQG → province
  push"), valid and defective, and their status synced back with `DongBoTrangThaiHoSo`;
- `PAY-LOOK`: the payment platform's `dptracuuthanhtoanhs` lookups (domain.md §4.4);
- `PAY-CONF`: the platform's `paymentconfirm` callbacks (domain.md §4.3): valid, forged
  checksum, duplicate delivery, unknown transaction, wrong amount;
- `SSO-RP`: the province as an OpenID Connect relying party of the portal's provider, including
  the provider's hostile tokens (domain.md §5);
- `SYNC`: the province's own flows to the portal (login, DongBoHoSoMC, CapNhatTienDoHoSoMC),
  started by a trigger hook and judged by the portal's journal and findings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "PLAN",
    "PlanCase",
    "PlanGroup",
    "TestPlan",
    "case_ids",
    "plan_case",
    "plan_cases",
]

_PORTAL_PROTOCOL = "Giao thức DVCQG (OpenCPS DVCQGIntegrationActionImpl)"
_PUSH = f"{_PORTAL_PROTOCOL}: DVCQG → tỉnh (doCreateDossierFromDVCQG)"
_STATUS_SYNC = "NĐ 61/2018/NĐ-CP; QĐ 31/2021/QĐ-TTg (đồng bộ trạng thái, tiến độ hồ sơ)"
_ARTICLE_19 = "TT 01/2018/TT-VPCP Điều 19"
_CATALOGUE = "NĐ 61/2018/NĐ-CP; CSDL quốc gia về TTHC (csdl.dichvucong.gov.vn)"
_PAYGATE = "Nền tảng thanh toán trực tuyến DVCQG: đặc tả tích hợp (KeyPay; theo OpenCPS PayGate)"
_CONFIRM = f"{_PAYGATE} (paymentconfirm)"
_LOOKUP = f"{_PAYGATE} (dptracuuthanhtoanhs)"
_SSO_RULES = "QĐ 31/2021/QĐ-TTg (quy chế hoạt động Cổng DVCQG: tài khoản, xác thực)"
_ID_TOKEN = "OpenID Connect Core 1.0 §3.1.3.7 (ID Token Validation)"
_ACCESS = "QĐ 31/2021/QĐ-TTg (quy chế hoạt động Cổng DVCQG: tài khoản, phân quyền)"
_SCHEMA = "TT 01/2018/TT-VPCP; giao thức DVCQG (OpenCPS DVCQGIntegrationActionImpl)"

_SCHEMA_RULES = ("SC-001", "SC-002", "SC-003", "SC-004", "SC-005")


@dataclass(frozen=True, slots=True)
class PlanCase:
    """One test case of the plan."""

    #: stable ID: `PUSH-001`, `PAY-CONF-002`, `SSO-RP-003`, `SYNC-001`
    id: str
    group: str
    title_vi: str
    title_en: str
    #: what the driver does and what passes, for the vendor reading a failure
    description: str
    #: rule IDs of the profile (`portalsim rules`) whose requirement the case verifies
    rules: tuple[str, ...]
    #: the legal or protocol clauses behind it
    clauses: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{self.title_vi} — {self.title_en}"


@dataclass(frozen=True, slots=True)
class PlanGroup:
    id: str
    title_vi: str
    title_en: str
    description: str
    cases: tuple[PlanCase, ...]

    @property
    def title(self) -> str:
        return f"{self.title_vi} — {self.title_en}"


@dataclass(frozen=True, slots=True)
class TestPlan:
    id: str
    title: str
    groups: tuple[PlanGroup, ...]

    def cases(self) -> tuple[PlanCase, ...]:
        return tuple(case for group in self.groups for case in group.cases)

    def case(self, case_id: str) -> PlanCase | None:
        return next((case for case in self.cases() if case.id == case_id), None)

    def group(self, group_id: str) -> PlanGroup | None:
        return next((group for group in self.groups if group.id == group_id), None)


def _case(
    case_id: str,
    title_vi: str,
    title_en: str,
    description: str,
    rules: tuple[str, ...],
    *clauses: str,
) -> PlanCase:
    group = case_id.rsplit("-", 1)[0]
    return PlanCase(case_id, group, title_vi, title_en, description, rules, clauses)


_PUSH_CASES = (
    _case(
        "PUSH-001",
        "Tiếp nhận hồ sơ hợp lệ từ DVCQG",
        "A valid pushed dossier is accepted",
        "The driver pushes a complete dossier filed on the portal (the fields OpenCPS reads: "
        "MaHoSo, MaTTHC, TECHNICALID, NgayNopHoSo, MaTinh/MaHuyen/MaXa, MaSoThue, DienThoai, "
        "Email, NguoiLienHe, TaiLieuNop) to the province's push endpoint. Passes when the answer "
        'is HTTP 2xx, a JSON object, with error_code 0 (or "0").',
        (),
        _PUSH,
    ),
    _case(
        "PUSH-002",
        "Đồng bộ trạng thái hồ sơ về DVCQG đúng hạn",
        "The accepted dossier's status is synced back in time",
        'After PUSH-001, the province must send DongBoTrangThaiHoSo (type "2") for the pushed '
        'MaHoSo with TrangThai "2" (accepted) to the portal within the status-sync limit. '
        "Passes when the portal journals such a message, accepted, with no error finding.",
        ("AU-002", *_SCHEMA_RULES, "HS-001", "HS-003", "NG-001"),
        _STATUS_SYNC,
        _ARTICLE_19,
        _SCHEMA,
    ),
    _case(
        "PUSH-003",
        "Từ chối hồ sơ thiếu trường bắt buộc",
        "A pushed dossier missing a required field is refused",
        "The driver pushes a dossier without MaTTHC. Passes when the province refuses it: an "
        "HTTP 4xx, or a JSON answer with a non-zero error_code.",
        ("SC-001",),
        _PUSH,
        _SCHEMA,
    ),
    _case(
        "PUSH-004",
        "Từ chối hồ sơ có mã hồ sơ sai cấu trúc",
        "A pushed dossier with a malformed dossier code is refused",
        "The driver pushes a dossier whose MaHoSo breaks the Art. 19 structure "
        "(an eight-digit date). Passes when the province refuses it.",
        ("HS-001",),
        _PUSH,
        _ARTICLE_19,
    ),
    _case(
        "PUSH-005",
        "Từ chối hồ sơ có mã thủ tục không có trong danh mục",
        "A pushed dossier with an unknown procedure code is refused",
        "The driver pushes a dossier whose MaTTHC is well formed but not in the national "
        "procedures database. Passes when the province refuses it.",
        ("TT-001", "TT-002"),
        _PUSH,
        _CATALOGUE,
    ),
    _case(
        "PUSH-006",
        "Hồ sơ bị từ chối không được báo là đã tiếp nhận",
        "A refused dossier is never reported as accepted",
        "Passes when, within the status-sync limit after PUSH-003 to PUSH-005, the portal "
        'receives no DongBoTrangThaiHoSo with TrangThai "2" for any of the defective dossiers.',
        (),
        _PUSH,
        _STATUS_SYNC,
    ),
)

_LOOKUP_CASES = (
    _case(
        "PAY-LOOK-001",
        "Tra cứu nghĩa vụ thanh toán của hồ sơ đang nợ phí",
        "Lookup of a dossier that owes fees answers its bill",
        "The platform asks dptracuuthanhtoanhs about the dossier of PUSH-001 (a procedure with "
        'fees). Passes when the answer is a JSON object with error_code 1 and a "message" bill '
        "naming the same MaHoSo, MaTraCuuTT = MaHoSo + yyyyMMddHHmmss, and a positive amount.",
        ("PAY-004", "PAY-024", *_SCHEMA_RULES),
        _LOOKUP,
    ),
    _case(
        "PAY-LOOK-002",
        "Tra cứu hồ sơ không tồn tại",
        "Lookup of an unknown dossier answers no bill",
        "The platform asks about a dossier code the province never issued nor received. Passes "
        "when the answer is a JSON object with error_code 0 (nothing due) or -1 (error), never "
        "a bill.",
        ("PAY-024",),
        _LOOKUP,
    ),
)

_CONFIRM_CASES = (
    _case(
        "PAY-CONF-001",
        "Ghi nhận xác nhận thanh toán hợp lệ",
        "A valid payment confirmation is acknowledged",
        "The province creates a transaction for the dossier of PUSH-001 on the platform "
        "(createtransaction, started by the PAY-CONF trigger); the driver confirms it as paid "
        "with check_sum = HMAC-SHA256(hash_key_2, addition_fee|client_id|command|trans_amount|"
        'transaction_id|version). Passes on HTTP 200 and return_code 0 (or "0").',
        ("PAY-020", "PAY-021", *_SCHEMA_RULES),
        _CONFIRM,
    ),
    _case(
        "PAY-CONF-002",
        "Từ chối xác nhận có check_sum giả",
        "A confirmation with a forged check_sum is refused",
        "The same confirmation with one hex digit of check_sum changed. Passes when the "
        "province answers return_code -1 (or any non-zero code, or HTTP 4xx).",
        ("PAY-022",),
        _CONFIRM,
    ),
    _case(
        "PAY-CONF-003",
        "Xác nhận trùng lặp được trả lời như lần đầu",
        "A duplicate confirmation is answered as the first",
        "The valid confirmation of PAY-CONF-001 delivered again, byte for byte. Passes when the "
        "province answers the same return_code as the first time (the platform retries "
        "anything else, and the payment must not be processed twice).",
        ("PAY-023",),
        _CONFIRM,
    ),
    _case(
        "PAY-CONF-004",
        "Từ chối xác nhận cho giao dịch không tồn tại",
        "A confirmation of an unknown transaction is refused",
        "A correctly signed confirmation for a transaction_id the province never created. "
        "Passes when the province refuses it (non-zero return_code or HTTP 4xx).",
        (),
        _CONFIRM,
    ),
    _case(
        "PAY-CONF-005",
        "Từ chối xác nhận sai số tiền",
        "A confirmation with the wrong amount is refused",
        "A correctly signed confirmation of the transaction of PAY-CONF-001 whose trans_amount "
        "differs from the amount the province asked for. Passes when the province refuses it.",
        ("PAY-002",),
        _CONFIRM,
    ),
    _case(
        "PAY-CONF-006",
        "Hồ sơ đã thanh toán không còn nợ phí",
        "A paid dossier owes nothing any more",
        "After PAY-CONF-001, the platform looks the dossier up again. Passes when the answer "
        "is error_code 0 (nothing due): the confirmation was applied, once.",
        ("PAY-024",),
        _LOOKUP,
        _CONFIRM,
    ),
)

_SSO_CASES = (
    _case(
        "SSO-RP-001",
        "Đăng nhập một lần qua Cổng DVCQG",
        "Single sign-on through the portal's provider completes",
        "The driver plays the browser: it opens the province's login start, follows the "
        "redirect to /oauth2/authorize, picks an account on the provider's page and comes back "
        "to the province's callback. Passes when the authorization request carries state, nonce "
        "and an S256 PKCE challenge, the portal records no SSO finding for the login, and the "
        "province's session check then answers 2xx.",
        ("SSO-001", "SSO-002", "SSO-003", "SSO-004", "SSO-005", "SSO-006", "SSO-008"),
        _SSO_RULES,
        "OpenID Connect Core 1.0 §3.1.2.1; RFC 7636",
    ),
    _case(
        "SSO-RP-002",
        "Từ chối ID token có chữ ký sai",
        "An ID token with a bad signature is refused",
        "The provider's hostile mode bad-signature signs the ID token with another key under "
        "the published kid. Passes when the province's session check answers non-2xx after "
        "the callback.",
        (),
        _ID_TOKEN + " item 6",
    ),
    _case(
        "SSO-RP-003",
        "Từ chối ID token cấp cho ứng dụng khác",
        "An ID token for another audience is refused",
        "Hostile mode wrong-audience: aud and azp name another client. Passes when the "
        "province refuses the login.",
        (),
        _ID_TOKEN + " items 3-5",
    ),
    _case(
        "SSO-RP-004",
        "Từ chối ID token hết hạn",
        "An expired ID token is refused",
        "Hostile mode expired: exp lies before the token was issued. Passes when the province "
        "refuses the login.",
        (),
        _ID_TOKEN + " item 9",
    ),
    _case(
        "SSO-RP-005",
        "Từ chối ID token có nonce sai",
        "An ID token with the wrong nonce is refused",
        "Hostile mode wrong-nonce: the nonce claim differs from the request's. Passes when the "
        "province refuses the login.",
        (),
        _ID_TOKEN + " item 11",
    ),
    _case(
        "SSO-RP-006",
        'Từ chối ID token không ký (alg "none")',
        'An unsigned ID token (alg "none") is refused',
        "Hostile mode alg-none: the ID token is unsigned. Passes when the province refuses the "
        "login.",
        (),
        _ID_TOKEN + " items 6-8",
    ),
    _case(
        "SSO-RP-007",
        "Từ chối phản hồi xác thực có state sai",
        "An authorization response with the wrong state is refused",
        "Hostile mode wrong-state: the provider redirects back with a state other than the "
        "request's. Passes when the province refuses the login.",
        ("SSO-001",),
        _SSO_RULES,
        "RFC 6749 §10.12; OpenID Connect Core 1.0 §3.1.2.7",
    ),
)

_SYNC_CASES = (
    _case(
        "SYNC-001",
        "Hồ sơ của tỉnh được đồng bộ lên DVCQG",
        "The province's dossier reaches the portal",
        "The driver fires the SYNC trigger (the province publishes one dossier: login, "
        "DongBoHoSoMC, CapNhatTienDoHoSoMC). Passes when, within the trigger limit, the portal "
        "journals a login, a DongBoHoSoMC and a CapNhatTienDoHoSoMC from the province's unit, "
        "and none of them has a finding of this case's rules.",
        ("AU-001", "AU-002", "AU-003", "MSG-001", "MSG-002", *_SCHEMA_RULES),
        _ACCESS,
        _SCHEMA,
    ),
    _case(
        "SYNC-002",
        "Mã hồ sơ đúng Điều 19",
        "Dossier codes follow Art. 19",
        "Passes when the SYNC trigger's messages carry no finding of the "
        "dossier-code rules (the "
        'field reports\' "sai mã hồ sơ").',
        ("HS-001", "HS-002", "HS-003", "HS-004"),
        _ARTICLE_19,
        "QCVN 102:2016/BTTTT",
    ),
    _case(
        "SYNC-003",
        "Mã thủ tục hành chính đúng danh mục",
        "Procedure codes are the national catalogue's",
        "Passes when the SYNC trigger's messages carry no finding of the "
        "procedure-code rules (the "
        'field reports\' "sai mã thủ tục hành chính").',
        ("TT-001", "TT-002", "TT-003", "TT-004"),
        _CATALOGUE,
    ),
    _case(
        "SYNC-004",
        "Trạng thái, tiến độ và thời hạn đồng bộ",
        "Statuses, progress and sync deadlines",
        "Passes when the SYNC trigger's messages carry no finding of the "
        "lifecycle, timeliness and "
        "date rules (late sync, illegal transitions, impossible dates).",
        (
            "LC-001",
            "LC-002",
            "LC-004",
            "LC-005",
            "LC-006",
            "LC-007",
            "LC-008",
            "NG-001",
            "NG-002",
            "NG-004",
        ),
        _STATUS_SYNC,
        "TT 01/2018/TT-VPCP Mẫu 01, Mẫu 04",
    ),
    _case(
        "SYNC-005",
        "Thông tin người nộp hợp lệ",
        "Applicant data is valid",
        "Passes when the SYNC trigger's messages carry no finding of the "
        "identifier rules (citizen ID, "
        "tax code, phone, e-mail, Unicode NFC).",
        ("ID-001", "ID-002", "ID-003", "ID-004", "ID-005"),
        "Luật Căn cước 2023; NĐ 137/2015/NĐ-CP",
        "TCVN 6909:2001; Unicode NFC",
    ),
)

PLAN = TestPlan(
    id="tt01-2018-province",
    title="Kế hoạch kiểm thử hệ thống một cửa cấp tỉnh — province one-stop system test plan",
    groups=(
        PlanGroup(
            "PUSH",
            "Hồ sơ nộp trên DVCQG chuyển về tỉnh",
            "Dossiers filed on the portal, pushed to the province",
            "Portal → province pushes, valid and defective, and the status synced back.",
            _PUSH_CASES,
        ),
        PlanGroup(
            "PAY-LOOK",
            "Tra cứu nghĩa vụ thanh toán",
            "Payment lookups (dptracuuthanhtoanhs)",
            "The payment platform asks the province what a dossier owes.",
            _LOOKUP_CASES,
        ),
        PlanGroup(
            "PAY-CONF",
            "Xác nhận thanh toán",
            "Payment confirmations (paymentconfirm)",
            "The payment platform confirms a transaction the province created.",
            _CONFIRM_CASES,
        ),
        PlanGroup(
            "SSO-RP",
            "Đăng nhập một lần (bên tin cậy)",
            "Single sign-on (the province as relying party)",
            "The province logs citizens in through the portal's OpenID Connect provider and "
            "refuses its hostile answers.",
            _SSO_CASES,
        ),
        PlanGroup(
            "SYNC",
            "Đồng bộ từ tỉnh lên DVCQG",
            "Province → portal synchronisation",
            "The province's own flows, started by a trigger hook, judged by the portal's journal.",
            _SYNC_CASES,
        ),
    ),
)


def plan_cases() -> tuple[PlanCase, ...]:
    """Every case of the plan, in the order the driver runs them."""
    return PLAN.cases()


def case_ids() -> frozenset[str]:
    return frozenset(case.id for case in PLAN.cases())


def plan_case(case_id: str) -> PlanCase | None:
    return PLAN.case(case_id)
