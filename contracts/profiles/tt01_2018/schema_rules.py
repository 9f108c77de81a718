"""Rules whose findings come from the schemas (see `contracts/_schemas.py`) or the capture itself.

They have no check function: the engine attributes schema errors to them by keyword or by the
`x-rule` annotation of the failing subschema.
"""

from __future__ import annotations

from contracts._findings import RuleKind, Severity
from contracts._rules import Rule
from contracts.profiles.tt01_2018._registry import RULES

_CIRCULAR = "TT 01/2018/TT-VPCP; giao thức DVCQG (OpenCPS DVCQGIntegrationActionImpl)"

for rule in (
    Rule(
        id="MSG-001",
        title_vi="Thông điệp không phải JSON hợp lệ",
        title_en="Message body is not well-formed JSON",
        clause="Giao thức DVCQG: thân yêu cầu là JSON UTF-8",
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Gửi thân yêu cầu JSON UTF-8 hợp lệ / send a well-formed UTF-8 JSON body",
    ),
    Rule(
        id="MSG-002",
        title_vi="Dịch vụ hoặc loại thông điệp không được hỗ trợ",
        title_en="Unknown service or message kind",
        clause="Giao thức DVCQG: trường service",
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Dùng một dịch vụ DVCQG đã công bố / use a published DVCQG service name",
    ),
    Rule(
        id="SC-001",
        title_vi="Thiếu trường bắt buộc",
        title_en="Required field missing",
        clause=_CIRCULAR,
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Bổ sung trường bắt buộc / add the required field",
    ),
    Rule(
        id="SC-002",
        title_vi="Sai kiểu dữ liệu",
        title_en="Wrong data type",
        clause=_CIRCULAR,
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Mọi giá trị vô hướng gửi dạng chuỗi; data là mảng / scalars are strings on the wire",
    ),
    Rule(
        id="SC-003",
        title_vi="Sai định dạng giá trị (ngày yyyyMMddHHmmss, mã)",
        title_en="Value does not match its format (yyyyMMddHHmmss dates, codes)",
        clause=_CIRCULAR,
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Ngày giờ yyyyMMddHHmmss theo giờ Việt Nam / dates as yyyyMMddHHmmss, Vietnam time",
    ),
    Rule(
        id="SC-004",
        title_vi="Giá trị không thuộc danh mục (trạng thái, loại đối tượng…)",
        title_en="Value not in its code list (status, applicant type, …)",
        clause=_CIRCULAR,
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Trạng thái hồ sơ là chuỗi '1'…'10' / statuses are the strings '1'…'10'",
    ),
    Rule(
        id="SC-005",
        title_vi="Vi phạm ràng buộc khác của lược đồ",
        title_en="Other schema constraint violated",
        clause=_CIRCULAR,
        severity=Severity.ERROR,
        kind=RuleKind.SCHEMA,
        hint="Xem mô tả trường trong lược đồ / see the field's description in the schema",
    ),
):
    RULES.declare(rule)
