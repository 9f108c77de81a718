"""Dossier statuses on DVCQG (TrangThaiHoSo), with their Vietnamese labels (domain.md §2.4)."""

from __future__ import annotations

STATUS_LABELS: dict[str, str] = {
    "1": "Mới đăng ký",
    "2": "Được tiếp nhận",
    "3": "Không được tiếp nhận",
    "4": "Đang xử lý",
    "5": "Yêu cầu bổ sung giấy tờ",
    "6": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "7": "Công dân yêu cầu rút hồ sơ",
    "8": "Dừng xử lý",
    "9": "Đã xử lý xong",
    "10": "Đã trả kết quả",
}


def status_label(status: str) -> str:
    """'4 (Đang xử lý)' for people; unknown codes shown as they are."""
    label = STATUS_LABELS.get(status)
    return f"{status} ({label})" if label else repr(status)
