"""Dossier code rules (mã hồ sơ), Circular 01/2018/TT-VPCP Article 19.

Format `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`: the receiving unit's QCVN 102 code, the receipt
date, and a four-digit sequence within the day. The format itself is checked by the schema
(pattern with `x-rule: HS-001`); these rules check what a pattern cannot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from contracts._engine import CheckContext
from contracts._findings import RuleKind, Severity, Violation
from contracts._messages import Message, MessageKind
from contracts._rules import Rule
from contracts.identifiers import agency_within
from contracts.profiles.tt01_2018._registry import RULES
from contracts.wire import (
    data_items,
    same_text,
    sending_unit,
    text,
    wire_datetime,
)

ARTICLE_19 = "TT 01/2018/TT-VPCP Điều 19"

DOSSIER_CODE = re.compile(
    r"^(?P<agency>[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2})-(?P<day>[0-9]{6})-[0-9]{4}$"
)


@lru_cache(maxsize=4096)
def _code_parts(code: str) -> tuple[str, str] | None:
    """(agency, YYMMDD) of a well-formed dossier code, None otherwise.

    Three rules read the parts of each code a message carries: the pattern runs once per code.
    """
    match = DOSSIER_CODE.match(code)
    return None if match is None else (match["agency"], match["day"])


RULES.declare(
    Rule(
        id="HS-001",
        title_vi="Mã hồ sơ sai cấu trúc",
        title_en="Dossier code malformed",
        clause=ARTICLE_19,
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Mã hồ sơ dạng V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX, ví dụ 000.00.14.H56-200203-0118",
    )
)


def _dossier_codes(message: Message) -> Iterator[tuple[str, str, dict[str, object]]]:
    """(path, code, item) for every province dossier code the message carries."""
    body = message.body
    if message.kind is MessageKind.TRA_CUU_HO_SO:
        code = text(body, "mahoso")
        if code:
            yield "$.mahoso", code, {}
        return
    key = "MaHoSoDonVi" if message.kind is MessageKind.DONG_BO_TRANG_THAI else "MaHoSo"
    for path, item in data_items(body):
        code = text(item, key)
        if code:
            yield f"{path}.{key}", code, item


@RULES.check(
    "HS-002",
    title_vi="Ngày trong mã hồ sơ khác ngày tiếp nhận",
    title_en="Date in the dossier code differs from the receipt date",
    clause=ARTICLE_19,
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="Phần YYMMDD của mã hồ sơ là ngày tiếp nhận (NgayTiepNhan)",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def code_date_is_receipt_date(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, code, item in _dossier_codes(message):
        parts = _code_parts(code)
        received_text = text(item, "NgayTiepNhan")
        if parts is None or wire_datetime(received_text) is None:
            continue
        # A real yyyyMMddHHmmss instant: its yyMMdd is what strftime("%y%m%d") would give.
        expected = received_text[2:8]
        day = parts[1]
        if day != expected:
            yield Violation(
                path=path,
                value=code,
                hint=(
                    f"ngày trong mã là {day}, ngày tiếp nhận là {expected} / "
                    f"the code says {day}, NgayTiepNhan says {expected}"
                ),
            )


@RULES.check(
    "HS-003",
    title_vi="Mã hồ sơ thuộc đơn vị ngoài phạm vi của đơn vị gửi",
    title_en="Dossier code belongs to an agency outside the sending unit's tree",
    clause=f"{ARTICLE_19}; QCVN 102:2016/BTTTT",
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="Phần mã đơn vị của mã hồ sơ phải là madonvi hoặc đơn vị cấp dưới của nó",
    applies_to=[
        MessageKind.DONG_BO_HO_SO,
        MessageKind.CAP_NHAT_TIEN_DO,
        MessageKind.DONG_BO_TRANG_THAI,
        MessageKind.TRA_CUU_HO_SO,
    ],
)
def code_within_sending_unit(context: CheckContext, message: Message) -> Iterator[Violation]:
    unit = sending_unit(message.unit, message.body)
    if not unit:
        return
    for path, code, _item in _dossier_codes(message):
        parts = _code_parts(code)
        if parts is not None and not agency_within(parts[0], unit):
            agency = parts[0]
            yield Violation(
                path=path,
                value=code,
                hint=f"{agency} không thuộc {unit} / {agency} is not within {unit}",
            )


@RULES.check(
    "HS-004",
    title_vi="Một mã hồ sơ dùng cho hai hồ sơ khác nhau",
    title_en="One dossier code names two different dossiers",
    clause=ARTICLE_19,
    severity=Severity.ERROR,
    kind=RuleKind.BEHAVIOURAL,
    hint="Số thứ tự XXXX là duy nhất trong ngày của đơn vị; không cấp lại mã đã dùng",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def code_names_one_dossier(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, code, item in _dossier_codes(message):
        known = context.ledger.get(code)
        if known is None:
            continue
        procedure = text(item, "MaTTHC")
        applicant = text(item, "ChuHoSo")
        if procedure and known.procedure and procedure != known.procedure:
            yield Violation(
                path=path,
                value=code,
                hint=(
                    f"mã này đã dùng cho thủ tục {known.procedure}, nay là {procedure} / "
                    f"already names a dossier of procedure {known.procedure}"
                ),
            )
        elif applicant and known.applicant and not same_text(applicant, known.applicant):
            yield Violation(
                path=path,
                value=code,
                hint=(
                    f"mã này đã dùng cho hồ sơ của {known.applicant!r}, nay là {applicant!r} / "
                    "already names another applicant's dossier"
                ),
            )


@RULES.check(
    "HS-005",
    title_vi="Mã đơn vị không có trong danh mục mã định danh",
    title_en="Agency code not in the agency registry",
    clause="QCVN 102:2016/BTTTT",
    severity=Severity.INFO,
    kind=RuleKind.SEMANTIC,
    hint="Kiểm tra mã định danh đơn vị theo QCVN 102:2016/BTTTT (danh mục có thể thay bằng tệp)",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def agency_is_registered(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, code, _item in _dossier_codes(message):
        parts = _code_parts(code)
        if parts is not None and not context.agencies.is_known(parts[0]):
            yield Violation(path=path, value=code, hint=f"{parts[0]} chưa đăng ký / unknown")
