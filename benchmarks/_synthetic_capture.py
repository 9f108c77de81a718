"""Synthetic DVCQG traffic as an NDJSON journal (docs/journal-format.md), seeded and streamed.

Provinces' one-stop systems publish their dossiers the way OpenCPS does (domain.md §3a): a
login every ten minutes per unit, then for every status the dossier reaches one publish of four
messages, `TraCuuHoSo` → `LayThuTuc` → `DongBoHoSoMC` (isUpdating "False" the first time, "True"
after) → `CapNhatTienDoHoSoMC` with the same status, a few seconds after the event. Every
dossier goes 2 (received) → 4 (processing) → 9 (processed) → 10 (returned), in office hours on
working days, returned by its appointment date, which is the statutory deadline of its procedure.

Everything comes from the domain core: real procedure codes, names, sectors and processing
times (`bundled_catalogue`), agency codes of several provinces (`bundled_agencies`), working days
(`bundled_calendar`), phone numbers (`generate_phone`). Names and addresses are drawn from pools
made once with Faker('vi_VN'), so generating a million messages takes seconds, not minutes.

A share of dossiers (19 % by default, about 3 % of the messages) carries one defect, each a
mistake seen in real integrations: a dossier code dated the day of online registration instead of
receipt (HS-002), a provincial procedure code unknown to the catalogue (TT-002), status 9 skipped
(LC-004), the final publish held back for hours (LC-007), names typed in decomposed Unicode
(ID-005), a pre-2018 eleven-digit mobile number (ID-003), and, rarely, a number where the contract
wants a string (SC-002). `TrafficGenerator.stats` counts what was emitted, so a run can compare
what the validator found with what was planted.
"""

from __future__ import annotations

import bisect
import enum
import heapq
import itertools
import random
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import orjson
from faker import Faker

from contracts import ProcedureRef
from contracts.profiles.tt01_2018.schedule import statutory_deadline
from simulator.domain import (
    VN_TZ,
    VietnamCalendar,
    bundled_agencies,
    bundled_calendar,
    bundled_catalogue,
    bundled_provinces,
    generate_phone,
)

START_DAY = date(2026, 3, 2)
DOSSIERS_PER_DAY = 1500
DOSSIER_DEFECT_RATE = 0.19
LOGIN_EVERY = timedelta(minutes=10)
LOGIN_PATH = "/api/dvcqg/login"
INTEGRATION_PATH = "/api/dvcqg/integration"
STATUSES = ("2", "4", "9", "10")

#: Provinces whose one-stop systems send (level-1 agency code, share of the dossiers).
PROVINCES: tuple[tuple[str, float], ...] = (
    ("H26", 0.24),  # Hà Nội
    ("H29", 0.24),  # Thành phố Hồ Chí Minh
    ("H56", 0.18),  # Thanh Hóa
    ("H55", 0.10),  # Thái Nguyên
    ("H27", 0.08),  # Hà Tĩnh
    ("H15", 0.08),  # Đà Nẵng
    ("H14", 0.08),  # Cần Thơ
)
#: Codes seen in real traffic (domain.md) receive more dossiers than the stand-in departments.
_BUSY_AGENCIES = frozenset({"000.00.14.H56", "000.00.22.H56", "000.17.22.H56", "000.A0.01.H26"})
_OFFICE = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
_DUE_TIME = time(16, 30)
_MIN_GAP = timedelta(minutes=2)


class Defect(enum.StrEnum):
    """A mistake planted in one dossier, and the rule expected to catch it."""

    CODE_DATE = "code-date"
    UNKNOWN_PROCEDURE = "unknown-procedure"
    ILLEGAL_TRANSITION = "illegal-transition"
    LATE_SYNC = "late-sync"
    NFD_TEXT = "nfd-text"
    BAD_PHONE = "bad-phone"
    WRONG_TYPE = "wrong-type"


