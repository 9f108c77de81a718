"""Province data: the 34 units since 1 July 2025, the former 63, the merge map and Hxx codes."""

from __future__ import annotations

import json
import shutil
import unicodedata
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from contracts.identifiers import FORMER_PROVINCE_ID_CODES
from simulator.domain.provinces import (
    CENTRAL_CITY,
    FORMER_GSO_CODES,
    FORMER_PROVINCES,
    PROVINCE,
    PROVINCES_2025,
    former_province,
    load_provinces,
    province_by_code,
    province_of_agency,
    successor,
)

#: domain.md §8.1, transcribed independently of the data file: new code -> merged old codes.
MERGE_TABLE = {
    "01": {"01"}, "04": {"04"}, "08": {"08", "02"}, "11": {"11"}, "12": {"12"}, "14": {"14"},
    "15": {"10", "15"}, "19": {"19", "06"}, "20": {"20"}, "22": {"22"}, "24": {"27", "24"},
    "25": {"25", "26", "17"}, "31": {"31", "30"}, "33": {"33", "34"}, "37": {"37", "35", "36"},
    "38": {"38"}, "40": {"40"}, "42": {"42"}, "44": {"45", "44"}, "46": {"46"},
    "48": {"48", "49"}, "51": {"51", "62"}, "52": {"64", "52"}, "56": {"56", "58"},
    "66": {"66", "54"}, "68": {"68", "67", "60"}, "75": {"75", "70"}, "79": {"79", "74", "77"},
    "80": {"72", "80"}, "82": {"87", "82"}, "86": {"86", "83", "84"}, "91": {"89", "91"},
    "92": {"92", "94", "93"}, "96": {"96", "95"},
}  # fmt: skip

#: Hxx codes seen in real traffic (domain.md §2.1; H27 from a public Hà Tĩnh client) and the
#: anchors of the alphabetical inference.
KNOWN_HXX = {
    "H01": "An Giang",
    "H21": "Gia Lai",
    "H22": "Hà Giang",
    "H26": "Hà Nội",
    "H27": "Hà Tĩnh",
    "H29": "Thành phố Hồ Chí Minh",
    "H30": "Hậu Giang",
    "H38": "Lào Cai",
    "H55": "Thái Nguyên",
    "H56": "Thanh Hóa",
    "H63": "Yên Bái",
}


def test_there_are_34_units_and_63_former_provinces() -> None:
    """Resolution 202/2025/QH15 left 34 units out of the former 63."""
    assert len(PROVINCES_2025) == 34
    assert len(FORMER_PROVINCES) == 63
    assert len({p.code for p in PROVINCES_2025}) == 34


def test_merge_map_matches_domain_table() -> None:
    """Each unit's merged-from list is the one of domain.md §8.1."""
    assert {p.code: set(p.merged_from) for p in PROVINCES_2025} == MERGE_TABLE


def test_every_old_code_maps_to_exactly_one_unit() -> None:
    """The merged-from lists partition the former 63 codes, consistently with `successor`."""
    owners: dict[str, list[str]] = {}
    for unit in PROVINCES_2025:
        for old_code in unit.merged_from:
            owners.setdefault(old_code, []).append(unit.code)
    assert set(owners) == FORMER_GSO_CODES
    assert all(len(units) == 1 for units in owners.values())
    for old in FORMER_PROVINCES:
        found = successor(old.code)
        assert found is not None
        assert found.code == owners[old.code][0] == old.successor


def test_units_keep_a_code_of_their_own_merge() -> None:
    """A merged unit keeps the GSO code of one of the provinces it was merged from."""
    assert all(unit.code in unit.merged_from for unit in PROVINCES_2025)


def test_former_codes_agree_with_citizen_id_table() -> None:
    """The province registry and the citizen-ID validator know the same 63 codes."""
    assert {f"{int(code):03d}" for code in FORMER_GSO_CODES} == FORMER_PROVINCE_ID_CODES


def test_hxx_codes_run_from_h01_to_h63() -> None:
    """Every former province has its own code, H01 to H63 in list order."""
    assert [p.agency_code for p in FORMER_PROVINCES] == [f"H{i:02d}" for i in range(1, 64)]


@pytest.mark.parametrize(("code", "name"), sorted(KNOWN_HXX.items()))
def test_known_hxx_codes_come_out_right(code: str, name: str) -> None:
    """The codes observed in real traffic and the inference anchors land on the right province."""
    former = former_province(code)
    assert former is not None
    assert former.name == name


def test_only_observed_codes_are_marked_verified() -> None:
    """`agency_code_verified` is set exactly for the codes seen in real traffic."""
    verified = {p.agency_code for p in FORMER_PROVINCES if p.agency_code_verified}
    assert verified == {"H22", "H26", "H27", "H29", "H30", "H38", "H55", "H56"}


def test_new_units_use_the_hxx_of_the_code_they_kept() -> None:
    """Assumption: a unit's Hxx is that of the former province whose GSO code it kept."""
    for unit in PROVINCES_2025:
        own = former_province(unit.code)
        assert own is not None
        assert unit.agency_code == own.agency_code
        assert unit.agency_code_verified == own.agency_code_verified
    assert province_by_code("15") == province_by_code("H63")  # Lào Cai kept Yên Bái's code


def test_all_names_are_nfc() -> None:
    """Every Vietnamese name is stored in Unicode NFC."""
    names = [p.name for p in PROVINCES_2025] + [p.name for p in FORMER_PROVINCES]
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    ascii_names = [p.name_ascii for p in PROVINCES_2025] + [p.name_ascii for p in FORMER_PROVINCES]
    assert all(name.isascii() for name in ascii_names)


