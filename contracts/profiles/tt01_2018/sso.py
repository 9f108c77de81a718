"""Single sign-on rules: what a province's system (the relying party) must do when it logs
citizens and businesses in through the national portal's OpenID Connect provider.

They have no check function on messages: the mock portal's SSO provider records them when it
sees an authorization, token or logout request (the requests are OAuth 2.0 forms and queries,
not messages of the Circular), attributed to the province of the client that sent it.
"""

from __future__ import annotations

from contracts._findings import RuleKind, Severity
from contracts._rules import Rule
from contracts.profiles.tt01_2018._registry import RULES

_REGULATION = "QĐ 31/2021/QĐ-TTg (quy chế hoạt động Cổng DVCQG: tài khoản, xác thực)"


def _clause(*references: str) -> str:
    return "; ".join((_REGULATION, *references))


for rule in (
    Rule(
        id="SSO-001",
        title_vi="Yêu cầu xác thực thiếu tham số state",
        title_en="Authorization request without state",
        clause=_clause("RFC 6749 §10.12", "OpenID Connect Core 1.0 §3.1.2.1"),
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Gửi state ngẫu nhiên gắn với phiên trình duyệt và so khớp khi nhận lại (chống CSRF)",
    ),
    Rule(
        id="SSO-002",
        title_vi="Yêu cầu xác thực thiếu tham số nonce",
        title_en="Authorization request without nonce",
        clause=_clause("OpenID Connect Core 1.0 §3.1.2.1, §15.5.2"),
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Gửi nonce ngẫu nhiên và kiểm tra nonce trong ID token (chống phát lại)",
    ),
    Rule(
        id="SSO-003",
        title_vi="Không dùng PKCE",
        title_en="No PKCE",
        clause=_clause("RFC 7636 §4.3", "RFC 9700 §2.1.1"),
        severity=Severity.WARNING,
        kind=RuleKind.BEHAVIOURAL,
        hint="Gửi code_challenge (code_challenge_method=S256) và code_verifier khi đổi mã",
    ),
    Rule(
        id="SSO-004",
        title_vi="redirect_uri chưa đăng ký hoặc không khớp chính xác",
        title_en="redirect_uri not registered or not an exact match",
        clause=_clause(
            "RFC 6749 §3.1.2.3, §4.1.3",
            "OpenID Connect Core 1.0 §3.1.2.1",
            "OpenID Connect RP-Initiated Logout 1.0 §2",
        ),
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Dùng đúng từng ký tự một địa chỉ đã đăng ký (redirect_uri, post_logout_redirect_uri)"
        " và gửi lại đúng redirect_uri đó khi đổi mã",
    ),
    Rule(
        id="SSO-005",
        title_vi="Mã xác thực (code) bị dùng lại",
        title_en="Authorization code reused",
        clause=_clause("RFC 6749 §4.1.2, §10.5"),
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Mỗi code chỉ đổi một lần; các token đã cấp từ code bị dùng lại đều bị thu hồi",
    ),
    Rule(
        id="SSO-006",
        title_vi="Xác thực ứng dụng (client) sai hoặc client không tồn tại",
        title_en="Client unknown or its authentication wrong",
        clause=_clause("RFC 6749 §2.3.1, §5.2", "OpenID Connect Core 1.0 §9"),
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Gửi client_id đã đăng ký và client_secret đúng, qua HTTP Basic hoặc trong form"
        " (một cách, không cả hai)",
    ),
    Rule(
        id="SSO-007",
        title_vi="acr_values thấp hơn mức đảm bảo yêu cầu",
        title_en="acr_values below the required level of assurance",
        clause=_clause("OpenID Connect Core 1.0 §3.1.2.1, §2 (acr)"),
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Yêu cầu acr_values không thấp hơn mức đăng ký cho dịch vụ (LoA1 < LoA2 < LoA3)"
        " và kiểm tra acr trong ID token",
    ),
    Rule(
        id="SSO-008",
        title_vi="code_verifier thiếu hoặc không khớp code_challenge",
        title_en="code_verifier missing or not matching the code_challenge",
        clause=_clause("RFC 7636 §4.5, §4.6"),
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Gửi code_verifier đã dùng để tính code_challenge (S256) của chính yêu cầu đó",
    ),
):
    RULES.declare(rule)
