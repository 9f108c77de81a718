"""Dossiers of one province, with exactly the faults its profile draws: `DossierFactory`.

`plan(index, …)` is a pure function of (seed, province, index, time): dossier `index` of a
province always gets the same procedure, applicant, lifecycle and faults, whichever process
makes it and in whatever order (only the four-digit sequence of its code depends on how many
dossiers the factory issued before it that day, as in a real one-stop system). Nothing here
calls Faker: the applicants come from pools built once (`pools.py`), so a plan costs
microseconds and a load test can make them on its hot path.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from random import Random

from contracts import ProcedureRef
from contracts.profiles.tt01_2018.schedule import statutory_deadline
from simulator.domain import (
    OFFICE_HOURS,
    VN_TZ,
    AgencyDirectory,
    Catalogue,
    VietnamCalendar,
    bundled_agencies,
    bundled_calendar,
    bundled_catalogue,
)
from simulator.synthetic import _vocabulary as words
from simulator.synthetic.codes import CodeIssuer, foreign_agencies, scheme_rank
from simulator.synthetic.faults import Fault, draw_dossier_faults
from simulator.synthetic.lifecycle import (
    CLERK_STATUSES,
    DUE_TIME,
    MIN_STEP_GAP,
    Applicant,
    DossierPlan,
    LifecycleOdds,
    Step,
    draw_statuses,
    office_moments,
)
from simulator.synthetic.pools import ProvincePools, build_pools
from simulator.synthetic.profiles import ProvinceProfile
from simulator.synthetic.providers import ascii_fold

__all__ = ["FALLBACK_PROCESSING_DAYS", "LATE_SYNC_LAG", "DossierFactory"]

#: working days promised when the catalogue gives no processing time (admissions, calendar days)
FALLBACK_PROCESSING_DAYS = 5.0
#: a planted late sync waits this long (more than the one-hour limit) before the first publish
LATE_SYNC_LAG = (timedelta(minutes=65), timedelta(hours=6))
#: an ordinary publish follows its event by this much (OpenCPS' scheduler runs every 45 s)
_PUBLISH_LAG = (2.0, 45.0)
#: provincial procedures that are not in the national catalogue: (code, name)
_UNKNOWN_PROCEDURES = (
    ("1.009994", "Hỗ trợ kinh phí đào tạo nghề cho lao động nông thôn của tỉnh"),
    ("2.002199", "Cấp giấy xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình"),
    ("1.011810", "Hỗ trợ người lao động ngừng việc do thiên tai trên địa bàn tỉnh"),
    ("1.010944", "Hỗ trợ lãi suất vốn vay phát triển sản xuất nông nghiệp của tỉnh"),
)


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


class DossierFactory:
    """Plans the dossiers of one province (`ProvinceProfile`) from a seed."""

    def __init__(
        self,
        profile: ProvinceProfile,
        seed: int,
        *,
        pools: ProvincePools | None = None,
        catalogue: Catalogue | None = None,
        calendar: VietnamCalendar | None = None,
        agencies: AgencyDirectory | None = None,
        odds: LifecycleOdds | None = None,
    ) -> None:
        self.profile = profile
        self.seed = seed
        self.pools = pools or build_pools(profile.code, seed)
        self.catalogue = catalogue or bundled_catalogue()
        self.calendar = calendar or bundled_calendar()
        self.agencies = agencies or bundled_agencies()
        self.odds = odds or LifecycleOdds()
        rank, stride = scheme_rank(profile)
        self.codes = CodeIssuer(self.calendar, rank=rank, stride=stride)
        offered = [self.catalogue.procedure(code) for code in profile.procedures]
        self._offered = [ref for ref in offered if ref is not None]
        if not self._offered:
            raise ValueError(f"{profile.code} {profile.name}: offers no procedure of the catalogue")
        # One-stop traffic is mostly quick procedures (certification, civil status, residence).
        self._weights = _cumulative([5.0 if _quick(ref) else 1.0 for ref in self._offered])
        # A late first sync needs a deadline at least a working day away (see _procedure).
        self._slow = [
            ref for ref in self._offered if ref.processing_days is None or ref.processing_days >= 1
        ]
        self._unknown = [
            (code, name) for code, name in _UNKNOWN_PROCEDURES if code not in self.catalogue
        ]
        units = self.agencies.province_units(profile.agency_code)
        receiving = [code for code in units if code != profile.unit] or units or [profile.unit]
        self._agencies = receiving
        self._agency_weights = _cumulative([_agency_weight(code) for code in receiving])
        self._foreign = foreign_agencies(profile, self.agencies)
        slug = ascii_fold(profile.name).lower().replace(" ", "")
        self._host = f"dichvucong.{slug}.gov.vn"

    # -- plans -------------------------------------------------------------------------------

    def plan(
        self, index: int, *, received: datetime | None = None, published: datetime | None = None
    ) -> DossierPlan:
        """Dossier `index`, received at `received` (offline traffic) or first published at
        `published` (a live run: the receipt is then that moment less the planned lag, hours
        earlier when a late sync is planted)."""
        if (received is None) == (published is None):
            raise ValueError("give exactly one of received and published")
        rng = Random(f"portalsim:{self.seed}:{self.profile.code}:{index}")
        faults = set(draw_dossier_faults(self.profile.faults, rng))
        procedure, sent, lookup = self._procedure(rng, faults)
        online, statuses = draw_statuses(
            rng,
            self.odds,
            has_fees=bool(procedure.fee_total),
            complete=Fault.ILLEGAL_TRANSITION in faults,
        )
        if Fault.ILLEGAL_TRANSITION in faults:
            statuses.remove("9")  # the result returned while the portal shows "processing"
        first_lag = (
            timedelta(seconds=rng.uniform(*(lag.total_seconds() for lag in LATE_SYNC_LAG)))
            if Fault.LATE_SYNC in faults
            else timedelta(seconds=rng.uniform(*_PUBLISH_LAG))
        )
        if received is not None:
            moment = received
        else:
            assert published is not None  # one of the two, checked above
            moment = published - first_lag
        receipt = moment.astimezone(VN_TZ).replace(microsecond=0)
        days = procedure.processing_days
        deadline = statutory_deadline(
            self.calendar, receipt, days if days is not None else FALLBACK_PROCESSING_DAYS
        )
        due = datetime.combine(deadline, DUE_TIME, VN_TZ)
        later = office_moments(
            self.calendar, rng, receipt + first_lag + MIN_STEP_GAP, due, len(statuses) - 1
        )
        clerk, officer = rng.choice(self.pools.staff), rng.choice(self.pools.staff)
        missing = rng.randrange(len(statuses)) if Fault.MISSING_PROGRESS in faults else -1
        typed = [number for number in range(len(statuses)) if number != missing]
        wrong = rng.choice(typed) if Fault.WRONG_TYPE in faults else -1
        steps = tuple(
            Step(
                status=status,
                at=at,
                lag=first_lag if number == 0 else timedelta(seconds=rng.uniform(*_PUBLISH_LAG)),
                officer=clerk if status in CLERK_STATUSES else officer,
                note=rng.choice(words.STEP_NOTES[status]),
                progress=number != missing,
                wrong_type=number == wrong,
            )
            for number, (status, at) in enumerate(zip(statuses, [receipt, *later], strict=True))
        )
        agency = self._agencies[
            bisect.bisect(self._agency_weights, rng.random() * self._agency_weights[-1])
        ]
        applicant = self._applicant(rng, procedure, faults)
        summary = f"{procedure.name} - {applicant.name}"
        if rng.random() < 0.3:
            summary += f", {applicant.address}"
        postal = not online and rng.random() < 0.15
        frozen = frozenset(faults)
        foreign = Fault.DOSSIER_CODE_FOREIGN in faults
        shift = rng.randrange(len(self._foreign if foreign else self._agencies))
        candidates = self._foreign if foreign else [agency, *self._agencies]
        ordered = candidates[shift:] + candidates[:shift] if foreign else candidates
        return DossierPlan(
            index=index,
            province=self.profile.code,
            unit=self.profile.unit,
            code=self.codes.issue(ordered, receipt, frozen),
            agency_name=self.agencies.name(agency) or self.profile.name,
            procedure=sent,
            lookup=lookup,
            local_name=procedure.name,
            applicant=applicant,
            summary=summary,
            delivery=(
                f"Gửi qua bưu chính công ích tới {applicant.address}"
                if postal
                else "Nhận trực tiếp tại Bộ phận Một cửa"
            ),
            files=self._files(rng),
            received=receipt,
            due=due,
            steps=steps,
            faults=frozen,
        )

    def plans(self, start: datetime, count: int, *, per_day: float = 200.0) -> list[DossierPlan]:
        """`count` dossiers received in office hours on working days from `start` on, about
        `per_day` a working day (±20 %), in receipt order: for offline traffic."""
        return [
            self.plan(index, received=moment)
            for index, moment in enumerate(self.arrivals(start, count, per_day=per_day))
        ]

    def arrivals(
        self, start: datetime, count: int, *, per_day: float = 200.0
    ) -> Iterator[datetime]:
        """Receipt moments in office hours of working days from `start`, sorted."""
        if per_day <= 0:
            raise ValueError("per_day must be positive")
        rng = Random(f"portalsim:{self.seed}:{self.profile.code}:arrivals")
        day: date = start.astimezone(VN_TZ).date()
        made = 0
        while made < count:
            if self.calendar.is_working_day(day):
                moments = []
                for _ in range(round(per_day * rng.uniform(0.8, 1.2))):
                    opens, closes = OFFICE_HOURS[0] if rng.random() < 0.6 else OFFICE_HOURS[1]
                    low = datetime.combine(day, opens, VN_TZ)
                    length = (datetime.combine(day, closes, VN_TZ) - low).total_seconds()
                    moments.append(low + timedelta(seconds=int(rng.random() * length)))
                for moment in sorted(moments):
                    if moment >= start and made < count:
                        made += 1
                        yield moment
            day += timedelta(days=1)

    # -- parts of a plan ---------------------------------------------------------------------

    def _procedure(self, rng: Random, faults: set[Fault]) -> tuple[ProcedureRef, str, str]:
        """(what the province knows of the procedure, MaTTHC it sends, code it looks up)."""
        choice = rng.random()
        if Fault.PROCEDURE_UNKNOWN in faults and self._unknown:
            code, name = self._unknown[int(choice * len(self._unknown))]
            return ProcedureRef(code, name, "", "", FALLBACK_PROCESSING_DAYS), code, code
        faults.discard(Fault.PROCEDURE_UNKNOWN)
        if Fault.LATE_SYNC in faults:
            # A late first sync of a same-day procedure would push the result past its
            # appointment (LC-008 too): late syncs go to procedures of a day or more.
            if not self._slow:
                faults.discard(Fault.LATE_SYNC)
            else:
                procedure = self._slow[int(choice * len(self._slow))]
                return procedure, *self._sent_code(rng, procedure, faults)
        index = bisect.bisect(self._weights, choice * self._weights[-1])
        procedure = self._offered[index]
        return procedure, *self._sent_code(rng, procedure, faults)

    def _sent_code(
        self, rng: Random, procedure: ProcedureRef, faults: set[Fault]
    ) -> tuple[str, str]:
        short = rng.random() < 0.5
        if Fault.PROCEDURE_MALFORMED not in faults:
            return procedure.code, procedure.code
        # The localised service code in MaTTHC (domain.md §2.2), looked up by its national code.
        level1 = self.profile.agency_code
        local = f"{procedure.code}.{level1}" if short else f"{procedure.code}.000.00.00.{level1}"
        return local, procedure.code

    def _applicant(self, rng: Random, procedure: ProcedureRef, faults: set[Fault]) -> Applicant:
        pools = self.pools
        business = procedure.sector_code.startswith("G06-TC02") or rng.random() < 0.08
        subject_draw, email_draw = rng.random(), rng.random()
        old_phone = f"{rng.choice(words.OLD_MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"
        if business:
            firm = rng.choice(pools.businesses)
            name, kind, number, tech_id = firm.name, "2", firm.tax_code, firm.tech_id
            email, phone, address = firm.email, firm.phone, firm.address
        else:
            person = rng.choice(pools.people)
            name, kind, number, tech_id = person.name, "1", person.citizen_id, person.tech_id
            email, phone, address = person.email, person.phone, person.address
        if tech_id and subject_draw < 0.5:
            subject = tech_id  # OpenCPS sends the linked DVCQG account (domain.md §3a)
        elif subject_draw < 0.7:
            subject = number  # some vendors send the ID or tax number instead
        else:
            subject = ""
        return Applicant(
            name=name,
            kind=kind,
            subject=subject,
            email=email if email_draw < 0.7 else "",
            phone=old_phone if Fault.BAD_PHONE in faults else phone,
            address=address,
        )

    def _files(self, rng: Random) -> tuple[dict[str, str], ...]:
        files = []
        for _ in range(rng.randint(1, 3)):
            file_id = str(rng.randrange(10**6, 10**7))
            files.append(
                {
                    "TepDinhKemId": file_id,
                    "TenTepDinhKem": rng.choice(words.FILE_NAMES),
                    "IsDeleted": "False",
                    "MaThanhPhanHoSo": rng.choice(words.DOCUMENT_PARTS),
                    "DuongDanTaiTepTin": f"https://{self._host}/documents/{file_id}",
                }
            )
        return tuple(files)


def _quick(procedure: ProcedureRef) -> bool:
    """Done within three working days (or within the day)."""
    return procedure.processing_days is not None and procedure.processing_days <= 3


def _agency_weight(code: str) -> float:
    """Communes and the public-administration service centre receive most dossiers."""
    level2 = code.split(".")[2]
    if level2 == "13" or level2 >= "31":
        return 4.0
    return 1.0