EXPECTED_RULES: dict[Defect, str] = {
    Defect.CODE_DATE: "HS-002",
    Defect.UNKNOWN_PROCEDURE: "TT-002",
    Defect.ILLEGAL_TRANSITION: "LC-004",
    Defect.LATE_SYNC: "LC-007",
    Defect.NFD_TEXT: "ID-005",
    Defect.BAD_PHONE: "ID-003",
    Defect.WRONG_TYPE: "SC-002",
}
_DEFECT_WEIGHTS: dict[Defect, float] = {
    Defect.CODE_DATE: 0.15,
    Defect.UNKNOWN_PROCEDURE: 0.15,
    Defect.ILLEGAL_TRANSITION: 0.15,
    Defect.LATE_SYNC: 0.20,
    Defect.NFD_TEXT: 0.15,
    Defect.BAD_PHONE: 0.15,
    Defect.WRONG_TYPE: 0.05,
}

#: Provincial procedures not (yet) in the national catalogue: (code, name).
_UNKNOWN_PROCEDURES = (
    ("1.009994", "Hỗ trợ kinh phí đào tạo nghề cho lao động nông thôn của tỉnh"),
    ("2.002199", "Cấp giấy xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình"),
    ("1.011810", "Hỗ trợ người lao động ngừng việc do thiên tai trên địa bàn tỉnh"),
)
_OLD_MOBILE_PREFIXES = ("0162", "0163", "0164", "0165", "0166", "0168", "0169", "0121", "0126")
_FILE_NAMES = (
    "don_de_nghi.pdf",
    "to_khai.pdf",
    "cccd_mat_truoc.jpg",
    "cccd_mat_sau.jpg",
    "giay_uy_quyen.pdf",
    "ban_sao_giay_khai_sinh.pdf",
    "hop_dong.pdf",
    "so_ho_khau.pdf",
)
_NOTES = {
    "2": ("", "", "", "Tiếp nhận hồ sơ", "Đã tiếp nhận, hồ sơ đầy đủ"),
    "4": ("", "", "Chuyển xử lý", "Chuyển chuyên viên thụ lý", "Đang thẩm định hồ sơ"),
    "9": ("", "", "Hoàn thành xử lý", "Đã ký duyệt kết quả"),
    "10": ("", "", "Trả kết quả", "Đã trả kết quả cho công dân"),
}
_COMPANY_KINDS = ("Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân")
_TRADES = ("Thương mại", "Xây dựng", "Dịch vụ", "Vận tải", "Nông sản", "Du lịch", "Công nghệ")
_EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "vnpt.vn")


@dataclass(frozen=True, slots=True)
class SendingUnit:
    """A province's one-stop system: it logs in as `code` and sends for every agency below it."""

    code: str
    province: str
    dstcode: str
    host: str
    name: str
    agencies: tuple[str, ...]
    agency_weights: tuple[float, ...]


@dataclass(slots=True)
class Session:
    token: str = ""
    expires: datetime | None = None


@dataclass(slots=True)
class Dossier:
    code: str
    unit: SendingUnit
    agency: str
    agency_name: str
    procedure: ProcedureRef
    applicant: str
    applicant_type: str
    tech_id: str
    email: str
    phone: str
    summary: str
    delivery: str
    received: datetime
    due: datetime
    events: dict[str, datetime]
    clerk: str
    officer: str
    files: list[dict[str, str]]
    defect: Defect | None = None


@dataclass(slots=True)
class Stats:
    """What a generator emitted."""

    messages: int = 0
    bytes: int = 0
    dossiers: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    defects: Counter[Defect] = field(default_factory=Counter)
    #: messages that carry a planted defect (each should draw at least one finding)
    defective_messages: int = 0


@dataclass(order=True, slots=True)
class _Step:
    """The next message of one publish, ordered by send time on the heap."""

    at: datetime
    seq: int
    dossier: Dossier = field(compare=False)
    status: str = field(compare=False)
    stage: int = field(compare=False)


def _wire(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def _strip_marks(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


#: The commonest Vietnamese family names with their approximate shares (Faker has ten).
_FAMILY_NAMES = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.1),
    ("Hoàng", 3.0),
    ("Huỳnh", 2.1),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 1.9),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
)


