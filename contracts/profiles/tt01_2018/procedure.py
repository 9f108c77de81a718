"""Procedure code rules (mã TTHC): codes of the national procedures database, `d.dddddd`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from contracts._engine import CheckContext
from contracts._findings import RuleKind, Severity, Violation
from contracts._messages import Message, MessageKind
from contracts._rules import Rule
from contracts.profiles.tt01_2018._registry import RULES
from contracts.wire import data_items, same_text, text

CATALOGUE_CLAUSE = "NĐ 61/2018/NĐ-CP; CSDL quốc gia về TTHC (csdl.dichvucong.gov.vn)"
PROCEDURE_CODE = re.compile(r"^[0-9]\.[0-9]{6}$")

RULES.declare(
    Rule(
        id="TT-001",
        title_vi="Mã thủ tục hành chính sai cấu trúc",
        title_en="Procedure code malformed",
        clause=CATALOGUE_CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Mã TTHC dạng d.dddddd như trong CSDL quốc gia, ví dụ 2.000815",
    )
)


@RULES.check(
    "TT-002",
    title_vi="Mã thủ tục hành chính không có trong danh mục",
    title_en="Procedure code not in the catalogue",
    clause=CATALOGUE_CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="Dùng mã TTHC đã công bố trên CSDL quốc gia (LayThuTuc / LayDanhSachTTHC)",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def procedure_exists(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        code = text(item, "MaTTHC")
        if PROCEDURE_CODE.match(code) and context.catalogue.procedure(code) is None:
            yield Violation(
                path=f"{path}.MaTTHC",
                value=code,
                hint=f"{code} không có trong danh mục đang dùng / not in the catalogue in use",
            )


@RULES.check(
    "TT-003",
    title_vi="Tên thủ tục khác danh mục",
    title_en="Procedure name differs from the catalogue",
    clause=CATALOGUE_CLAUSE,
    severity=Severity.WARNING,
    kind=RuleKind.SEMANTIC,
    hint="Lấy TenTTHC từ LayThuTuc thay vì tự đặt",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def procedure_name_matches(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        name = text(item, "TenTTHC")
        procedure = context.catalogue.procedure(text(item, "MaTTHC")) if name else None
        if procedure is not None and not same_text(name, procedure.name):
            yield Violation(
                path=f"{path}.TenTTHC",
                value=name,
                hint=f"danh mục ghi {procedure.name!r} / the catalogue says {procedure.name!r}",
            )


@RULES.check(
    "TT-004",
    title_vi="Lĩnh vực khác danh mục",
    title_en="Sector differs from the catalogue",
    clause=CATALOGUE_CLAUSE,
    severity=Severity.WARNING,
    kind=RuleKind.SEMANTIC,
    hint="Lấy MaLinhVuc/TenLinhVuc từ LINHVUCTHUCHIEN của LayThuTuc",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def procedure_sector_matches(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        procedure = context.catalogue.procedure(text(item, "MaTTHC"))
        if procedure is None:
            continue
        sector_code = text(item, "MaLinhVuc")
        if sector_code and sector_code != procedure.sector_code:
            yield Violation(
                path=f"{path}.MaLinhVuc",
                value=sector_code,
                hint=f"danh mục ghi {procedure.sector_code!r} / the catalogue says so",
            )
        sector_name = text(item, "TenLinhVuc")
        if sector_name and not same_text(sector_name, procedure.sector_name):
            yield Violation(
                path=f"{path}.TenLinhVuc",
                value=sector_name,
                hint=f"danh mục ghi {procedure.sector_name!r} / the catalogue says so",
            )
