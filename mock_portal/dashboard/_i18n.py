"""The dashboard's words in Vietnamese (the default) and English.

`translator(lang)` gives `t(key)`: the dashboard's own words first, then the shared ones of
`mock_portal.ui` (table headings). A missing key is a bug, so it raises.
"""

from __future__ import annotations

from collections.abc import Callable

from mock_portal.ui import LANGUAGES, label

DEFAULT_LANGUAGE = "vi"

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("Bảng điều khiển portalsim", "portalsim dashboard"),
    "national": ("Toàn quốc", "National view"),
    "national_heading": (
        "Tình hình kết nối của 34 tỉnh, thành phố",
        "How the 34 provinces' systems talk to the portal",
    ),
    "filter": ("Lọc theo tên hoặc mã", "Filter by name or code"),
    "all_bands": ("Mọi mức", "All bands"),
    "live": ("Cập nhật trực tiếp", "Live"),
    "updated": ("cập nhật", "updated"),
    "logout": ("Đăng xuất", "Log out"),
    "login": ("Đăng nhập", "Log in"),
    "login_heading": ("Đăng nhập bảng điều khiển", "Log in to the dashboard"),
    "login_help": (
        "Dán mã của người vận hành hoặc mã xem (viewer token).",
        "Paste the operator token or a viewer token.",
    ),
    "token": ("Mã truy cập", "Token"),
    "bad_token": ("Mã không hợp lệ hoặc đã bị thu hồi.", "Unknown or revoked token."),
    "signing_in": ("Đang đăng nhập…", "Signing in…"),
    "continue": ("Tiếp tục", "Continue"),
    "viewer": ("chỉ xem", "viewer"),
    "operator": ("người vận hành", "operator"),
    "other_language": ("English", "Tiếng Việt"),
    "profile": ("bộ quy tắc", "profile"),
    "provinces_by_band": ("Tỉnh theo mức", "Provinces by band"),
    "total_messages": ("tổng thông điệp", "messages in all"),
    "total_dossiers": ("tổng hồ sơ", "dossiers in all"),
    "total_findings": ("tổng phát hiện", "findings in all"),
    "scorecard": ("Bảng điểm", "Scorecard"),
    "rules_table": ("Kết quả theo quy tắc", "Results by rule"),
    "findings_by_rule": ("Phát hiện theo quy tắc", "Findings by rule"),
    "no_findings": ("Không có phát hiện nào.", "No findings."),
    "examples": ("Thông điệp vi phạm (ví dụ)", "Offending messages (examples)"),
    "lifecycle": ("Hồ sơ theo trạng thái", "Dossiers by status"),
    "status": ("trạng thái", "status"),
    "count": ("số lượng", "count"),
    "payments_heading": ("Đối soát thanh toán", "Payment reconciliation"),
    "transactions": ("giao dịch", "transactions"),
    "amounts": ("số tiền", "amounts"),
    "callbacks": ("xác nhận gửi tỉnh", "confirmations to the province"),
    "mismatches": ("đã thu tiền nhưng hồ sơ vẫn ở trạng thái 6", "paid but still at status 6"),
    "sso_heading": ("Kết quả đăng nhập một lần (SSO)", "Single sign-on results"),
    "exchange": ("trao đổi", "exchange"),
    "exchanges": ("lượt trao đổi", "exchanges"),
    "with_errors": ("có lỗi", "with errors"),
    "timeline": ("Theo thời gian", "Over time"),
    "messages_per_bucket": ("Thông điệp mỗi khoảng", "Messages per interval"),
    "injected_delay": (
        "Độ trễ cổng gây ra (trung bình, ms)",
        "Delay the portal injected (mean, ms)",
    ),
    "timeline_note": (
        "Độ trễ là độ trễ mà cấu hình lỗi của cổng cố ý gây ra (latency, stall, hang); mỗi khoảng"
        " dài {seconds} giây, bắt đầu {start}.",
        "The delay is what the portal's fault profiles injected on purpose (latency, stall,"
        " hang); each interval is {seconds} s long, from {start}.",
    ),
    "seconds": ("giây", "seconds"),
    "rule_heading": ("Quy tắc", "Rule"),
    "rule_checks": ("Quy tắc kiểm tra", "What it checks"),
    "applies_to": ("áp dụng cho", "applies to"),
    "every_message": ("mọi thông điệp", "every message"),
    "kind": ("loại", "kind"),
    "where_fails": ("Nơi vi phạm", "Where it fails"),
    "recent_findings": ("Phát hiện gần đây", "Findings"),
    "message_heading": ("Thông điệp", "Message"),
    "unit": ("đơn vị", "unit"),
    "answer": ("trả lời", "answer"),
    "accepted": ("được nhận", "accepted"),
    "rejected": ("bị từ chối", "rejected"),
    "fault": ("lỗi cố ý", "injected fault"),
    "body": ("nội dung", "body"),
    "score_of": ("điểm", "score"),
    "agency_code": ("mã cơ quan", "agency code"),
    "created": ("tạo", "created"),
    "pending": ("chờ", "pending"),
    "paid_status": ("đã trả", "paid"),
    "failed_status": ("thất bại", "failed"),
    "abandoned": ("bỏ dở", "abandoned"),
    "not_found": ("Không tìm thấy", "Not found"),
    "back": ("Quay lại toàn quốc", "Back to the national view"),
    "passed": ("đạt", "passed"),
}


def translator(lang: str) -> Callable[[str], str]:
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        words = _WORDS.get(key)
        if words is not None:
            return words[index]
        return label(key, lang)

    return t


def language(value: str | None) -> str | None:
    """`value` when it is a language the dashboard speaks."""
    return value if value in LANGUAGES else None
