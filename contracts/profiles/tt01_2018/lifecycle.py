"""Lifecycle rules across messages, and how a message moves the dossier ledger on.

The state machine is portalsim's reading of the DVCQG statuses (domain.md §2.4); a profile may
override it. A message that repeats the dossier's current status is a progress record, not a
transition: real clients pair every DongBoHoSoMC with a CapNhatTienDoHoSoMC of the same status
and re-send DongBoHoSoMC with isUpdating "True" on retries (domain.md §3a).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from contracts._context import DossierState
from contracts._engine import CheckContext
from contracts._findings import RuleKind, Severity, Violation
from contracts._messages import Message, MessageKind
from contracts.profiles.tt01_2018._registry import RULES
from contracts.wire import (
    STATUS_LABELS,
    data_items,
    list_items,
    sending_unit,
    status_label,
    text,
    wire_datetime,
)

#: status → statuses it may move to. 3, 7, 8 and 10 are terminal.
TRANSITIONS: dict[str, frozenset[str]] = {
    "1": frozenset({"2", "3", "7"}),
    "2": frozenset({"4", "5", "6", "7", "8", "9"}),
    "4": frozenset({"4", "5", "6", "7", "8", "9"}),
    "5": frozenset({"4", "7", "8"}),
    "6": frozenset({"4", "7", "8", "9"}),
    "9": frozenset({"10"}),
    "3": frozenset(),
    "7": frozenset(),
    "8": frozenset(),
    "10": frozenset(),
}
FIRST_STATUSES = frozenset({"1", "2"})

SYNC_CLAUSE = "NĐ 61/2018/NĐ-CP; QĐ 31/2021/QĐ-TTg (đồng bộ trạng thái, tiến độ hồ sơ)"
_SYNC_KINDS = [MessageKind.DONG_BO_HO_SO, MessageKind.CAP_NHAT_TIEN_DO]


def _status_key(message: Message) -> str:
    return "TrangThaiHoSo" if message.kind is MessageKind.DONG_BO_HO_SO else "TrangThai"


def _has_extension(item: dict[str, Any], path: str) -> bool:
    """Mẫu 04 (apology and new appointment) travels as a supplement record with NgayHenTraMoi."""
    return any(
        text(record, "NgayHenTraMoi")
        for _path, record in list_items(item, "DanhSachHoSoBoSung", path)
    )


def _event_time(
    message: Message, item: dict[str, Any], known: DossierState | None
) -> datetime | None:
    """When the event this item reports happened, if the message says so."""
    if message.kind is MessageKind.CAP_NHAT_TIEN_DO:
        return wire_datetime(text(item, "ThoiDiemXuLy"))
    if known is None:
        return wire_datetime(text(item, "NgayTiepNhan"))
    return _event_time_of_sync(text(item, "TrangThaiHoSo"), item)


@RULES.check(
    "LC-001",
    title_vi="Cập nhật tiến độ cho hồ sơ chưa được đồng bộ",
    title_en="Progress update for a dossier never synced",
    clause=SYNC_CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.BEHAVIOURAL,
    hint="Gửi DongBoHoSoMC thành công trước, rồi mới CapNhatTienDoHoSoMC",
    applies_to=[MessageKind.CAP_NHAT_TIEN_DO],
)
def progress_refers_to_synced(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        code = text(item, "MaHoSo")
        if code and context.ledger.get(code) is None:
            yield Violation(path=f"{path}.MaHoSo", value=code, hint="cổng chưa có hồ sơ này")


@RULES.check(
    "LC-002",
    title_vi='isUpdating "False" cho hồ sơ cổng đã có',
    title_en='isUpdating "False" for a dossier the portal already has',
    clause=SYNC_CLAUSE,
    severity=Severity.WARNING,
    kind=RuleKind.BEHAVIOURAL,
    hint='Tra cứu (TraCuuHoSo) trước; hồ sơ đã có thì gửi isUpdating "True"',
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def insert_of_known_dossier(context: CheckContext, message: Message) -> Iterator[Violation]:
    if text(message.body, "isUpdating") != "False":
        return
    for _path, item in data_items(message.body):
        code = text(item, "MaHoSo")
        if code and context.ledger.get(code) is not None:
            yield Violation(path="$.isUpdating", value="False", hint=f"{code} đã có trên cổng")


@RULES.check(
    "LC-003",
    title_vi='isUpdating "True" cho hồ sơ cổng chưa có',
    title_en='isUpdating "True" for a dossier the portal does not have',
    clause=SYNC_CLAUSE,
    severity=Severity.INFO,
    kind=RuleKind.BEHAVIOURAL,
    hint="Cổng coi như đồng bộ lần đầu; bình thường khi gửi lại sau lỗi",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def update_of_unknown_dossier(context: CheckContext, message: Message) -> Iterator[Violation]:
    if text(message.body, "isUpdating") != "True":
        return
    for _path, item in data_items(message.body):
        code = text(item, "MaHoSo")
        if code and context.ledger.get(code) is None:
            yield Violation(path="$.isUpdating", value="True", hint=f"{code} chưa có trên cổng")


@RULES.check(
    "LC-004",
    title_vi="Chuyển trạng thái không hợp lệ",
    title_en="Illegal status transition",
    clause=SYNC_CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.BEHAVIOURAL,
    hint="1→2,3,7 · 2→4,5,6,7,8,9 · 4→4,5,6,7,8,9 · 5→4,7,8 · 6→4,7,8,9 · 9→10; 3,7,8,10 kết thúc",
    applies_to=_SYNC_KINDS,
)
def transition_allowed(context: CheckContext, message: Message) -> Iterator[Violation]:
    key = _status_key(message)
    for path, item in data_items(message.body):
        known = context.ledger.get(text(item, "MaHoSo"))
        status = text(item, key)
        if known is None or status == known.status or status not in STATUS_LABELS:
            continue
        if status not in TRANSITIONS.get(known.status, frozenset()):
            yield Violation(
                path=f"{path}.{key}",
                value=status,
                hint=(
                    f"{status_label(known.status)} → {status_label(status)} không được phép / "
                    "not allowed"
                ),
            )


@RULES.check(
    "LC-005",
    title_vi="Lần đồng bộ đầu tiên không ở trạng thái 1 hoặc 2",
    title_en="First sync carries a status other than 1 or 2",
    clause=SYNC_CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.BEHAVIOURAL,
    hint="Đồng bộ hồ sơ ngay khi đăng ký (1) hoặc tiếp nhận (2), rồi từng bước xử lý",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def first_sync_status(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        code = text(item, "MaHoSo")
        status = text(item, "TrangThaiHoSo")
        first = code and context.ledger.get(code) is None
        if first and status in STATUS_LABELS and status not in FIRST_STATUSES:
            yield Violation(
                path=f"{path}.TrangThaiHoSo",
                value=status,
                hint=f"lần đầu đã ở {status_label(status)}: bỏ sót các bước trước",
            )


@RULES.check(
    "LC-006",
    title_vi="Thời điểm xử lý lùi về trước",
    title_en="Processing time goes backwards",
    clause=SYNC_CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.BEHAVIOURAL,
    hint="ThoiDiemXuLy là thời điểm thực của bước xử lý, không sớm hơn bước trước",
    applies_to=[MessageKind.CAP_NHAT_TIEN_DO],
)
def processing_time_monotonic(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        known = context.ledger.get(text(item, "MaHoSo"))
        at = wire_datetime(text(item, "ThoiDiemXuLy"))
        last = known.last_event_at if known is not None else None
        if at is not None and last is not None and at < last:
            yield Violation(
                path=f"{path}.ThoiDiemXuLy",
                value=text(item, "ThoiDiemXuLy"),
                hint=f"sớm hơn bước trước ({last:%Y-%m-%d %H:%M:%S})",
            )


@RULES.check(
    "LC-007",
    title_vi="Đồng bộ trễ",
    title_en="Late synchronisation",
    clause=SYNC_CLAUSE,
    severity=Severity.WARNING,
    kind=RuleKind.TIMELINESS,
    hint="Đồng bộ mỗi bước ngay khi xảy ra (giới hạn cấu hình, mặc định 1 giờ)",
    applies_to=_SYNC_KINDS,
)
def sync_is_timely(context: CheckContext, message: Message) -> Iterator[Violation]:
    received = message.received_at
    if received is None:
        return
    for path, item in data_items(message.body):
        known = context.ledger.get(text(item, "MaHoSo"))
        happened = _event_time(message, item, known)
        if happened is None:
            continue
        if (
            known is not None
            and known.last_event_at is not None
            and happened <= known.last_event_at
        ):
            continue  # not a new event: a repeated progress record, judged when it was new
        delay = received - happened
        if delay > context.sync_limit:
            field = "ThoiDiemXuLy" if message.kind is MessageKind.CAP_NHAT_TIEN_DO else "MaHoSo"
            yield Violation(
                path=f"{path}.{field}",
                value=text(item, field),
                hint=f"đồng bộ sau {_duration(delay.total_seconds())} / synced late",
            )


@RULES.check(
    "LC-008",
    title_vi="Trả kết quả quá hạn không có phiếu xin lỗi và hẹn lại (Mẫu 04)",
    title_en="Result returned late without an apology and new appointment (Form 04)",
    clause="TT 01/2018/TT-VPCP Mẫu 04",
    severity=Severity.WARNING,
    kind=RuleKind.TIMELINESS,
    hint="Hồ sơ quá hạn cần Phiếu xin lỗi và hẹn lại (DanhSachHoSoBoSung có NgayHenTraMoi)",
    applies_to=_SYNC_KINDS,
)
def late_result_has_extension(context: CheckContext, message: Message) -> Iterator[Violation]:
    key = _status_key(message)
    for path, item in data_items(message.body):
        if text(item, key) != "10":
            continue
        known = context.ledger.get(text(item, "MaHoSo"))
        if known is not None and known.status == "10":
            continue  # already returned: judged then
        due = wire_datetime(text(item, "NgayHenTra")) or (known.due_at if known else None)
        returned = (
            wire_datetime(text(item, "ThoiDiemXuLy"))
            if message.kind is MessageKind.CAP_NHAT_TIEN_DO
            else wire_datetime(text(item, "NgayTra"))
        )
        extended = _has_extension(item, path) or (known is not None and known.has_extension)
        if due is not None and returned is not None and returned > due and not extended:
            yield Violation(
                path=f"{path}.{key}",
                value="10",
                hint=f"trả ngày {returned:%Y-%m-%d}, hẹn {due:%Y-%m-%d} / returned after due date",
            )


def _duration(seconds: float) -> str:
    hours, rest = divmod(int(seconds), 3600)
    if hours >= 48:
        return f"{hours // 24} ngày"
    return f"{hours} giờ {rest // 60} phút"


def record(context: CheckContext, message: Message) -> None:
    """Move the ledger on with what the message says (lenient: even when it broke rules)."""
    if message.kind is MessageKind.DONG_BO_HO_SO:
        unit = sending_unit(message.unit, message.body)
        for path, item in data_items(message.body):
            _record_sync(context, unit, path, item)
    elif message.kind is MessageKind.CAP_NHAT_TIEN_DO:
        for _path, item in data_items(message.body):
            _record_progress(context, item)


def _record_sync(context: CheckContext, unit: str, path: str, item: dict[str, Any]) -> None:
    code = text(item, "MaHoSo")
    if not code:
        return
    known = context.ledger.get(code)
    status = text(item, "TrangThaiHoSo")
    received = wire_datetime(text(item, "NgayTiepNhan"))
    due = wire_datetime(text(item, "NgayHenTra"))
    if known is None:
        if status not in STATUS_LABELS:
            return
        context.ledger.put(
            DossierState(
                code=code,
                unit=unit,
                status=status,
                procedure=text(item, "MaTTHC"),
                applicant=text(item, "ChuHoSo"),
                received_at=received,
                due_at=due,
                last_event_at=received,
                has_extension=_has_extension(item, path),
            )
        )
        return
    event = _event_time_of_sync(status, item)
    context.ledger.put(
        DossierState(
            code=code,
            unit=known.unit,
            status=status if status in STATUS_LABELS else known.status,
            procedure=known.procedure or text(item, "MaTTHC"),
            applicant=known.applicant or text(item, "ChuHoSo"),
            received_at=known.received_at or received,
            due_at=due or known.due_at,
            last_event_at=_latest(known.last_event_at, event),
            has_extension=known.has_extension or _has_extension(item, path),
        )
    )


def _event_time_of_sync(status: str, item: dict[str, Any]) -> datetime | None:
    if status == "9":
        return wire_datetime(text(item, "NgayKetThucXuLy"))
    if status == "10":
        return wire_datetime(text(item, "NgayTra"))
    return None


def _record_progress(context: CheckContext, item: dict[str, Any]) -> None:
    known = context.ledger.get(text(item, "MaHoSo"))
    if known is None:
        return
    status = text(item, "TrangThai")
    at = wire_datetime(text(item, "ThoiDiemXuLy"))
    context.ledger.put(
        DossierState(
            code=known.code,
            unit=known.unit,
            status=status if status in STATUS_LABELS else known.status,
            procedure=known.procedure,
            applicant=known.applicant,
            received_at=known.received_at,
            due_at=known.due_at,
            last_event_at=_latest(known.last_event_at, at),
            has_extension=known.has_extension,
        )
    )


def _latest(left: datetime | None, right: datetime | None) -> datetime | None:
    if left is None:
        return right
    if right is None:
        return left
    return max(left, right)
