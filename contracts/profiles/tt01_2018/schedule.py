"""Date rules: real dates, and the appointment date (NgayHenTra) against the statutory deadline.

Deadlines count working days (Mon–Fri less public holidays and the Government's day swaps, as the
calendar in use says) from the receipt of a valid dossier; a dossier received outside office
hours or on a non-working day counts from the next working day (NĐ 45/2020/NĐ-CP); a same-day
procedure received after 15:00 rolls to the next working day.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, cast

from contracts._context import WorkingCalendar
from contracts._engine import CheckContext
from contracts._findings import RuleKind, Severity, Violation
from contracts._messages import Message, MessageKind
from contracts.profiles.tt01_2018._registry import RULES
from contracts.wire import (
    data_items,
    is_wire_shaped,
    list_items,
    text,
    wire_datetime,
)

DEADLINE_CLAUSE = "NĐ 61/2018/NĐ-CP; NĐ 45/2020/NĐ-CP; BLLĐ 2019 Điều 112 (ngày nghỉ lễ)"

_DATE_FIELDS: dict[MessageKind, tuple[str, ...]] = {
    MessageKind.DONG_BO_HO_SO: ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy"),
    MessageKind.CAP_NHAT_TIEN_DO: ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh"),
    MessageKind.DONG_BO_TRANG_THAI: ("NgayXuLy",),
}
_SUPPLEMENT_DATE_FIELDS = (
    "NgayBoSung",
    "NgayTiepNhanBoSung",
    "NgayHenTraTruoc",
    "NgayHenTraMoi",
)
_MORNING_START = time(7, 30)
_AFTERNOON_END = time(17, 0)
_LUNCH = (time(11, 30), time(13, 30))
_SAME_DAY_CUTOFF = time(15, 0)


@RULES.check(
    "NG-001",
    title_vi="Ngày giờ không tồn tại",
    title_en="Date or time does not exist",
    clause="Giao thức DVCQG: ngày giờ yyyyMMddHHmmss",
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="Kiểm tra tháng, ngày, giờ (ví dụ 20200230 hay 25 giờ không tồn tại)",
    applies_to=list(_DATE_FIELDS),
)
def dates_exist(context: CheckContext, message: Message) -> Iterator[Violation]:
    fields = _DATE_FIELDS[message.kind]
    for path, item in data_items(message.body):
        yield from _impossible_dates(item, path, fields)
        if item.get("DanhSachHoSoBoSung"):
            for supplement_path, supplement in list_items(item, "DanhSachHoSoBoSung", path):
                yield from _impossible_dates(supplement, supplement_path, _SUPPLEMENT_DATE_FIELDS)


def _impossible_dates(
    record: dict[str, Any], path: str, fields: tuple[str, ...]
) -> Iterator[Violation]:
    for name in fields:
        value = text(record, name)
        # the path is only built for a finding: most values are empty or real dates
        if is_wire_shaped(value) and wire_datetime(value) is None:
            yield Violation(path=f"{path}.{name}", value=value, hint="không phải ngày giờ có thật")


@RULES.check(
    "NG-002",
    title_vi="Ngày hẹn trả trước ngày tiếp nhận",
    title_en="Appointment date before the receipt date",
    clause="TT 01/2018/TT-VPCP Mẫu 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả)",
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="NgayHenTra phải sau NgayTiepNhan",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def appointment_after_receipt(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        received = wire_datetime(text(item, "NgayTiepNhan"))
        due = wire_datetime(text(item, "NgayHenTra"))
        if received is not None and due is not None and due < received:
            yield Violation(
                path=f"{path}.NgayHenTra",
                value=text(item, "NgayHenTra"),
                hint=f"trước ngày tiếp nhận {text(item, 'NgayTiepNhan')} / before NgayTiepNhan",
            )


@RULES.check(
    "NG-003",
    title_vi="Ngày hẹn trả không phải ngày làm việc",
    title_en="Appointment date is not a working day",
    clause=DEADLINE_CLAUSE,
    severity=Severity.WARNING,
    kind=RuleKind.SEMANTIC,
    hint="Hẹn trả vào ngày làm việc (không phải thứ Bảy, Chủ nhật, ngày lễ, ngày nghỉ bù)",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def appointment_on_working_day(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        due = wire_datetime(text(item, "NgayHenTra"))
        if due is not None and not context.calendar.is_working_day(due.date()):
            yield Violation(
                path=f"{path}.NgayHenTra",
                value=text(item, "NgayHenTra"),
                hint=f"{due.date().isoformat()} ({_weekday_vi(due.date())}) là ngày nghỉ",
            )


@RULES.check(
    "NG-004",
    title_vi="Ngày hẹn trả muộn hơn thời hạn giải quyết theo quy định",
    title_en="Appointment date later than the statutory processing time",
    clause=DEADLINE_CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="Hẹn trả trong thời hạn giải quyết của thủ tục (ngày làm việc kể từ khi tiếp nhận)",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def appointment_within_deadline(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        # Only at receipt: later syncs may carry a date moved by a supplement pause or extension.
        if text(item, "TrangThaiHoSo") not in ("1", "2"):
            continue
        received = wire_datetime(text(item, "NgayTiepNhan"))
        due = wire_datetime(text(item, "NgayHenTra"))
        procedure = context.catalogue.procedure(text(item, "MaTTHC"))
        if received is None or due is None or procedure is None:
            continue
        if procedure.processing_days is None:
            continue
        deadline = statutory_deadline(context.calendar, received, procedure.processing_days)
        if due.date() > deadline:
            yield Violation(
                path=f"{path}.NgayHenTra",
                value=text(item, "NgayHenTra"),
                hint=(
                    f"thời hạn {procedure.processing_days:g} ngày làm việc: muộn nhất "
                    f"{deadline.isoformat()} / the statutory deadline is {deadline.isoformat()}"
                ),
            )


def statutory_deadline(calendar: WorkingCalendar, received: datetime, days: float) -> date:
    """The last day a result may be promised for, counting working days from receipt."""
    return _deadline(calendar, received.date(), received.time(), math.ceil(days))


@lru_cache(maxsize=65_536)
def _deadline_cached(key: Hashable, day: date, late: bool, days: int) -> date:
    calendar = cast(WorkingCalendar, key)
    # A late or non-working-day receipt counts as received on the next working day.
    start = calendar.add_working_days(day, 1) if late or not calendar.is_working_day(day) else day
    return calendar.add_working_days(start, days) if days > 0 else start


def _deadline(calendar: WorkingCalendar, day: date, at: time, days: int) -> date:
    outside_hours = at >= _AFTERNOON_END or at < _MORNING_START or _LUNCH[0] <= at < _LUNCH[1]
    late = outside_hours or (days == 0 and at >= _SAME_DAY_CUTOFF)
    # Calendars hash by identity; the cache keeps one entry per (calendar, day, lateness, days).
    return _deadline_cached(cast(Hashable, calendar), day, late, days)


_WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def _weekday_vi(day: date) -> str:
    return _WEEKDAYS_VI[day.weekday()]
