"""The named multipliers of the traffic model, each with where it comes from.

Every number that shapes the modelled traffic lives here (or, for messages per dossier, in
`flows`), with its source: a section of `domain.md` or `DESIGN.md`, a field report, or [D] for
"derived by us, an assumption". A planner changes them with a TOML file (`config`), never in
code. The tags follow domain.md: [V] checked, [V2] secondary, [R] recalled, [D] derived.

The intraday curve is given as anchors (clock time, relative weight) inside the office sessions
of `simulator.domain.OFFICE_HOURS` (domain.md §9: 7:30-11:30, 13:30-17:00); a minute's weight
is the straight line between the anchors around its midpoint. Outside the sessions the rate is
zero: online filings outside office hours count from the next working day (domain.md §9,
Decree 45/2020), which is what `monday_morning` carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import time
from types import MappingProxyType

__all__ = [
    "AFTERNOON_CURVE",
    "FACTOR_SOURCES",
    "MORNING_CURVE",
    "Factors",
]

#: Morning session 7:30-11:30: slow opening, the peak around 9:00 [D] (DESIGN.md §5).
MORNING_CURVE: tuple[tuple[time, float], ...] = (
    (time(7, 30), 0.5),
    (time(8, 0), 1.0),
    (time(9, 0), 1.4),
    (time(10, 0), 1.2),
    (time(11, 0), 0.8),
    (time(11, 30), 0.5),
)
#: Afternoon session 13:30-17:00: the after-lunch peak at 14:00, then a long decline [D]
#: (issue 7: "the Monday-morning and after-lunch peaks").
AFTERNOON_CURVE: tuple[tuple[time, float], ...] = (
    (time(13, 30), 1.1),
    (time(14, 0), 1.3),
    (time(15, 0), 1.0),
    (time(16, 0), 0.7),
    (time(17, 0), 0.4),
)


@dataclass(frozen=True, slots=True)
class Factors:
    """Multipliers of a working day's traffic (1.0 = an ordinary day); see `FACTOR_SOURCES`.

    Day factors multiply one another (a quarter end in a peak month gets both); month end and
    quarter end do not: the last days of a quarter take the larger of the two.
    """

    #: the province's peak months ("tháng cao điểm"), every eligible dossier handled online
    peak_month: float = 1.3
    #: the last `month_end_days` working days of every month
    month_end: float = 1.2
    month_end_days: int = 3
    #: the last `quarter_end_days` working days of March, June, September and December
    quarter_end: float = 1.4
    quarter_end_days: int = 5
    #: the `tet_lull_days` working days before the Tết break
    tet_lull: float = 0.6
    tet_lull_days: int = 5
    #: the `post_tet_rush_days` working days after the Tết break
    post_tet_rush: float = 1.6
    post_tet_rush_days: int = 5
    #: the morning session of the first working day after days off (a Monday, or after a
    #: holiday): the filings of the days off arrive at once
    monday_morning: float = 1.5

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name.endswith("_days"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"factor {field.name} must be a whole number >= 0")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"factor {field.name} must be a number >= 0")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))


#: Where each factor comes from (shown by `portalsim plan model` and in docs/capacity-planning.md).
FACTOR_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "peak_month": "field-reports.md 'Peak months (Quảng Nam, Directive 04, 01/03/2022)': "
        "months 3, 6, 9, 12 handled 100 % online; DESIGN.md §1; size [D]",
        "month_end": "domain.md §10 'month/quarter ends (Decision 766 indicators)'; size [D]",
        "month_end_days": "domain.md §10; [D]",
        "quarter_end": "domain.md §10 'month/quarter ends (Decision 766 indicators)'; size [D]",
        "quarter_end_days": "domain.md §10; [D]",
        "tet_lull": "DESIGN.md §5 'the Tết lull'; domain.md §9 Tết holiday; size [D]",
        "tet_lull_days": "DESIGN.md §5; [D]",
        "post_tet_rush": "domain.md §10 'days after Tết' among the 4-5x peaks; size [D]",
        "post_tet_rush_days": "domain.md §10; [D]",
        "monday_morning": "domain.md §10 'Monday mornings' among the peaks; §9 online filings "
        "outside office hours count from the next working day (Decree 45/2020); size [D]",
        "office_hours": "domain.md §9, simulator.domain.OFFICE_HOURS (7:30-11:30, 13:30-17:00)",
        "intraday_curve": "DESIGN.md §5 office-hours curve; issue 7 Monday-morning and "
        "after-lunch peaks; shape [D]",
    }
)
