"""A dossier's life as its province records it: the statuses it passes and when.

A dossier received in person starts at 2 (Được tiếp nhận); one filed online starts at 1 (Mới
đăng ký) and is accepted (2) or, rarely, refused (3). Accepted dossiers go to processing (4),
sometimes wait for a supplement (5→4) or for fees and taxes (6→4), are processed (9) and their
result returned (10). Every step after receipt falls in office hours on a working day, before
the appointment date, so a clean dossier is never late.

The plan fixes everything in advance (a seed reproduces it): the statuses, when each happens
in simulated time (`Step.at`) and how long its province waits before publishing it
(`Step.lag`). Offline traffic uses those times on the wire; the virtual province compresses the
waits between steps and stamps each step with the moment it sends it (see `province.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from random import Random

from simulator.domain import OFFICE_HOURS, VN_TZ, VietnamCalendar
from simulator.synthetic.faults import Fault

__all__ = [
    "CLERK_STATUSES",
    "DUE_TIME",
    "MIN_STEP_GAP",
    "Applicant",
    "DossierPlan",
    "LifecycleOdds",
    "Step",
    "draw_statuses",
    "office_moments",
]

#: the time of day an appointment date (`NgayHenTra`) carries: the end of office hours
DUE_TIME = time(17, 0)
#: the shortest time between two steps of one dossier (longer than OpenCPS' 45-s publish cycle)
MIN_STEP_GAP = timedelta(minutes=2)
#: statuses a one-stop clerk records; the others are a department officer's
CLERK_STATUSES = frozenset({"1", "2", "3", "10"})


@dataclass(frozen=True, slots=True)
class LifecycleOdds:
    """How often a dossier takes each branch. Assumptions, none found in a source: about half
    of eligible dossiers are filed online (domain.md §10, 51.5 % in 2024)."""

    online: float = 0.5
    #: of dossiers filed online, refused at acceptance (1→3)
    refused: float = 0.04
    #: asked for a supplement once (…4→5→4…)
    supplement: float = 0.07
    #: asked to pay fees or taxes (…4→6→4…) when the procedure has fees
    fees_due: float = 0.3


@dataclass(frozen=True, slots=True)
class Step:
    """One status the dossier reaches, and when its province publishes it."""

    status: str
    #: when it happens, in simulated Vietnam time
    at: datetime
    #: from the event to the publish (seconds normally; hours when a late sync is planted)
    lag: timedelta
    #: who acted (`NguoiXuLy`) and their note (`NoiDungXuLy`)
    officer: str
    note: str
    #: a CapNhatTienDoHoSoMC follows the DongBoHoSoMC (False: planted missing progress)
    progress: bool = True
    #: the progress update writes the status as a JSON number (planted wrong type)
    wrong_type: bool = False

    @property
    def publish_at(self) -> datetime:
        return self.at + self.lag


@dataclass(frozen=True, slots=True)
class Applicant:
    """Who filed the dossier, as the province's record has them."""

    name: str
    #: `LoaiDoiTuong`: "1" citizen, "2" business
    kind: str
    #: `MaDoiTuong`: the DVCQG TechID when linked, an ID or tax number, or ""
    subject: str
    email: str
    phone: str
    address: str


@dataclass(frozen=True, slots=True)
class DossierPlan:
    """Everything about one dossier its province will publish, fixed from a seed."""

    index: int
    #: GSO code of the province, and its unit (`madonvi`, login)
    province: str
    unit: str
    #: the dossier code as the province writes it (faulty when a code fault is planted)
    code: str
    #: `DonViXuLy`
    agency_name: str
    #: `MaTTHC` as sent, and the code the province looks up with LayThuTuc
    procedure: str
    lookup: str
    #: the procedure name the province's own catalogue has, used when LayThuTuc fails
    local_name: str
    applicant: Applicant
    summary: str
    delivery: str
    files: tuple[Mapping[str, str], ...]
    received: datetime
    due: datetime
    steps: tuple[Step, ...]
    faults: frozenset[Fault]

    @property
    def final_status(self) -> str:
        return self.steps[-1].status


def draw_statuses(
    rng: Random, odds: LifecycleOdds, *, has_fees: bool, complete: bool
) -> tuple[bool, list[str]]:
    """(filed online?, statuses in order). With `complete`, never a refusal (the dossier must
    reach 9 and 10). Always the same number of draws, whatever the outcome."""
    online_draw, refused_draw, supplement_draw, fees_draw = (rng.random() for _ in range(4))
    online = online_draw < odds.online
    if online and not complete and refused_draw < odds.refused:
        return True, ["1", "3"]
    statuses = ["1", "2"] if online else ["2"]
    statuses.append("4")
    if supplement_draw < odds.supplement:
        statuses += ["5", "4"]
    if has_fees and fees_draw < odds.fees_due:
        statuses += ["6", "4"]
    statuses += ["9", "10"]
    return online, statuses


def _office_spans(
    calendar: VietnamCalendar, start: datetime, end: datetime
) -> list[tuple[datetime, float]]:
    spans: list[tuple[datetime, float]] = []
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            for opens, closes in OFFICE_HOURS:
                low = max(datetime.combine(day, opens, VN_TZ), start)
                high = min(datetime.combine(day, closes, VN_TZ), end)
                if high > low:
                    spans.append((low, (high - low).total_seconds()))
        day += timedelta(days=1)
    return spans


def office_moments(
    calendar: VietnamCalendar, rng: Random, start: datetime, end: datetime, count: int
) -> list[datetime]:
    """`count` sorted whole-second moments in office hours between `start` and `end`, at least
    `MIN_STEP_GAP` apart; the first comes early (a dossier is taken up soon after receipt).

    When office time runs short (a window shorter than the gaps), the moments are spread over
    the whole window instead, so the dossier still ends by `end`.
    """
    if count == 0:
        return []
    gap = MIN_STEP_GAP.total_seconds()
    spans = _office_spans(calendar, start, end)
    total = sum(length for _, length in spans)
    offsets = sorted(rng.random() for _ in range(count))
    offsets[0] *= 0.2
    if total < gap * count:
        window = max((end - start).total_seconds() - gap, gap * count)
        return [
            (
                start + timedelta(seconds=int(gap * number + offset * (window - gap * count)))
            ).replace(microsecond=0)
            for number, offset in enumerate(offsets)
        ]
    usable = total - gap * count
    moments: list[datetime] = []
    for number, offset in enumerate(offsets):
        position = offset * usable + gap * number
        for low, length in spans:
            if position < length:
                moments.append((low + timedelta(seconds=int(position))).replace(microsecond=0))
                break
            position -= length
        else:
            moments.append(spans[-1][0] + timedelta(seconds=int(spans[-1][1])))
    return moments
