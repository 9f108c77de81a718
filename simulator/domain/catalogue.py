"""The procedure catalogue (CSDL quốc gia về TTHC), as the mock portal serves it and rules read it.

Records are kept in the `LayThuTuc` `result[0]` format (domain.md §3) plus `MATTHC`, so the
portal can hand them out unchanged. The bundled `data/procedures.json` holds the real codes of
domain.md §2.2 and some fifty realistic others; a record's `verified` flag (metadata, stripped
from what `record` returns) says whether code and name are confirmed, and `note` says where the
rest came from. Sector codes other than G03-GD06/GD09/GD10 are placeholders of the same shape.

`procedure(code)` is on the hot path of every dossier message: it is a dict lookup of a
`ProcedureRef` computed at load time.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from contracts._context import ProcedureRef

__all__ = [
    "WORKING_DAY_UNITS",
    "Catalogue",
    "bundled_catalogue",
    "load_catalogue",
    "procedure_ref",
]

_CODE_RE = re.compile(r"[0-9]\.[0-9]{6}")
#: Keys of a bundled entry that are our metadata, not part of the LayThuTuc record.
_METADATA_KEYS = frozenset({"verified", "note"})
#: `DONVITINH` values meaning working days (compared case-insensitively).
WORKING_DAY_UNITS = frozenset({"ngày làm việc"})
_ONLINE_CHANNEL = "2"


def _number(value: object) -> float | None:
    """A number written as JSON number or as text ("3", "0,5", "1.5"); None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        try:
            return float(text) if text else None
        except ValueError:
            return None
    return None


def _first_timing(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    channels = record.get("CACHTHUCTHUCHIEN")
    if not isinstance(channels, list):
        return None
    usable = [c for c in channels if isinstance(c, dict) and isinstance(c.get("THOIGIAN"), list)]
    online = [c for c in usable if str(c.get("KENH", "")).strip() == _ONLINE_CHANNEL]
    for channel in online + usable:
        for timing in channel["THOIGIAN"]:
            if isinstance(timing, dict):
                return timing
    return None


def procedure_ref(record: Mapping[str, Any]) -> ProcedureRef:
    """What the rules read of one record.

    Processing time and fees come from the online channel (`KENH` "2") if there is one, else
    the first channel, and its first `THOIGIAN` entry. `processing_days` is the
    `THOIGIANGIAIQUYET` when `DONVITINH` is "Ngày làm việc"; any unit with value 0 means "within
    the day" and gives 0; other units (calendar days, hours, "theo kế hoạch") give None.
    `fee_total` sums `PHILEPHI[].SOTIEN`, None when there are none or they sum to 0.
    """
    sectors = record.get("LINHVUCTHUCHIEN")
    first = sectors[0] if isinstance(sectors, list) and sectors else None
    sector: Mapping[str, Any] = first if isinstance(first, dict) else {}
    days: float | None = None
    fee_total: int | None = None
    timing = _first_timing(record)
    if timing is not None:
        value = _number(timing.get("THOIGIANGIAIQUYET"))
        unit = str(timing.get("DONVITINH", "")).strip().casefold()
        if value is not None and (value == 0 or unit in WORKING_DAY_UNITS):
            days = value
        fees = timing.get("PHILEPHI")
        if isinstance(fees, list):
            total = 0.0
            for fee in fees:
                amount = _number(fee.get("SOTIEN")) if isinstance(fee, dict) else None
                total += amount or 0.0
            fee_total = round(total) or None
    return ProcedureRef(
        code=str(record.get("MATTHC", "")),
        name=str(record.get("TENTTHC", "")),
        sector_code=str(sector.get("MALINHVUC", "")),
        sector_name=str(sector.get("TENLINHVUC", "")),
        processing_days=days,
        fee_total=fee_total,
    )


class Catalogue:
    """Procedures by code; implements `contracts.ProcedureCatalogue`."""

    def __init__(self, entries: Iterable[Mapping[str, Any]]) -> None:
        self._records: dict[str, dict[str, Any]] = {}
        self._json: dict[str, str] = {}
        self._refs: dict[str, ProcedureRef] = {}
        self._verified: dict[str, bool] = {}
        for entry in entries:
            record = {k: v for k, v in entry.items() if k not in _METADATA_KEYS}
            code = str(record["MATTHC"])
            self._records[code] = record
            self._json[code] = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
            self._refs[code] = procedure_ref(record)
            self._verified[code] = entry.get("verified") is True

    def procedure(self, code: str) -> ProcedureRef | None:
        """What the rules need of procedure `code` (MaTTHC `d.dddddd`), None if unknown."""
        return self._refs.get(code)

    def record(self, code: str) -> dict[str, Any] | None:
        """A copy of the raw `LayThuTuc` record of `code`, as the portal serves it."""
        record = self._records.get(code)
        return None if record is None else copy.deepcopy(record)

    def record_json(self, code: str) -> str | None:
        """The record as compact UTF-8 JSON text, precomputed for serving without copying."""
        return self._json.get(code)

    def is_verified(self, code: str) -> bool:
        """True when code and name of `code` are confirmed against a source."""
        return self._verified.get(code, False)

    def codes(self) -> list[str]:
        """Every procedure code, sorted."""
        return sorted(self._records)

    def sectors(self) -> list[tuple[str, str]]:
        """Every (MALINHVUC, TENLINHVUC) pair used by a record, sorted by code."""
        found: dict[str, str] = {}
        for ref in self._refs.values():
            found.setdefault(ref.sector_code, ref.sector_name)
        return sorted(found.items())

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, code: object) -> bool:
        return code in self._records


