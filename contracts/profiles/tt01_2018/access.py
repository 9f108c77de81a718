"""Access rules the portal itself enforces: sessions, and each unit's reach over dossiers.

They have no check function on messages: the mock portal records them when it refuses a request
(they need the session, which a message body does not carry), in lenient mode as in strict.
"""

from __future__ import annotations

from contracts._findings import RuleKind, Severity
from contracts._rules import Rule
from contracts.profiles.tt01_2018._registry import RULES

_CLAUSE = "QĐ 31/2021/QĐ-TTg (quy chế hoạt động Cổng DVCQG: tài khoản, phân quyền)"

for rule in (
    Rule(
        id="AU-001",
        title_vi="Truy cập hồ sơ của đơn vị khác",
        title_en="Access to another unit's dossier",
        clause=_CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Phiên của một đơn vị chỉ đọc, ghi hồ sơ thuộc cây đơn vị của mình",
    ),
    Rule(
        id="AU-002",
        title_vi="Phiên làm việc thiếu, sai hoặc hết hạn",
        title_en="Session missing, unknown or expired",
        clause=_CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="Đăng nhập lại (POST login) khi phiên hết hạn và gửi trường session",
    ),
    Rule(
        id="AU-003",
        title_vi="madonvi không thuộc đơn vị của phiên",
        title_en="madonvi outside the session's unit",
        clause=_CLAUSE,
        severity=Severity.ERROR,
        kind=RuleKind.BEHAVIOURAL,
        hint="madonvi là mã của đơn vị đã đăng nhập hoặc đơn vị cấp dưới",
    ),
):
    RULES.declare(rule)
