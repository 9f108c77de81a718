"""Numbers, amounts and dates as Vietnamese readers write them: 1.234,5 and 22/11/2026 08:15.

English pages write numbers the English way (1,234.5); dates stay day first in both, the
order every reader of a Vietnamese portal expects, and always in Vietnamese time (UTC+7).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
DASH = "—"


def format_number(value: float | int | None, decimals: int = 0, *, lang: str = "vi") -> str:
    """`1234.5` → `"1.234,5"` (vi) or `"1,234.5"` (en); None → "—"."""
    if value is None:
        return DASH
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_vnd(amount: int | None, *, lang: str = "vi") -> str:
    """`500000` → `"500.000 ₫"`."""
    return DASH if amount is None else f"{format_number(amount, lang=lang)} ₫"


def format_datetime(moment: datetime | None, *, seconds: bool = False) -> str:
    """An instant in Vietnamese time, `dd/mm/yyyy HH:MM` (`:SS` with `seconds`)."""
    if moment is None:
        return DASH
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    local = moment.astimezone(VIETNAM)
    return local.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")
