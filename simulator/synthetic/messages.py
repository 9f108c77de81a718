"""The bodies a province sends for one publish of a dossier, exactly as OpenCPS writes them.

A publish (domain.md §3a) is `TraCuuHoSo` → `LayThuTuc` → `DongBoHoSoMC` (isUpdating "False"
the first time, "True" once the portal has the dossier) → `CapNhatTienDoHoSoMC` with the same
status, only if the DongBoHoSoMC succeeded. Every scalar is a string, `data` is an array, keys
come in Java HashMap order, and `TenTTHC`/`MaLinhVuc`/`TenLinhVuc` are what LayThuTuc answered
("" for the sector, and the province's own name, when it did not).

Planted faults that live in the bodies are applied here: decomposed Unicode in the applicant's
name and the summary (NFD), and a status written as a JSON number in one progress update. The
others (codes, procedure codes, phones, skipped statuses, timing) are already in the plan.

`stamps[k]` is when step k happened as the wire says it: the plan's simulated times for
offline traffic, the moment of sending for a live province.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulator.domain import VN_TZ, Catalogue
from simulator.synthetic.faults import Fault
from simulator.synthetic.lifecycle import DossierPlan

__all__ = [
    "ProcedureNames",
    "cap_nhat_tien_do",
    "dong_bo_ho_so",
    "lay_thu_tuc",
    "names_from_answer",
    "names_from_catalogue",
    "tra_cuu_ho_so",
    "wire_time",
]


@dataclass(frozen=True, slots=True)
class ProcedureNames:
    """What LayThuTuc gave the province: `TenTTHC`, `MaLinhVuc`, `TenLinhVuc`."""

    name: str
    sector_code: str
    sector_name: str


def wire_time(moment: datetime) -> str:
    """`yyyyMMddHHmmss` in Vietnam time."""
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def names_from_catalogue(plan: DossierPlan, catalogue: Catalogue) -> ProcedureNames:
    """What the portal's LayThuTuc answers for the plan's lookup code (offline traffic)."""
    ref = catalogue.procedure(plan.lookup)
    if ref is None:
        return ProcedureNames(plan.local_name, "", "")
    return ProcedureNames(ref.name, ref.sector_code, ref.sector_name)


def names_from_answer(plan: DossierPlan, answer: Any) -> ProcedureNames:
    """Read a LayThuTuc answer as OpenCPS does (`result[0].TENTTHC`, `LINHVUCTHUCHIEN[0]`);
    when it has no record, the province's own name and an empty sector."""
    result = answer.get("result") if isinstance(answer, dict) else None
    record = result[0] if isinstance(result, list) and result else None
    sectors = record.get("LINHVUCTHUCHIEN") if isinstance(record, dict) else None
    sector = sectors[0] if isinstance(sectors, list) and sectors else None
    if not isinstance(record, dict) or not isinstance(sector, dict):
        return ProcedureNames(plan.local_name, "", "")
    return ProcedureNames(
        str(record.get("TENTTHC", "")),
        str(sector.get("MALINHVUC", "")),
        str(sector.get("TENLINHVUC", "")),
    )


def tra_cuu_ho_so(plan: DossierPlan, session: str) -> dict[str, Any]:
    return {"madonvi": plan.unit, "session": session, "service": "TraCuuHoSo", "mahoso": plan.code}


def lay_thu_tuc(plan: DossierPlan, session: str) -> dict[str, Any]:
    return {"madonvi": plan.unit, "session": session, "service": "LayThuTuc", "maTTHC": plan.lookup}


def _text(plan: DossierPlan, value: str) -> str:
    return unicodedata.normalize("NFD", value) if Fault.NFD_TEXT in plan.faults else value


def _stamp_of(plan: DossierPlan, stamps: Sequence[datetime], status: str) -> str:
    for step, stamp in zip(plan.steps, stamps, strict=False):
        if step.status == status:
            return wire_time(stamp)
    return ""


def dong_bo_ho_so(
    plan: DossierPlan,
    step: int,
    stamps: Sequence[datetime],
    session: str,
    *,
    known: bool,
    names: ProcedureNames,
) -> dict[str, Any]:
    """The DongBoHoSoMC of step `step`; `known`: TraCuuHoSo found the dossier."""
    status = plan.steps[step].status
    returned = status == "10"
    applicant = plan.applicant
    host = plan.files[0]["DuongDanTaiTepTin"].split("/documents/", 1)[0]
    first_file = plan.files[0]["TepDinhKemId"]
    item = {
        "MaHoSo": plan.code,
        "MaTTHC": plan.procedure,
        "TenTTHC": names.name,
        "MaLinhVuc": names.sector_code,
        "TenLinhVuc": names.sector_name,
        "SoBienNhan": plan.code.rsplit("-", 1)[-1],
        "ChuHoSo": _text(plan, applicant.name),
        "LoaiDoiTuong": applicant.kind,
        "MaDoiTuong": applicant.subject,
        "ThongTinKhac": "",
        "Email": applicant.email,
        "Fax": applicant.phone,
        "SoDienThoai": applicant.phone,
        "TrichYeuHoSo": _text(plan, plan.summary),
        "NgayTiepNhan": wire_time(stamps[0]),
        "NgayHenTra": wire_time(plan.due),
        "TrangThaiHoSo": status,
        "NgayTra": wire_time(stamps[step]) if returned else "",
        "ThongTinTra": plan.delivery if returned else "",
        "HinhThuc": "0",
        "NgayKetThucXuLy": _stamp_of(plan, stamps[: step + 1], "9"),
        "DonViXuLy": plan.agency_name,
        "GhiChu": "",
        "TaiLieuNop": [dict(file) for file in plan.files],
        "DanhSachLePhi": [],
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": (
            [
                {
                    "TenGiayTo": f"Kết quả: {names.name}"[:120],
                    "MaThanhPhanHoSo": "KQ01",
                    "GiayToId": f"{first_file}9",
                    "DuongDanTepTinKetQua": f"{host}/results/{first_file}",
                }
            ]
            if returned
            else []
        ),
    }
    return {
        "madonvi": plan.unit,
        "data": [item],
        "session": session,
        "service": "DongBoHoSoMC",
        "isUpdating": "True" if known else "False",
    }


def cap_nhat_tien_do(plan: DossierPlan, step: int, stamp: datetime, session: str) -> dict[str, Any]:
    """The CapNhatTienDoHoSoMC of step `step`, happened at `stamp`."""
    current = plan.steps[step]
    status: str | int = int(current.status) if current.wrong_type else current.status
    return {
        "madonvi": plan.unit,
        "data": [
            {
                "MaHoSo": plan.code,
                "NguoiXuLy": current.officer,
                "ChucDanh": "",
                "ThoiDiemXuLy": wire_time(stamp),
                "PhongBanXuLy": "",
                "NoiDungXuLy": current.note,
                "TrangThai": status,
                "NgayBatDau": "",
                "NgayKetThucTheoQuyDinh": "",
            }
        ],
        "session": session,
        "service": "CapNhatTienDoHoSoMC",
    }
