"""The procedure catalogue: bundled records, the rules' view of them, replacement files."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from contracts import ProcedureCatalogue, ProcedureRef
from simulator.domain.catalogue import Catalogue, bundled_catalogue, load_catalogue, procedure_ref

DOMAIN_CODES = ["2.000635", "2.000815", "2.000200", "3.000181", "1.001776", "1.000948",
                "2.001218", "1.011442"]  # fmt: skip
LAYTHUTUC_KEYS = {"MATTHC", "TENTTHC", "LINHVUCTHUCHIEN", "CACHTHUCTHUCHIEN", "THANHPHANHOSO",
                  "TRINHTUTHUCHIEN", "KETQUATHUCHIEN", "CANCUPHAPLY", "COQUANTHUCHIEN",
                  "DOITUONGTHUCHIEN", "YEUCAU"}  # fmt: skip


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_catalogue_satisfies_the_protocol() -> None:
    """The catalogue is usable wherever the rules expect a `ProcedureCatalogue`."""
    catalogue: ProcedureCatalogue = bundled_catalogue()
    assert isinstance(catalogue.procedure("2.000815"), ProcedureRef)


def test_domain_codes_are_present() -> None:
    """Every real procedure code of domain.md §2.2 has a record."""
    catalogue = bundled_catalogue()
    assert all(code in catalogue for code in DOMAIN_CODES)


def test_verified_names() -> None:
    """The records whose names are confirmed carry them and are flagged verified."""
    catalogue = bundled_catalogue()
    verified = {code for code in catalogue.codes() if catalogue.is_verified(code)}
    assert verified == {"2.000635", "2.000815", "3.000181"}
    ref = catalogue.procedure("3.000181")
    assert ref is not None
    assert ref.name == "Tuyển sinh trung học phổ thông"
    assert ref.sector_code == "G03-GD10"


def test_catalogue_is_broad() -> None:
    """About fifty procedures across at least ten sectors, codes shaped `d.dddddd`."""
    catalogue = bundled_catalogue()
    assert len(catalogue) >= 48
    assert all(re.fullmatch(r"\d\.\d{6}", code) for code in catalogue.codes())
    assert len(catalogue.sectors()) >= 10
    education = {code for code, _ in catalogue.sectors() if code.startswith("G03-")}
    assert {"G03-GD06", "G03-GD09", "G03-GD10"} <= education


def test_records_have_the_laythutuc_shape() -> None:
    """Every record has the LayThuTuc keys and a non-empty first sector (clients read [0])."""
    catalogue = bundled_catalogue()
    for code in catalogue.codes():
        record = catalogue.record(code)
        assert record is not None
        assert set(record) == LAYTHUTUC_KEYS
        assert record["LINHVUCTHUCHIEN"][0]["MALINHVUC"]
        for channel in record["CACHTHUCTHUCHIEN"]:
            assert channel["KENH"] in {"1", "2", "3"}
            for timing in channel["THOIGIAN"]:
                assert {"THOIGIANGIAIQUYET", "DONVITINH", "MOTA", "PHILEPHI"} <= set(timing)


def test_all_text_is_nfc() -> None:
    """Every string in every record is in Unicode NFC."""
    catalogue = bundled_catalogue()
    for code in catalogue.codes():
        texts = _strings(catalogue.record(code))
        assert all(unicodedata.is_normalized("NFC", text) for text in texts), code


def test_mix_of_times_and_fees() -> None:
    """Some procedures are same-day, some take days, some have no fixed time; some are free."""
    refs = [bundled_catalogue().procedure(code) for code in bundled_catalogue().codes()]
    days = [ref.processing_days for ref in refs if ref is not None]
    fees = [ref.fee_total for ref in refs if ref is not None]
    assert 0 in days
    assert None in days
    assert any(d is not None and d >= 10 for d in days)
    assert None in fees
    assert any(f is not None and f > 0 for f in fees)


@pytest.mark.parametrize(
    ("code", "days", "fee"),
    [
        ("2.000635", 0, 8000),  # same day, 8.000 đồng
        ("2.000815", 0, 2000),
        ("1.004194", 3, 7000),  # online channel: lower fee
        ("1.001193", 0, None),  # free
        ("3.000181", None, None),  # by admission plan
        ("1.011607", None, None),  # calendar days
        ("1.012753", 20, 600000),  # two fees summed
        ("2.000884", 0, 10000),  # in person only
    ],
)
def test_procedure_refs(code: str, days: float | None, fee: int | None) -> None:
    """Processing days and fee totals come from the online (else first) channel."""
    ref = bundled_catalogue().procedure(code)
    assert ref is not None
    assert ref.processing_days == days
    assert ref.fee_total == fee


def test_unknown_procedure_is_none() -> None:
    """Codes not in the catalogue give None."""
    assert bundled_catalogue().procedure("9.999999") is None
    assert bundled_catalogue().record("9.999999") is None
    assert bundled_catalogue().record_json("9.999999") is None


def test_record_is_a_copy_without_metadata() -> None:
    """`record` returns a fresh copy of the LayThuTuc record, without our metadata keys."""
    catalogue = bundled_catalogue()
    record = catalogue.record("2.000635")
    assert record is not None
    assert "verified" not in record
    assert "note" not in record
    record["TENTTHC"] = "changed"
    again = catalogue.record("2.000635")
    assert again is not None
    assert again["TENTTHC"] == "Cấp bản sao Trích lục hộ tịch"


def test_record_json_matches_record() -> None:
    """The precomputed JSON is the record, with Vietnamese letters unescaped."""
    catalogue = bundled_catalogue()
    text = catalogue.record_json("2.000635")
    assert text is not None
    assert "Trích lục" in text
    assert json.loads(text) == catalogue.record("2.000635")


def _record(**timing: Any) -> dict[str, Any]:
    base = {"THOIGIANGIAIQUYET": "5", "DONVITINH": "Ngày làm việc", "MOTA": "", "PHILEPHI": []}
    base.update(timing)
    return {
        "MATTHC": "1.000001",
        "TENTTHC": "Thủ tục thử",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "X-01", "TENLINHVUC": "Thử"}],
        "CACHTHUCTHUCHIEN": [{"KENH": "1", "THOIGIAN": [base]}],
    }


@pytest.mark.parametrize(
    ("timing", "days"),
    [
        ({"THOIGIANGIAIQUYET": 5}, 5),
        ({"THOIGIANGIAIQUYET": "1,5"}, 1.5),
        ({"DONVITINH": "ngày làm việc"}, 5),
        ({"DONVITINH": "Ngày"}, None),
        ({"DONVITINH": "Giờ", "THOIGIANGIAIQUYET": "4"}, None),
        ({"DONVITINH": "Giờ", "THOIGIANGIAIQUYET": "0"}, 0),
        ({"THOIGIANGIAIQUYET": ""}, None),
        ({"THOIGIANGIAIQUYET": "năm"}, None),
    ],
)
def test_processing_days_units(timing: dict[str, Any], days: float | None) -> None:
    """Only working-day units count, numbers may be text; zero in any unit means same day."""
    assert procedure_ref(_record(**timing)).processing_days == days


def test_fee_total_sums_text_and_numbers() -> None:
    """Fees written as text or numbers add up; a zero total is None."""
    fees = [{"SOTIEN": "50000"}, {"SOTIEN": 100000}, {"SOTIEN": "abc"}]
    assert procedure_ref(_record(PHILEPHI=fees)).fee_total == 150000
    assert procedure_ref(_record(PHILEPHI=[{"SOTIEN": "0"}])).fee_total is None


def test_procedure_ref_tolerates_missing_parts() -> None:
    """A record without channels or sectors still gives a reference, with unknowns as None."""
    ref = procedure_ref({"MATTHC": "1.000001", "TENTTHC": "x"})
    assert ref == ProcedureRef("1.000001", "x", "", "", None, None)


def test_load_catalogue_accepts_a_bare_list(tmp_path: Path) -> None:
    """A replacement file may be a bare list of records."""
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps([_record()], ensure_ascii=False), encoding="utf-8")
    catalogue = load_catalogue(path)
    assert isinstance(catalogue, Catalogue)
    assert catalogue.codes() == ["1.000001"]
    assert catalogue.procedure("1.000001") == ProcedureRef(
        "1.000001", "Thủ tục thử", "X-01", "Thử", 5, None
    )


def test_load_catalogue_missing_file_names_it(tmp_path: Path) -> None:
    """A missing file is a ValueError naming the file."""
    with pytest.raises(ValueError, match=r"gone\.json"):
        load_catalogue(tmp_path / "gone.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[", "JSON"),
        ('{"procedures": 3}', "procedures"),
        (json.dumps([{**_record(), "MATTHC": "2000815"}]), "MATTHC"),
        (json.dumps([{**_record(), "TENTTHC": ""}]), "TENTTHC"),
        (json.dumps([{**_record(), "LINHVUCTHUCHIEN": []}]), "LINHVUCTHUCHIEN"),
        (json.dumps([{**_record(), "CACHTHUCTHUCHIEN": {}}]), "CACHTHUCTHUCHIEN"),
        (json.dumps([_record(), _record()]), "duplicate"),
    ],
)
def test_load_catalogue_rejects_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    """Malformed files are ValueErrors naming the file and the problem."""
    path = tmp_path / "procedures.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        load_catalogue(path)
    assert "procedures.json" in str(raised.value)