def _check_entry(entry: object, where: str) -> str:
    """The code of one entry, or ValueError saying what is wrong with it."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected an object")
    code = entry.get("MATTHC")
    if not isinstance(code, str) or _CODE_RE.fullmatch(code) is None:
        raise ValueError(f"{where}: MATTHC {code!r} is not a procedure code like 2.000815")
    name = entry.get("TENTTHC")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where} ({code}): TENTTHC must be a non-empty string")
    sectors = entry.get("LINHVUCTHUCHIEN")
    # Real clients read LINHVUCTHUCHIEN[0] unguarded (domain.md §3a): an empty list crashes them.
    if (
        not isinstance(sectors, list)
        or not sectors
        or not isinstance(sectors[0], dict)
        or not sectors[0].get("MALINHVUC")
        or not sectors[0].get("TENLINHVUC")
    ):
        raise ValueError(f"{where} ({code}): LINHVUCTHUCHIEN needs MALINHVUC and TENLINHVUC")
    channels = entry.get("CACHTHUCTHUCHIEN", [])
    if not isinstance(channels, list):
        raise ValueError(f"{where} ({code}): CACHTHUCTHUCHIEN must be a list")
    return code


def _parse(document: object, source: str) -> Catalogue:
    rows = document.get("procedures") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise ValueError(f"{source}: expected an object with a 'procedures' list")
    seen: set[str] = set()
    for index, entry in enumerate(rows):
        code = _check_entry(entry, f"{source}: procedures[{index}]")
        if code in seen:
            raise ValueError(f"{source}: procedures[{index}]: duplicate MATTHC {code}")
        seen.add(code)
    return Catalogue(rows)


def load_catalogue(path: str | Path) -> Catalogue:
    """A catalogue read from a JSON file in the format of the bundled `data/procedures.json`.

    A bare list of records is accepted too. Raises ValueError naming the file and the problem
    when it is missing or malformed.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{path}: cannot read catalogue ({error.strerror or error})") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from error
    return _parse(document, str(path))


@cache
def bundled_catalogue() -> Catalogue:
    """The catalogue shipped with portalsim (read once)."""
    resource = resources.files("simulator.domain") / "data" / "procedures.json"
    return _parse(json.loads(resource.read_text(encoding="utf-8")), "bundled procedures.json")
