"""The bundled agency-code registry and replacement files."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from contracts import AgencyRegistry
from contracts.identifiers import parse_agency_code
from simulator.domain.agencies import AgencyDirectory, bundled_agencies, load_agencies
from simulator.domain.provinces import FORMER_PROVINCES, PROVINCES_2025, FormerProvince

REAL_CODES = ["000.00.01.H22", "000.17.22.H56", "000.00.14.H56", "000.A0.01.H26",
              "000.00.22.H56", "000.00.00.H30"]  # fmt: skip


def test_registry_satisfies_the_protocol() -> None:
    """The directory is usable wherever the rules expect an `AgencyRegistry`."""
    registry: AgencyRegistry = bundled_agencies()
    assert registry.is_known("000.00.00.H56")


@pytest.mark.parametrize("province", FORMER_PROVINCES, ids=lambda p: p.agency_code)
def test_every_province_committee_is_known(province: FormerProvince) -> None:
    """`000.00.00.Hxx` is registered for every former province code."""
    code = f"000.00.00.{province.agency_code}"
    assert bundled_agencies().is_known(code)
    name = bundled_agencies().name(code)
    assert name is not None
    assert name.startswith("UBND ")


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_known_and_verified(code: str) -> None:
    """Every real code of domain.md is registered and flagged verified."""
    agency = bundled_agencies().get(code)
    assert agency is not None
    assert agency.verified


def test_hau_giang_committee_has_its_verified_name() -> None:
    """`000.00.00.H30` is "UBND tỉnh Hậu Giang" (domain.md §2.1)."""
    assert bundled_agencies().name("000.00.00.H30") == "UBND tỉnh Hậu Giang"


def test_only_real_codes_are_verified() -> None:
    """Invented units are never marked verified."""
    verified = {a.code for a in bundled_agencies() if a.verified}
    assert verified == set(REAL_CODES)


def test_current_units_have_departments_and_communes() -> None:
    """Each of the 34 units has departments; several have commune-level units too."""
    registry = bundled_agencies()
    with_communes = 0
    for unit in PROVINCES_2025:
        units = registry.province_units(unit.agency_code)
        assert f"000.00.03.{unit.agency_code}" in units  # Sở Tư pháp
        assert len(units) >= 10
        names = [registry.name(code) or "" for code in units]
        with_communes += any(name.startswith(("UBND xã", "UBND phường")) for name in names)
    assert with_communes >= 5


@pytest.mark.parametrize("code", ["000.00.00.H64", "000.99.99.H56", "", "000.00.00.h56", "H56"])
def test_unknown_codes(code: str) -> None:
    """Unregistered or malformed codes are not known."""
    assert not bundled_agencies().is_known(code)
    assert bundled_agencies().name(code) is None


def test_tree_follows_structural_ancestry() -> None:
    """Parents and children come from zeroing segments, skipping unregistered levels."""
    registry = bundled_agencies()
    assert registry.parent("000.17.22.H56") == "000.00.22.H56"
    assert registry.parent("000.00.22.H56") == "000.00.00.H56"
    assert registry.parent("000.00.00.H56") is None
    assert registry.children("000.00.22.H56") == ["000.17.22.H56"]
    assert "000.00.22.H56" in registry.children("000.00.00.H56")
    assert "000.17.22.H56" not in registry.children("000.00.00.H56")


def test_every_entry_is_well_formed() -> None:
    """Codes parse, level 1 is a known province code, names are NFC."""
    province_codes = {p.agency_code for p in FORMER_PROVINCES}
    registry = bundled_agencies()
    for agency in registry:
        parsed = parse_agency_code(agency.code)
        assert parsed is not None
        assert parsed.level1 in province_codes
        assert unicodedata.is_normalized("NFC", agency.name)
    assert len(registry) == len(list(registry)) > 500


def test_iteration_is_in_code_order() -> None:
    """Iterating yields the units sorted by code."""
    codes = [a.code for a in bundled_agencies()]
    assert codes == sorted(codes)


def test_load_agencies_reads_a_replacement_file(tmp_path: Path) -> None:
    """A small file in the bundled format replaces the registry."""
    path = tmp_path / "agencies.json"
    rows = [{"code": "000.00.00.H99", "name": "UBND tỉnh Thử"},
            {"code": "000.00.01.H99", "name": "Sở Thử", "verified": True}]  # fmt: skip
    path.write_text(json.dumps({"agencies": rows}, ensure_ascii=False), encoding="utf-8")
    registry = load_agencies(path)
    assert isinstance(registry, AgencyDirectory)
    assert registry.is_known("000.00.01.H99")
    assert not registry.is_known("000.00.00.H56")
    assert registry.children("000.00.00.H99") == ["000.00.01.H99"]


def test_load_agencies_missing_file_names_it(tmp_path: Path) -> None:
    """A missing file is a ValueError naming the file."""
    with pytest.raises(ValueError, match=r"missing\.json"):
        load_agencies(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "JSON"),
        ('{"agencies": {}}', "agencies"),
        ('{"agencies": [{"code": "H56", "name": "x"}]}', "QCVN 102"),
        ('{"agencies": [{"code": "000.00.00.H56", "name": ""}]}', "name"),
        ('{"agencies": [{"code": "000.00.00.H56", "name": "a"}, '
         '{"code": "000.00.00.H56", "name": "b"}]}', "duplicate"),
        ('{"agencies": [{"code": "000.00.00.H56", "name": "Ho\\u0300a"}]}', "NFC"),
    ],
)  # fmt: skip
def test_load_agencies_rejects_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    """Malformed files are ValueErrors naming the file and the problem."""
    path = tmp_path / "agencies.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        load_agencies(path)
    assert "agencies.json" in str(raised.value)
