"""Answers of the catalogue services, served from the catalogue and agency registry in use."""

from __future__ import annotations

from typing import Any

from contracts import MessageKind
from contracts.identifiers import parse_agency_code
from mock_portal._portal import Domain


def catalogue_result(domain: Domain, kind: MessageKind, body: dict[str, Any], unit: str) -> Any:
    """The `result` of a catalogue call, or None when the thing asked for does not exist."""
    catalogue = domain.catalogue
    if kind is MessageKind.LAY_THU_TUC:
        code = body.get("maTTHC")
        record = catalogue.record(code) if isinstance(code, str) else None
        return None if record is None else [record]
    if kind is MessageKind.LAY_DANH_SACH_TTHC:
        result = []
        for code in catalogue.codes():
            ref = catalogue.procedure(code)
            assert ref is not None
            result.append(
                {
                    "MATTHC": ref.code,
                    "TENTTHC": ref.name,
                    "MALINHVUC": ref.sector_code,
                    "TENLINHVUC": ref.sector_name,
                }
            )
        return result
    if kind is MessageKind.LAY_DANH_MUC_LINH_VUC:
        return [{"MALINHVUC": code, "TENLINHVUC": name} for code, name in catalogue.sectors()]
    if kind is MessageKind.LAY_DANH_MUC_CO_QUAN:
        province = _level1(unit)
        return [
            {
                "MADONVI": agency.code,
                "TENDONVI": agency.name,
                "MADONVICHA": domain.agencies.parent(agency.code) or "",
            }
            for agency in domain.agencies
            if _level1(agency.code) == province
        ]
    if kind is MessageKind.LAY_DVC:
        province = _level1(unit)
        items = []
        for code in catalogue.codes():
            ref = catalogue.procedure(code)
            assert ref is not None
            items.append(
                {
                    "MADVC": f"{code}.000.00.00.{province}",
                    "TENDVC": ref.name,
                    "MATTHC": code,
                    "TENTTHC": ref.name,
                    "TENCOQUANBANHANH": "",
                    "TENLINHVUC": ref.sector_name,
                    "APDUNGDVC": [],
                }
            )
        return {"data": items}
    raise ValueError(f"{kind} is not a catalogue service")


def _level1(code: str) -> str:
    parsed = parse_agency_code(code)
    return parsed.level1 if parsed is not None else ""
