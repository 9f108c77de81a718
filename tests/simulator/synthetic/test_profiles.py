"""Profile sets: the bundled ones reproduce the field reports; bad sets are refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.domain import FORMER_PROVINCES, PROVINCES_2025, bundled_catalogue
from simulator.synthetic import (
    BUNDLED_SETS,
    Fault,
    FaultRates,
    ProfileSet,
    load_profile_set,
    population_shares,
)

GOOD_PROVINCE = '[provinces."01"]\nshare = 0.5\n[provinces."79"]\nshare = 0.5\n'


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "set.toml"
    path.write_text('name = "test"\n' + text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", BUNDLED_SETS)
def test_bundled_sets_cover_their_scheme_with_documented_shares(name: str) -> None:
    """Each bundled set lists every unit of its scheme, with the population-based shares."""
    profiles = load_profile_set(name)
    units = PROVINCES_2025 if profiles.units == "2025" else FORMER_PROVINCES
    assert sorted(p.code for p in profiles) == sorted(unit.code for unit in units)
    assert sum(p.share for p in profiles) == pytest.approx(1.0, abs=1e-6)
    expected = population_shares(p.code for p in profiles)
    for profile in profiles:
        assert profile.share == pytest.approx(expected[profile.code], abs=1e-6), profile.code
    big_two = profiles.get("01").share + profiles.get("79").share  # type: ignore[union-attr]
    assert big_two == pytest.approx(0.30, abs=1e-6)  # domain.md §10
    assert profiles.source == f"bundled profile set {name!r}"


@pytest.mark.parametrize("name", ["clean", "clean-63"])
def test_clean_sets_have_no_faults_and_everything_connected(name: str) -> None:
    """The clean sets plant nothing and offer the whole catalogue, payments and SSO."""
    catalogue = bundled_catalogue()
    for profile in load_profile_set(name):
        assert profile.faults.is_clean
        assert profile.payment_connected
        assert profile.sso_integrated
        assert list(profile.procedures) == catalogue.codes()


def test_field_reports_are_mapped_onto_todays_units() -> None:
    """Lâm Đồng (with Đắk Nông) has wrong dossier codes and real payments; Gia Lai wrong
    procedure codes, no payments and seven procedures; Quảng Ngãi (with Kon Tum) and Đắk Lắk
    late syncs; provinces the reports do not name are clean."""
    profiles = load_profile_set("field-reports")

    def get(code: str) -> FaultRates:
        profile = profiles.get(code)
        assert profile is not None
        return profile.faults

    lam_dong, gia_lai = profiles.get("68"), profiles.get("52")
    assert lam_dong is not None
    assert gia_lai is not None
    assert lam_dong.faults.dossier_code_date >= 0.1
    assert lam_dong.payment_connected
    assert gia_lai.faults.procedure_unknown > 0
    assert not gia_lai.payment_connected
    assert len(gia_lai.procedures) == 7
    assert get("51").late_sync > 0
    assert get("66").late_sync > 0
    assert [p.code for p in profiles if not p.payment_connected] == ["52"]
    named = {"68", "52", "51", "66", "48"}
    assert all(p.faults.is_clean for p in profiles if p.code not in named)


def test_field_reports_63_name_the_provinces_of_2020() -> None:
    """The historical set puts the 2020 problems on the provinces of 2020 (Đắk Nông, Gia Lai)."""
    profiles = load_profile_set("field-reports-63")
    dak_nong, gia_lai = profiles.get("67"), profiles.get("64")
    assert dak_nong is not None
    assert gia_lai is not None
    assert dak_nong.former
    assert dak_nong.unit == "000.00.00.H17"
    assert dak_nong.people_committee == "UBND tỉnh Đắk Nông"
    assert load_profile_set("clean").get("01").people_committee == "UBND thành phố Hà Nội"  # type: ignore[union-attr]
    assert dak_nong.faults.dossier_code_date > 0
    assert gia_lai.faults.procedure_unknown > 0
    assert not gia_lai.payment_connected


def test_a_set_is_loaded_from_a_file_with_defaults_and_overrides(tmp_path: Path) -> None:
    """Defaults apply to every province; a province's own keys and fault rates win."""
    path = _write(
        tmp_path,
        "[defaults]\npayment_connected = false\n[defaults.faults]\nbad_phone = 0.1\n"
        '[provinces."1"]\nshare = 0.25\nprocedures = ["2.000815", "1.001193"]\n'
        '[provinces."1".faults]\nlate_sync = 0.5\n'
        '[provinces."79"]\nshare = 0.75\npayment_connected = true\n',
    )
    profiles = load_profile_set(path)
    assert isinstance(profiles, ProfileSet)
    assert profiles.source == str(path)
    hanoi, hcm = profiles.get("01"), profiles.get("79")
    assert hanoi is not None
    assert hcm is not None
    assert hanoi.name == "Hà Nội"
    assert hanoi.unit == "000.00.00.H26"
    assert hanoi.procedures == ("2.000815", "1.001193")
    assert (hanoi.faults.bad_phone, hanoi.faults.late_sync) == (0.1, 0.5)
    assert (hcm.faults.bad_phone, hcm.faults.late_sync) == (0.1, 0.0)
    assert not hanoi.payment_connected
    assert hcm.payment_connected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "provinces: the set has no provinces"),
        ("[provinces]\n", "provinces: the set has no provinces"),
        ('[provinces."99"]\nshare = 1.0\n', "provinces.99: 99 is not one of the 34"),
        ('[provinces."H26"]\nshare = 1.0\n', "provinces.H26: 'H26' is not a GSO province code"),
        (
            '[provinces."67"]\nshare = 1.0\n',
            "provinces.67: 67 (Đắk Nông) merged into 68 Lâm Đồng on 1 July 2025",
        ),
        (
            'units = "former"\n[provinces."68"]\nshare = 1.0\n[provinces."99"]\nshare = 0.0\n',
            "provinces.99: 99 is not one of the former 63",
        ),
        ('[provinces."01"]\nshare = 0.4\n', "provinces: shares sum to 0.40000000, not 1"),
        ('[provinces."01"]\nshare = 0\n', "provinces.01.share: expected a number in (0, 1]"),
        (
            '[provinces."01"]\nshare = 1.0\nprocedures = ["2.000815", "9.999999"]\n',
            "provinces.01.procedures: procedure codes not in the catalogue: 9.999999",
        ),
        ('[provinces."01"]\nshare = 1.0\nprocedures = []\n', "at least one procedure"),
        (
            '[provinces."01"]\nshare = 1.0\n[provinces."01".faults]\nlate_sync = 1.5\n',
            "provinces.01.faults: late_sync: rate 1.5 is not between 0 and 1",
        ),
        (
            '[provinces."01"]\nshare = 1.0\n[provinces."01".faults]\nlate_syncs = 0.1\n',
            "provinces.01.faults: unknown fault 'late_syncs'",
        ),
        (
            "[defaults.faults]\ndossier_code_date = 0.7\ndossier_code_malformed = 0.7\n"
            + GOOD_PROVINCE,
            "defaults.faults: dossier_code_date + dossier_code_malformed + dossier_code_foreign",
        ),
        ('[provinces."01"]\nshare = 1.0\nname = "Huế"\n', "provinces.01.name: 'Huế' is not"),
        ('[provinces."01"]\nshare = 1.0\ncolour = "red"\n', "provinces.01: unknown key 'colour'"),
        ('units = "1990"\n' + GOOD_PROVINCE, 'units: expected "2025" or "former"'),
        ('[provinces."01"]\nshare = 1.0\nsso_integrated = "yes"\n', "expected true or false"),
    ],
)
def test_bad_sets_are_refused_naming_the_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    """Every problem is one ValueError that starts with the file and names the key."""
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match="^" + str(path).replace("\\", "\\\\")) as caught:
        load_profile_set(path)
    assert message in str(caught.value)


def test_unreadable_and_unknown_sets_are_refused(tmp_path: Path) -> None:
    """A missing name lists the bundled sets; invalid TOML and non-UTF-8 files say so."""
    with pytest.raises(ValueError, match=r"no such profile set .*field-reports"):
        load_profile_set("field-report")
    with pytest.raises(ValueError, match="cannot read"):
        load_profile_set(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.toml: not valid TOML"):
        load_profile_set(broken)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'name = "H\xe0 N\xf4i"\n')
    with pytest.raises(ValueError, match=r"latin\.toml: not UTF-8"):
        load_profile_set(latin)


def test_fault_rates_know_every_fault() -> None:
    """Each fault has a rate under its key; a clean profile has them all at 0."""
    rates = FaultRates(late_sync=0.2)
    assert rates.rate(Fault.LATE_SYNC) == 0.2
    assert not rates.is_clean
    assert FaultRates().is_clean
    assert {fault.key for fault in Fault} == set(FaultRates.__dataclass_fields__)
    with pytest.raises(ValueError, match="bad_phone: rate must be a number"):
        FaultRates(bad_phone=True)