class _Pools:
    """Vietnamese names, companies and addresses, made once with Faker (slow) and reused."""

    def __init__(self, rng: random.Random, seed: int, size: int = 3000) -> None:
        fake = Faker("vi_VN")
        fake.seed_instance(seed)
        families = rng.choices(
            [name for name, _ in _FAMILY_NAMES],
            weights=[share for _, share in _FAMILY_NAMES],
            k=size,
        )
        self.people: list[str] = []
        for family in families:
            female = rng.random() < 0.5
            given = fake.first_name_female() if female else fake.first_name_male()
            middle = "Thị" if female and rng.random() < 0.6 else fake.middle_name()
            self.people.append(f"{family} {middle} {given}")
        self.companies = [
            f"{rng.choice(_COMPANY_KINDS)} {rng.choice(_TRADES)} {rng.choice(families)} "
            f"{fake.first_name_male()}"
            for _ in range(size // 4)
        ]
        self.streets = [fake.street_address() for _ in range(size // 2)]
        self.wards = [
            f"{rng.choice(('phường', 'xã'))} {fake.middle_name()} {fake.first_name_male()}"
            for _ in range(200)
        ]
        self.officials = [self.people[rng.randrange(size)] for _ in range(400)]


class TrafficGenerator:
    """An endless, time-ordered stream of journal lines; `stats` counts what was emitted."""

    def __init__(
        self,
        seed: int,
        *,
        dossiers_per_day: int = DOSSIERS_PER_DAY,
        defect_rate: float = DOSSIER_DEFECT_RATE,
    ) -> None:
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.dossiers_per_day = dossiers_per_day
        self.defect_rate = defect_rate
        self.calendar: VietnamCalendar = bundled_calendar()
        self.catalogue = bundled_catalogue()
        self.pools = _Pools(self.rng, seed)
        self.units = self._units()
        self.unit_weights = list(itertools.accumulate(weight for _, weight in PROVINCES))
        codes = self.catalogue.codes()
        self.procedures = [self.catalogue.procedure(code) for code in codes]
        # One-stop traffic is mostly quick procedures (certification, civil status, residence).
        self.procedure_weights = list(
            itertools.accumulate(
                5.0
                if p is not None and p.processing_days is not None and p.processing_days <= 3
                else 1.0
                for p in self.procedures
            )
        )
        self.procedure_answers = {
            code: orjson.Fragment(
                '{"error_code":0,"message":"Thành công","result":['
                + (self.catalogue.record_json(code) or "")
                + "]}"
            )
            for code in codes
        }
        self.sessions: dict[str, Session] = {unit.code: Session() for unit in self.units}
        self.sequences: Counter[tuple[str, str]] = Counter()
        self.heap: list[_Step] = []
        self.seq = itertools.count()
        self.next_id = 1

    def _units(self) -> list[SendingUnit]:
        agencies = bundled_agencies()
        provinces = bundled_provinces()
        units = []
        for level1, _weight in PROVINCES:
            province = provinces.by_code(level1)
            assert province is not None, level1
            own = province.province_agency
            receiving = tuple(code for code in agencies.province_units(level1) if code != own)
            slug = _strip_marks(province.name_ascii).lower().replace(" ", "")
            units.append(
                SendingUnit(
                    code=own,
                    province=province.code,
                    dstcode=level1,
                    host=f"dichvucong.{slug}.gov.vn",
                    name=province.people_committee,
                    agencies=receiving,
                    agency_weights=tuple(
                        itertools.accumulate(
                            3.0 if code in _BUSY_AGENCIES or code.split(".")[2] > "13" else 1.0
                            for code in receiving
                        )
                    ),
                )
            )
        return units

    # -- the stream ---------------------------------------------------------------------------

    def lines(self) -> Iterator[bytes]:
        """Journal lines (with their newline) in receive order, for ever."""
        day = START_DAY
        while True:
            if self.calendar.is_working_day(day):
                for arrival in self._arrivals(day):
                    while self.heap and self.heap[0].at <= arrival:
                        yield from self._emit(heapq.heappop(self.heap))
                    self._new_dossier(arrival)
            day += timedelta(days=1)

    def _arrivals(self, day: date) -> list[datetime]:
        rng = self.rng
        count = round(self.dossiers_per_day * rng.uniform(0.8, 1.2))
        morning = (datetime.combine(day, _OFFICE[0][0], VN_TZ), 4 * 3600)
        afternoon = (datetime.combine(day, _OFFICE[1][0], VN_TZ), 3.5 * 3600)
        moments = []
        for _ in range(count):
            start, length = morning if rng.random() < 0.6 else afternoon
            moments.append(start + timedelta(seconds=int(rng.random() * length)))
        moments.sort()
        return moments

    def _new_dossier(self, received: datetime) -> None:
        rng = self.rng
        pools = self.pools
        unit = self.units[bisect.bisect(self.unit_weights, rng.random() * self.unit_weights[-1])]
        agency = unit.agencies[
            bisect.bisect(unit.agency_weights, rng.random() * unit.agency_weights[-1])
        ]
        defect = (
            rng.choices(list(_DEFECT_WEIGHTS), weights=list(_DEFECT_WEIGHTS.values()))[0]
            if rng.random() < self.defect_rate
            else None
        )
        if defect is Defect.UNKNOWN_PROCEDURE:
            code, name = rng.choice(_UNKNOWN_PROCEDURES)
            procedure = ProcedureRef(code, name, "", "", 5.0)
        else:
            index = bisect.bisect(self.procedure_weights, rng.random() * self.procedure_weights[-1])
            found = self.procedures[index]
            assert found is not None
            procedure = found
        business = procedure.sector_code.startswith("G06-TC02")
        applicant = rng.choice(pools.companies if business else pools.people)
        person = applicant if not business else rng.choice(pools.people)
        ascii_name = _strip_marks(person).lower().split()
        email = (
            f"{ascii_name[-1]}.{ascii_name[0]}{rng.randrange(100)}@{rng.choice(_EMAIL_DOMAINS)}"
            if rng.random() < 0.7
            else ""
        )
        phone = generate_phone(rng, "mobile" if rng.random() < 0.9 else "landline")
        if defect is Defect.BAD_PHONE:
            phone = f"{rng.choice(_OLD_MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"
        address = f"{rng.choice(pools.streets)}, {rng.choice(pools.wards)}"
        summary = f"{procedure.name} - {applicant}"
        if rng.random() < 0.3:
            summary += f", {address}"
        delivery = (
            f"Gửi qua bưu chính công ích tới {address}"
            if rng.random() < 0.15
            else "Nhận trực tiếp tại Bộ phận Một cửa"
        )
        if defect is Defect.NFD_TEXT:
            applicant = unicodedata.normalize("NFD", applicant)
            summary = unicodedata.normalize("NFD", summary)
        days = procedure.processing_days if procedure.processing_days is not None else 10.0
        due_day = statutory_deadline(self.calendar, received, days)
        due = datetime.combine(due_day, _DUE_TIME, VN_TZ)
        moments = self._office_moments(received + _MIN_GAP, due, 3)
        events = {"2": received, "4": moments[0], "9": moments[1], "10": moments[2]}
        code_day = received.date()
        if defect is Defect.CODE_DATE:
            code_day = self.calendar.add_working_days(code_day, -1)  # the online filing day
        stamp = code_day.strftime("%y%m%d")
        self.sequences[agency, stamp] += 1
        dossier = Dossier(
            code=f"{agency}-{stamp}-{self.sequences[agency, stamp]:04d}",
            unit=unit,
            agency=agency,
            agency_name=bundled_agencies().name(agency) or unit.name,
            procedure=procedure,
            applicant=applicant,
            applicant_type="2" if business else "1",
            tech_id=str(uuid.UUID(int=rng.getrandbits(128), version=4))
            if rng.random() < 0.4
            else "",
            email=email,
            phone=phone,
            summary=summary,
            delivery=delivery,
            received=received,
            due=due,
            events=events,
            clerk=rng.choice(pools.officials),
            officer=rng.choice(pools.officials),
            files=[
                {
                    "TepDinhKemId": str(file_id),
                    "TenTepDinhKem": rng.choice(_FILE_NAMES),
                    "IsDeleted": "False",
                    "MaThanhPhanHoSo": rng.choice(("", "TP01", "TP02", "TP03")),
                    "DuongDanTaiTepTin": f"https://{unit.host}/documents/{file_id}",
                }
                for file_id in (rng.randrange(10**6, 10**7) for _ in range(rng.randint(1, 3)))
            ],
            defect=defect,
        )
        self.stats.dossiers += 1
        if defect is not None:
            self.stats.defects[defect] += 1
        self._schedule(dossier, "2", received)

    def _office_moments(self, start: datetime, end: datetime, count: int) -> list[datetime]:
        """`count` sorted moments at least two minutes apart in office hours between the two."""
        spans: list[tuple[datetime, float]] = []
        day = start.date()
        while day <= end.date():
            if self.calendar.is_working_day(day):
                for begin, finish in _OFFICE:
                    low = max(datetime.combine(day, begin, VN_TZ), start)
                    high = min(datetime.combine(day, finish, VN_TZ), end)
                    if high > low:
                        spans.append((low, (high - low).total_seconds()))
            day += timedelta(days=1)
        total = sum(length for _, length in spans)
        gap = _MIN_GAP.total_seconds()
        usable = max(total - gap * count, 0.0)
        offsets = sorted(self.rng.random() * usable for _ in range(count))
        # The first step (processing starts) comes early; results take the rest of the time.
        offsets[0] *= 0.2
        moments = []
        for number, offset in enumerate(offsets):
            position = offset + gap * number
            for low, length in spans:
                if position < length:
                    moments.append((low + timedelta(seconds=int(position))).replace(microsecond=0))
                    break
                position -= length
            else:
                moments.append(end)
        return moments

    def _schedule(self, dossier: Dossier, status: str, event: datetime) -> None:
        delay = timedelta(seconds=self.rng.uniform(2, 45))  # OpenCPS publishes every 45 s
        if dossier.defect is Defect.LATE_SYNC and status == "10":
            delay = timedelta(hours=self.rng.uniform(2, 30))
        step = _Step(event + delay, next(self.seq), dossier, status, 0)
        heapq.heappush(self.heap, step)

    # -- one publish, message by message ------------------------------------------------------

    def _emit(self, step: _Step) -> Iterator[bytes]:
        dossier, status = step.dossier, step.status
        session = self.sessions[dossier.unit.code]
        stage = step.stage
        if stage == 0 and (session.expires is None or step.at >= session.expires):
            # The cached token is ten minutes old (or there is none yet): log in first.
            session.token = f"{self.rng.getrandbits(128):032x}"
            session.expires = step.at + LOGIN_EVERY
            yield self._login(dossier.unit, session.token, step.at)
        elif stage in (0, 1):
            yield self._tracuu(dossier, status, session.token, step.at)
            stage = 1
        elif stage == 2:
            yield self._laythutuc(dossier, session.token, step.at)
        elif stage == 3:
            yield self._dongbo(dossier, status, session.token, step.at)
        else:
            yield self._capnhat(dossier, status, session.token, step.at)
            self._next_status(dossier, status)
            return
        step.stage = stage + 1
        step.at += timedelta(seconds=self.rng.uniform(0.05, 0.4))
        step.seq = next(self.seq)
        heapq.heappush(self.heap, step)

    def _next_status(self, dossier: Dossier, status: str) -> None:
        index = STATUSES.index(status)
        if index + 1 == len(STATUSES):
            return
        following = STATUSES[index + 1]
        if following == "9" and dossier.defect is Defect.ILLEGAL_TRANSITION:
            following = "10"  # the clerk returned the result without closing the processing
        self._schedule(dossier, following, dossier.events[following])

    def _line(
        self,
        at: datetime,
        unit: SendingUnit,
        kind: str,
        path: str,
        body: dict[str, Any],
        response: Any,
        *,
        defective: bool = False,
    ) -> bytes:
        text = orjson.dumps(body).decode()
        entry = {
            "id": self.next_id,
            "received_at": at.isoformat(timespec="microseconds"),
            "unit": unit.code,
            "province": unit.province,
            "kind": kind,
            "method": "POST",
            "path": path,
            "headers": {
                "accept": "application/json",
                "content-type": "application/json",
                "charset": "utf-8",
                "dstcode": unit.dstcode,
                "user-agent": "Java/1.8.0_291",
                "host": "dichvucong.gov.vn",
                "connection": "keep-alive",
                "content-length": str(len(text.encode())),
            },
            "body": text,
            "status": 200,
            "response": response,
            "accepted": True,
            "fault": None,
            "findings": [],
        }
        self.next_id += 1
        line = orjson.dumps(entry) + b"\n"
        stats = self.stats
        stats.messages += 1
        stats.bytes += len(line)
        stats.kinds[kind] += 1
        if defective:
            stats.defective_messages += 1
        return line

    def _login(self, unit: SendingUnit, token: str, at: datetime) -> bytes:
        body = {"password": f"Dvc@{unit.dstcode}#2026", "username": f"lgsp.{unit.dstcode.lower()}"}
        return self._line(at, unit, "login", LOGIN_PATH, body, {"error_code": 0, "session": token})

    def _tracuu(self, dossier: Dossier, status: str, token: str, at: datetime) -> bytes:
        body = {
            "madonvi": dossier.unit.code,
            "session": token,
            "service": "TraCuuHoSo",
            "mahoso": dossier.code,
        }
        known = (
            []
            if status == "2"
            else [
                {
                    "MaHoSo": dossier.code,
                    "TrangThaiHoSo": _previous(status, dossier),
                    "MaTTHC": dossier.procedure.code,
                    "NgayTiepNhan": _wire(dossier.received),
                    "NgayHenTra": _wire(dossier.due),
                }
            ]
        )
        response = {"error_code": 0, "message": "Thành công", "result": known}
        return self._line(at, dossier.unit, "TraCuuHoSo", INTEGRATION_PATH, body, response)

    def _laythutuc(self, dossier: Dossier, token: str, at: datetime) -> bytes:
        code = dossier.procedure.code
        body = {
            "madonvi": dossier.unit.code,
            "session": token,
            "service": "LayThuTuc",
            "maTTHC": code,
        }
        response = self.procedure_answers.get(code) or _provincial_answer(dossier.procedure)
        return self._line(at, dossier.unit, "LayThuTuc", INTEGRATION_PATH, body, response)

    def _dongbo(self, dossier: Dossier, status: str, token: str, at: datetime) -> bytes:
        procedure = dossier.procedure
        processed = status in ("9", "10")
        returned = status == "10"
        item: dict[str, Any] = {
            "MaHoSo": dossier.code,
            "MaTTHC": procedure.code,
            "TenTTHC": procedure.name,
            "MaLinhVuc": procedure.sector_code,
            "TenLinhVuc": procedure.sector_name,
            "SoBienNhan": dossier.code.rsplit("-", 1)[-1],
            "ChuHoSo": dossier.applicant,
            "LoaiDoiTuong": dossier.applicant_type,
            "MaDoiTuong": dossier.tech_id,
            "ThongTinKhac": "",
            "Email": dossier.email,
            "Fax": dossier.phone,
            "SoDienThoai": dossier.phone,
            "TrichYeuHoSo": dossier.summary,
            "NgayTiepNhan": _wire(dossier.received),
            "NgayHenTra": _wire(dossier.due),
            "TrangThaiHoSo": status,
            "NgayTra": _wire(dossier.events["10"]) if returned else "",
            "ThongTinTra": dossier.delivery if returned else "",
            "HinhThuc": "0",
            "NgayKetThucXuLy": _wire(dossier.events["9"]) if processed else "",
            "DonViXuLy": dossier.agency_name,
            "GhiChu": "",
            "TaiLieuNop": dossier.files,
            "DanhSachLePhi": [],
            "DanhSachTepDinhKemKhac": [],
            "DanhSachHoSoBoSung": [],
            "DanhSachGiayToKetQua": (
                [
                    {
                        "TenGiayTo": f"Kết quả: {procedure.name}"[:120],
                        "MaThanhPhanHoSo": "KQ01",
                        "GiayToId": dossier.files[0]["TepDinhKemId"] + "9",
                        "DuongDanTepTinKetQua": (
                            f"https://{dossier.unit.host}/results/{dossier.files[0]['TepDinhKemId']}"
                        ),
                    }
                ]
                if returned
                else []
            ),
        }
        defect = dossier.defect
        defective = defect in (
            Defect.CODE_DATE,
            Defect.UNKNOWN_PROCEDURE,
            Defect.NFD_TEXT,
            Defect.BAD_PHONE,
        )
        if defect is Defect.ILLEGAL_TRANSITION and status == "10":
            defective = True
        if defect is Defect.LATE_SYNC and status == "10":
            defective = True
        if defect is Defect.WRONG_TYPE and status == "4":
            item["HinhThuc"] = 0  # a serialiser that writes numbers as numbers
            defective = True
        body = {
            "madonvi": dossier.unit.code,
            "data": [item],
            "session": token,
            "service": "DongBoHoSoMC",
            "isUpdating": "False" if status == "2" else "True",
        }
        response = {"error_code": 0, "message": "Thành công", "result": [{"MaHoSo": dossier.code}]}
        return self._line(
            at, dossier.unit, "DongBoHoSoMC", INTEGRATION_PATH, body, response, defective=defective
        )

    def _capnhat(self, dossier: Dossier, status: str, token: str, at: datetime) -> bytes:
        rng = self.rng
        officer = dossier.officer if status in ("4", "9") else dossier.clerk
        body = {
            "madonvi": dossier.unit.code,
            "data": [
                {
                    "MaHoSo": dossier.code,
                    "NguoiXuLy": officer,
                    "ChucDanh": "",
                    "ThoiDiemXuLy": _wire(dossier.events[status]),
                    "PhongBanXuLy": "",
                    "NoiDungXuLy": rng.choice(_NOTES[status]),
                    "TrangThai": status,
                    "NgayBatDau": "",
                    "NgayKetThucTheoQuyDinh": "",
                }
            ],
            "session": token,
            "service": "CapNhatTienDoHoSoMC",
        }
        response = {"error_code": 0, "message": "Thành công", "result": [{"MaHoSo": dossier.code}]}
        return self._line(at, dossier.unit, "CapNhatTienDoHoSoMC", INTEGRATION_PATH, body, response)


def _previous(status: str, dossier: Dossier) -> str:
    index = STATUSES.index(status)
    previous = STATUSES[index - 1]
    if previous == "9" and dossier.defect is Defect.ILLEGAL_TRANSITION:
        return "4"
    return previous


def _provincial_answer(procedure: ProcedureRef) -> dict[str, Any]:
    """What the portal answers for a procedure only the province's own catalogue knows."""
    return {
        "error_code": 0,
        "message": "Thành công",
        "result": [
            {
                "MATTHC": procedure.code,
                "TENTTHC": procedure.name,
                "LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": ""}],
            }
        ],
    }


def write_capture(
    path: Path,
    seed: int,
    *,
    messages: int | None = None,
    max_bytes: int | None = None,
    progress: Callable[[Stats], None] | None = None,
) -> Stats:
    """Stream a capture of `messages` lines (or up to `max_bytes`) to `path`; what was written."""
    if messages is None and max_bytes is None:
        raise ValueError("give messages or max_bytes")
    generator = TrafficGenerator(seed)
    stats = generator.stats
    buffer: list[bytes] = []
    with path.open("wb") as out:
        for line in generator.lines():
            buffer.append(line)
            if len(buffer) >= 4096:
                out.write(b"".join(buffer))
                buffer.clear()
                if progress is not None:
                    progress(stats)
            if (messages is not None and stats.messages >= messages) or (
                max_bytes is not None and stats.bytes >= max_bytes
            ):
                break
        out.write(b"".join(buffer))
    return stats


def sample(seed: int, count: int) -> Sequence[bytes]:
    """The first `count` lines, in memory (for tests and quick looks)."""
    return list(itertools.islice(TrafficGenerator(seed).lines(), count))
