"""Identifier rules: citizen IDs, tax codes, phone numbers, e-mail, and NFC text.

`MaDoiTuong` is checked only when it is all digits: real clients (OpenCPS) put the applicant's
DVCQG `TechID` there when the account is linked, or leave it empty (domain.md §3a).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from contracts._engine import CheckContext
from contracts._findings import RuleKind, Severity, Violation
from contracts._messages import Message, MessageKind
from contracts.identifiers import (
    citizen_id_problem,
    email_problem,
    is_valid_legacy_id,
    phone_problem,
    tax_code_problem,
)
from contracts.profiles.tt01_2018._registry import RULES
from contracts.wire import data_items, text

ID_CLAUSE = "Luật Căn cước 2023; NĐ 137/2015/NĐ-CP (số định danh cá nhân)"
TAX_CLAUSE = "Luật Quản lý thuế 2019; TT 105/2020/TT-BTC (cấu trúc mã số thuế)"

_SSO_KINDS = (MessageKind.SSO_USERINFO, MessageKind.SSO_ID_TOKEN_CLAIMS)


def _is_numeric_id(value: str) -> bool:
    return bool(value) and value.replace("-", "").isdigit() and value.isascii()


def _identifier_fields(message: Message) -> Iterator[tuple[str, str, str]]:
    """(path, value, expected kind 'citizen' | 'tax') for each identifier the message carries."""
    body = message.body
    if message.kind is MessageKind.DONG_BO_HO_SO:
        for path, item in data_items(body):
            value = text(item, "MaDoiTuong")
            applicant_type = text(item, "LoaiDoiTuong")
            if _is_numeric_id(value) and applicant_type in ("1", "2"):
                expected = "citizen" if applicant_type == "1" else "tax"
                yield f"{path}.MaDoiTuong", value, expected
    elif message.kind is MessageKind.PAY_CREATE:
        bill = body.get("bill_info") if isinstance(body, dict) else None
        value = text(bill, "SoCMNDNguoiNop")
        if _is_numeric_id(value):
            yield "$.bill_info.SoCMNDNguoiNop", value, "citizen"
    elif message.kind in _SSO_KINDS:
        for key, expected in (
            ("SoDinhDanh", "citizen"),
            ("SoCMND", "citizen"),
            ("MaSoThue", "tax"),
            ("MaSoDoanhNghiep", "tax"),
        ):
            value = text(body, key)
            if value:
                yield f"$.{key}", value, expected


@RULES.check(
    "ID-001",
    title_vi="Số định danh cá nhân / CMND không hợp lệ",
    title_en="Citizen ID number invalid",
    clause=ID_CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="Công dân: 12 số (mã tỉnh, mã thế kỷ-giới tính, năm sinh, 6 số) hoặc CMND 9 số",
    applies_to=[MessageKind.DONG_BO_HO_SO, MessageKind.PAY_CREATE, *_SSO_KINDS],
)
def citizen_ids_valid(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, value, expected in _identifier_fields(message):
        if expected != "citizen" or is_valid_legacy_id(value):
            continue
        problem = citizen_id_problem(value)
        if problem is not None:
            yield Violation(path=path, value=value, hint=problem)


@RULES.check(
    "ID-002",
    title_vi="Mã số thuế không hợp lệ",
    title_en="Tax code invalid",
    clause=TAX_CLAUSE,
    severity=Severity.ERROR,
    kind=RuleKind.SEMANTIC,
    hint="Tổ chức: mã số thuế 10 số (số cuối là số kiểm tra) hoặc 10+3 số cho chi nhánh",
    applies_to=[MessageKind.DONG_BO_HO_SO, *_SSO_KINDS],
)
def tax_codes_valid(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, value, expected in _identifier_fields(message):
        if expected != "tax":
            continue
        # Since July 2025 individuals and household businesses use the citizen ID as tax code.
        if len(value) == 12 and citizen_id_problem(value) is None:
            continue
        problem = tax_code_problem(value)
        if problem is not None:
            yield Violation(path=path, value=value, hint=problem)


@RULES.check(
    "ID-003",
    title_vi="Số điện thoại không hợp lệ",
    title_en="Phone number invalid",
    clause="QCVN / Bộ TT&TT: kho số viễn thông Việt Nam",
    severity=Severity.WARNING,
    kind=RuleKind.SEMANTIC,
    hint="Số di động 10 số (03x, 05x, 07x, 08x, 09x) hoặc cố định 11 số (02xx)",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def phones_valid(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        value = text(item, "SoDienThoai")
        problem = phone_problem(value) if value else None
        if problem is not None:
            yield Violation(path=f"{path}.SoDienThoai", value=value, hint=problem)


@RULES.check(
    "ID-004",
    title_vi="Địa chỉ thư điện tử không hợp lệ",
    title_en="E-mail address invalid",
    clause="RFC 5322",
    severity=Severity.WARNING,
    kind=RuleKind.SEMANTIC,
    hint="Dạng ten@mien.vn, không có khoảng trắng",
    applies_to=[MessageKind.DONG_BO_HO_SO],
)
def emails_valid(context: CheckContext, message: Message) -> Iterator[Violation]:
    for path, item in data_items(message.body):
        value = text(item, "Email")
        problem = email_problem(value) if value else None
        if problem is not None:
            yield Violation(path=f"{path}.Email", value=value, hint=problem)


@RULES.check(
    "ID-005",
    title_vi="Văn bản tiếng Việt chưa chuẩn hóa NFC",
    title_en="Vietnamese text not in Unicode NFC",
    clause="TCVN 6909:2001; Unicode NFC",
    severity=Severity.WARNING,
    kind=RuleKind.SEMANTIC,
    hint="Chuẩn hóa chuỗi về dạng NFC (dấu dựng sẵn) trước khi gửi",
    applies_to=[
        MessageKind.DONG_BO_HO_SO,
        MessageKind.CAP_NHAT_TIEN_DO,
        MessageKind.DONG_BO_TRANG_THAI,
        MessageKind.DONG_BO_DANH_GIA,
        MessageKind.PAY_CREATE,
    ],
)
def text_is_nfc(context: CheckContext, message: Message) -> Iterator[Violation]:
    raw = message.raw
    # A whole body in NFC has every string in NFC, unless escapes hide combining marks.
    if raw is not None and "\\u" not in raw and unicodedata.is_normalized("NFC", raw):
        return
    yield from _non_nfc_strings(message.body, "$")


def _non_nfc_strings(node: Any, path: str) -> Iterator[Violation]:
    if isinstance(node, str):
        if not node.isascii() and not unicodedata.is_normalized("NFC", node):
            yield Violation(path=path, value=node, hint="chuỗi ở dạng tổ hợp (NFD), cần NFC")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _non_nfc_strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _non_nfc_strings(value, f"{path}[{index}]")