@pytest.mark.parametrize(
    "name",
    ["Thừa Thiên Huế", "Bà Rịa – Vũng Tàu", "Đắk Lắk", "Đắk Nông", "Khánh Hòa", "Thanh Hóa",
     "Hòa Bình", "Bắc Kạn", "Thành phố Hồ Chí Minh"],
)  # fmt: skip
def test_spellings_are_byte_exact(name: str) -> None:
    """Names with tricky diacritics are spelt exactly (NFC bytes, old-style tone placement)."""
    nfc = unicodedata.normalize("NFC", name)
    assert nfc in {p.name for p in FORMER_PROVINCES}
    assert name.encode() == nfc.encode()


def test_six_centrally_run_cities() -> None:
    """Hà Nội, Huế, Hải Phòng, Đà Nẵng, TP.HCM and Cần Thơ are cities; the rest provinces."""
    cities = {p.name for p in PROVINCES_2025 if p.kind == CENTRAL_CITY}
    assert cities == {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Thành phố Hồ Chí Minh", "Cần Thơ"}
    assert sum(p.kind == PROVINCE for p in PROVINCES_2025) == 28


@pytest.mark.parametrize(
    ("code", "before", "on"),
    [("22", date(2026, 8, 31), date(2026, 9, 1)), ("24", date(2026, 9, 19), date(2026, 9, 20))],
)
def test_2026_city_upgrades_are_dated(code: str, before: date, on: date) -> None:
    """Quảng Ninh and Bắc Ninh become centrally run cities on their resolutions' dates."""
    unit = province_by_code(code)
    assert unit is not None
    assert unit.kind_on(before) == PROVINCE
    assert unit.kind_on(on) == CENTRAL_CITY
    assert unit.full_name(before).startswith("tỉnh ")
    assert unit.full_name(on).startswith("thành phố ")


def test_full_names() -> None:
    """Full names carry the kind; TP.HCM's name already does."""
    hanoi, hcm, thanh_hoa = (province_by_code(c) for c in ("01", "79", "38"))
    assert hanoi is not None
    assert hcm is not None
    assert thanh_hoa is not None
    assert hanoi.full_name() == "thành phố Hà Nội"
    assert hcm.full_name() == "Thành phố Hồ Chí Minh"
    assert thanh_hoa.people_committee == "UBND tỉnh Thanh Hóa"
    assert thanh_hoa.province_agency == "000.00.00.H56"


@pytest.mark.parametrize("code", ["1", "01", "001", " 01 ", "H26", "h26"])
def test_lookup_accepts_gso_and_hxx_forms(code: str) -> None:
    """GSO codes with or without padding and own Hxx codes find the unit."""
    unit = province_by_code(code)
    assert unit is not None
    assert unit.name == "Hà Nội"


@pytest.mark.parametrize("code", ["02", "H22", "99", "H64", "", "abc"])
def test_lookup_of_non_units_is_none(code: str) -> None:
    """Merged-away and unknown codes are not current units."""
    assert province_by_code(code) is None


@pytest.mark.parametrize(
    ("agency", "unit"),
    [
        ("000.17.22.H56", "38"),
        ("000.00.01.H22", "08"),
        ("000.A0.01.H26", "01"),
        ("000.00.00.H30", "92"),
        ("000.00.00.H38", "15"),
        ("000.00.00.H63", "15"),
        ("H29", "79"),
    ],
)
def test_province_of_agency(agency: str, unit: str) -> None:
    """An agency code belongs to the current unit of its level-1 province code."""
    found = province_of_agency(agency)
    assert found is not None
    assert found.code == unit


@pytest.mark.parametrize("agency", ["000.00.00.G09", "000.00.00.H99", "garbage", ""])
def test_province_of_non_provincial_agency_is_none(agency: str) -> None:
    """Central agencies, unknown provinces and garbage have no province."""
    assert province_of_agency(agency) is None


def _bundled_copy(tmp_path: Path) -> Path:
    target = tmp_path / "provinces.json"
    source = resources.files("simulator.domain") / "data" / "provinces.json"
    with resources.as_file(source) as path:
        shutil.copy(path, target)
    return target


def test_load_provinces_reads_a_replacement_file(tmp_path: Path) -> None:
    """A file in the bundled format loads into an equivalent registry."""
    registry = load_provinces(_bundled_copy(tmp_path))
    assert registry.units == PROVINCES_2025
    assert registry.former == FORMER_PROVINCES


def test_load_provinces_missing_file_names_it(tmp_path: Path) -> None:
    """A missing file is a ValueError naming the file."""
    missing = tmp_path / "nope.json"
    with pytest.raises(ValueError, match=r"nope\.json"):
        load_provinces(missing)


def test_load_provinces_rejects_bad_json(tmp_path: Path) -> None:
    """A file that is not JSON is a ValueError naming the file."""
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.json.*JSON"):
        load_provinces(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["units_2025"][0].update(merged_from=["01", "02"]), "disagrees"),
        (lambda d: d["former_provinces"][0].update(name="An Giang\u0301"), "NFC"),
        (lambda d: d["former_provinces"][1].update(agency_code="H01"), "duplicate"),
        (lambda d: d["units_2025"][0].update(kind="huyện"), "kind"),
        (lambda d: d.pop("units_2025"), "lists"),
    ],
)
def test_load_provinces_rejects_inconsistent_data(
    tmp_path: Path, edit: object, message: str
) -> None:
    """Broken merge maps, non-NFC names, duplicate codes and unknown kinds are refused."""
    path = _bundled_copy(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert callable(edit)
    edit(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_provinces(path)
