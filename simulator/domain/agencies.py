"""The agency-code registry (QCVN 102:2016/BTTTT): which `madonvi` / dossier-code units exist.

No national list is public, so the bundled `data/agencies.json` is a plausible stand-in: the
people's committee `000.00.00.Hxx` of every former and current province, a set of departments
(`000.00.01` … `000.00.13`) and a few communes (`000.00.31` …) for each of the 34 current units,
and the real codes observed in traffic (domain.md), which alone carry `verified: true`. Operators
with a real list load it with `load_agencies(path)` (same format).

`is_known` runs on every message, so it is a set lookup; the tree (`parent`, `children`) is
built once at load time from the structural ancestry of `contracts.identifiers`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from contracts.identifiers import agency_parents, parse_agency_code

__all__ = ["Agency", "AgencyDirectory", "bundled_agencies", "load_agencies"]


@dataclass(frozen=True, slots=True)
class Agency:
    """One registered unit."""

    code: str
    name: str
    verified: bool = False
    note: str = ""


class AgencyDirectory:
    """A registry of agency codes; implements `contracts.AgencyRegistry`."""

    def __init__(self, agencies: Iterable[Agency]) -> None:
        self._agencies: dict[str, Agency] = {}
        for agency in agencies:
            if agency.code in self._agencies:
                raise ValueError(f"duplicate agency code {agency.code}")
            self._agencies[agency.code] = agency
        self._codes: frozenset[str] = frozenset(self._agencies)
        self._parent: dict[str, str | None] = {}
        self._children: dict[str, list[str]] = {code: [] for code in self._agencies}
        for code in sorted(self._agencies):
            parent = next((p for p in agency_parents(code) if p in self._codes), None)
            self._parent[code] = parent
            if parent is not None:
                self._children[parent].append(code)

    def is_known(self, code: str) -> bool:
        """True when `code` is a registered unit (a set lookup)."""
        return code in self._codes

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __len__(self) -> int:
        return len(self._agencies)

    def __iter__(self) -> Iterator[Agency]:
        """The units in code order."""
        return iter(self._agencies[code] for code in sorted(self._agencies))

    def get(self, code: str) -> Agency | None:
        """The unit registered under `code`, if any."""
        return self._agencies.get(code)

    def name(self, code: str) -> str | None:
        """The registered name of `code`, if any."""
        agency = self._agencies.get(code)
        return None if agency is None else agency.name

    def parent(self, code: str) -> str | None:
        """The nearest registered structural ancestor of a registered `code`."""
        return self._parent.get(code)

    def children(self, code: str) -> list[str]:
        """Registered units whose nearest registered ancestor is `code`, in code order."""
        return list(self._children.get(code, ()))

    def province_units(self, level1: str) -> list[str]:
        """Every registered code under the level-1 code `level1` (e.g. "H56"), in code order."""
        suffix = f".{level1}"
        return sorted(code for code in self._codes if code.endswith(suffix))


def _parse(document: object, source: str) -> AgencyDirectory:
    rows = document.get("agencies") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise ValueError(f"{source}: expected an object with an 'agencies' list")
    agencies: list[Agency] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        where = f"{source}: agencies[{index}]"
        if not isinstance(row, dict):
            raise ValueError(f"{where}: expected an object")
        code, name = row.get("code"), row.get("name")
        if not isinstance(code, str) or parse_agency_code(code) is None:
            raise ValueError(f"{where}: {code!r} is not a QCVN 102 code like 000.00.00.H26")
        if code in seen:
            raise ValueError(f"{where}: duplicate code {code}")
        seen.add(code)
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: 'name' must be a non-empty string")
        if not unicodedata.is_normalized("NFC", name):
            raise ValueError(f"{where}: name of {code} is not in Unicode NFC")
        note = row.get("note", "")
        agencies.append(
            Agency(code, name, row.get("verified") is True, note if isinstance(note, str) else "")
        )
    return AgencyDirectory(agencies)


def load_agencies(path: str | Path) -> AgencyDirectory:
    """A registry read from a JSON file in the format of the bundled `data/agencies.json`.

    Raises ValueError naming the file and the problem when it is missing or malformed.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{path}: cannot read agency file ({error.strerror or error})") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from error
    return _parse(document, str(path))


@cache
def bundled_agencies() -> AgencyDirectory:
    """The registry shipped with portalsim (read once)."""
    resource = resources.files("simulator.domain") / "data" / "agencies.json"
    return _parse(json.loads(resource.read_text(encoding="utf-8")), "bundled agencies.json")
