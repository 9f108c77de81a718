"""Waiver files: what a valid one holds, each invalid one's single line, expiry by the day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from simulator.conform.plan import PLAN, case_ids
from simulator.conform.waivers import WaiverFileError, Waivers, load_waivers
from simulator.reports.waivers import today_in_vietnam

TODAY = dt.date(2026, 11, 22)
VALID = """
[[waiver]]
case = "PAY-CONF-002"
province = "52"
owner = "Trần Thị Bích <bich@vendor.example>"
reason = "checksum verification ships in release 4.2"
expires = 2026-12-31

[[waiver]]
case = "PUSH-004"
rule = "HS-001"
province = 38
owner = "Lê Văn C"
reason = "dossier-code check being rewritten"
expires = "2026-11-30"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(path: Path, today: dt.date = TODAY) -> Waivers:
    case_rules = {case.id: case.rules for case in PLAN.cases()}
    return load_waivers(path, case_ids(), today, case_rules=case_rules)


def test_valid_file_is_read_entry_by_entry(tmp_path: Path) -> None:
    """Each entry keeps case, rule, province (as a 2-digit code), owner, reason, expiry."""
    waivers = load_waivers(_write(tmp_path, VALID), case_ids(), TODAY)
    first, second = waivers.entries
    assert (first.case, first.rule, first.province, first.expires) == (
        "PAY-CONF-002",
        None,
        "52",
        dt.date(2026, 12, 31),
    )
    assert first.owner == "Trần Thị Bích <bich@vendor.example>"
    assert (second.case, second.rule, second.province) == ("PUSH-004", "HS-001", "38")
    assert second.expires == dt.date(2026, 11, 30)
    assert waivers.for_case("PAY-CONF-002", "52") is first
    assert waivers.for_case("PAY-CONF-002", "38") is None


def test_a_waiver_expiring_soon_gets_a_notice(tmp_path: Path) -> None:
    """Within 14 days of its expiry a waiver is announced; further away it is not."""
    waivers = load_waivers(_write(tmp_path, VALID), case_ids(), TODAY)
    assert len(waivers.notes) == 1
    assert "PUSH-004" in waivers.notes[0]
    assert "expires in 8 day(s)" in waivers.notes[0]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('case = "PAY-CONF-002"', 'case = "PAY-CONF-099"'), "unknown case ID 'PAY-CONF-099'"),
        (('owner = "Trần Thị Bích <bich@vendor.example>"', ""), "missing 'owner'"),
        (('owner = "Trần Thị Bích <bich@vendor.example>"', 'owner = "  "'), "'owner' must be"),
        (("expires = 2026-12-31", ""), "missing 'expires'"),
        (("expires = 2026-12-31", 'expires = "31/12/2026"'), "'31/12/2026' is not a date"),
        (("expires = 2026-12-31", "expires = 2026-02-30"), "not a TOML waiver file"),
        (("expires = 2026-12-31", "expires = 2026-12-31T10:00:00"), "not a date and time"),
        (('province = "52"', 'province = "99"'), "province '99' is not one of"),
        (('province = "52"', ""), "missing 'province'"),
        (('reason = "checksum', 'resaon = "checksum'), "unknown key 'resaon'"),
        (('case = "PAY-CONF-002"', 'case = "PAY-CONF-002"\nrule = "HS-001"'), "does not verify"),
        (('case = "PAY-CONF-002"', ""), "missing 'case'"),
    ],
)
def test_invalid_entry_is_one_line_naming_file_and_entry(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    """Unknown case ID, missing owner or expiry, bad date, …: one line, file and entry named."""
    path = _write(tmp_path, VALID.replace(*change, 1))
    with pytest.raises(WaiverFileError) as raised:
        _load(path)
    message = raised.value.message
    assert "\n" not in message
    assert message.startswith(str(path))
    assert problem in message
    if "TOML" not in problem:
        assert "waiver 1" in message
    assert raised.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[waiver]\ncase = 1", "not a TOML waiver file"),
        ("waivers = []", "unknown key 'waivers'"),
        ("waiver = 3", "must be an array of tables"),
        (VALID + VALID, "waiver 3 (PAY-CONF-002): the same case and province as waiver 1"),
    ],
)
def test_invalid_file_is_one_line(tmp_path: Path, text: str, problem: str) -> None:
    """Not TOML, a stray key, a duplicate entry: one line naming the file and the problem."""
    path = _write(tmp_path, text)
    with pytest.raises(WaiverFileError) as raised:
        _load(path)
    assert problem in raised.value.message
    assert "\n" not in raised.value.message


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    """A waiver file that does not exist is named, exit 2."""
    with pytest.raises(WaiverFileError, match="cannot read the waiver file"):
        _load(tmp_path / "absent.toml")


def test_empty_file_waives_nothing(tmp_path: Path) -> None:
    """A file with no entry is valid and waives nothing."""
    assert _load(_write(tmp_path, "# no waivers yet\n")).entries == ()


def test_today_is_the_calendar_day_in_vietnam() -> None:
    """At 18:30 UTC on 30 Nov it is already 1 Dec in Việt Nam, and that day decides expiry."""

    def clock(zone: dt.tzinfo | None = None) -> dt.datetime:
        utc = dt.datetime(2026, 11, 30, 18, 30, tzinfo=dt.UTC)
        return utc.astimezone(zone)

    assert today_in_vietnam(clock) == dt.date(2026, 12, 1)
