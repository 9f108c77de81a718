"""The words of the pages in Vietnamese and English, and the languages a page can take.

`label(key, lang)` gives one; `lang="both"` gives "vi / en" for pages without a language
switch (the run's static report). Dossier statuses and bands keep their Vietnamese names in
every language, with the English gloss beside them, because that is how the portal and the
Government Office's execution map name them.
"""

from __future__ import annotations

from contracts import STATUS_LABELS

LANGUAGES = ("vi", "en")
BOTH = "both"

_LABELS: dict[str, tuple[str, str]] = {
    "code": ("mã", "code"),
    "province": ("tỉnh, thành", "province"),
    "band": ("mức", "band"),
    "score": ("điểm", "score"),
    "dossiers": ("hồ sơ", "dossiers"),
    "dossiers_synced": ("hồ sơ đồng bộ", "dossiers synced"),
    "messages": ("thông điệp", "messages"),
    "late": ("cập nhật muộn", "late updates"),
    "wrong_dossier_codes": ("sai mã hồ sơ", "wrong dossier codes"),
    "wrong_procedure_codes": ("sai mã thủ tục", "wrong procedure codes"),
    "payments": ("thanh toán", "payments"),
    "paid": ("đã thanh toán", "paid"),
    "sso": ("đăng nhập một lần", "single sign-on"),
    "rule": ("quy tắc", "rule"),
    "severity": ("mức độ", "severity"),
    "path": ("vị trí", "JSON path"),
    "value": ("giá trị", "value"),
    "hint": ("gợi ý", "hint"),
    "message": ("thông điệp", "message"),
    "received": ("nhận lúc", "received"),
    "clause": ("điều khoản", "clause"),
    "checks": ("lượt kiểm tra", "checks"),
    "failed": ("không đạt", "failed"),
    "findings": ("phát hiện", "findings"),
    "not_connected": ("chưa kết nối", "not connected"),
    "none": ("không có", "none"),
    "no_data": ("chưa có dữ liệu", "no data"),
}

BAND_NAMES_EN = {
    "xanh": "green",
    "vàng": "yellow",
    "cam": "orange",
    "đỏ": "red",
    "chưa có dữ liệu": "no data",
}

STATUS_NAMES_EN = {
    "1": "Newly registered",
    "2": "Received",
    "3": "Not received",
    "4": "Being processed",
    "5": "Documents requested",
    "6": "Fees requested",
    "7": "Withdrawn by the citizen",
    "8": "Processing stopped",
    "9": "Processed",
    "10": "Result returned",
}


def label(key: str, lang: str = "vi") -> str:
    """The word for `key` in `lang` ("vi", "en", or "both" for "vi / en")."""
    vi, en = _LABELS[key]
    if lang == BOTH:
        return f"{vi} / {en}"
    return en if lang == "en" else vi


def band_label(band: str, lang: str = "vi") -> str:
    """A band's Vietnamese name; in English pages followed by its English gloss."""
    english = BAND_NAMES_EN.get(band)
    if lang == "vi" or english is None:
        return band
    return f"{band} ({english})"


def status_label(status: str, lang: str = "vi") -> str:
    """A dossier status "1"…"10" by its Vietnamese name (English gloss on English pages)."""
    vietnamese = STATUS_LABELS.get(status)
    if vietnamese is None:
        return status
    if lang == "vi":
        return vietnamese
    return f"{vietnamese} ({STATUS_NAMES_EN[status]})"
