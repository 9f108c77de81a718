"""`portalsim report --gate FILE` over a portal database: gate files as data, each saying whether
it must pass, must fail (and with which breaches) or must be refused (and with which line).

The database (`_database.py`): Thanh Hóa (38) with one HS-002 error, Hà Nội (01) with one
HS-002 error and one HS-005 info finding. Waivers are judged on 2026-11-22 (`--today`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import xmlschema

from simulator.cli import run
from tests.simulator.gate._database import make_database

GATES = Path(__file__).parent / "data" / "gates"
JUNIT_SCHEMA = Path(__file__).parents[1] / "conform" / "data" / "junit.xsd"
TODAY = "2026-11-22"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_database(tmp_path_factory.mktemp("gate") / "portal.sqlite3")


def _expectations(path: Path) -> dict[str, list[str]]:
    """`# key: value` lines at the top of a gate file."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.removeprefix("# ").partition(": ")
        if line.startswith("# ") and sep and key in ("expect", "breach", "error", "waiver"):
            found.setdefault(key, []).append(value)
    return found


def _report(database: Path, tmp_path: Path, *arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["report", "--database", str(database), "--reports", str(tmp_path / "r"), *arguments],
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("gate", sorted(GATES.glob("*.toml")), ids=lambda path: path.stem)
def test_gate_file(
    gate: Path, database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each gate file passes (exit 0), fails with exactly its breaches (exit 1), or is refused
    with its one line (exit 2), as its header says."""
    expected = _expectations(gate)
    monkeypatch.chdir(GATES)
    code, _out, err = _report(database, tmp_path, "--gate", gate.name, "--today", TODAY)
    outcome = expected["expect"][0]
    if outcome == "error":
        assert code == 2, err
        assert err.count("\n") == 1
        assert err.startswith("portalsim: error: --gate: ")
        assert expected["error"][0] in err
        return
    breaches = [
        line.removeprefix("gate: ") for line in err.splitlines() if line.startswith("gate: ")
    ]
    if outcome == "pass":
        assert (code, breaches) == (0, []), err
        assert "ĐẠT / PASS (gate passed)" in err
    else:
        assert code == 1, err
        assert breaches == expected["breach"]
        assert "gate broken — FAIL" in err
    for state in expected.get("waiver", []):
        assert f": {state} — " in err


def test_waived_findings_are_reported_in_every_output(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A waiver's owner, expiry and state appear in scorecard.json, junit.xml and report.html,
    while the findings themselves stay in the scorecards."""
    monkeypatch.chdir(GATES)
    code, _out, err = _report(database, tmp_path, "--gate", "pass-waived.toml", "--today", TODAY)
    assert code == 0
    assert "miễn trừ / waiver: pass-waived.toml, waiver 1 (rule HS-002, province 38" in err
    document = json.loads((tmp_path / "r" / "scorecard.json").read_text(encoding="utf-8"))
    waivers = document["gate"]["waivers"]
    assert [(w["province"], w["state"], w["findings"]) for w in waivers] == [
        ("38", "applied", 1),
        ("01", "applied", 1),
    ]
    assert document["gate"]["decided_on"] == TODAY
    assert document["summary"]["findings"]["error"] == 2
    junit = (tmp_path / "r" / "junit.xml").read_text(encoding="utf-8")
    assert 'name="waiver HS-002 province 38 Thanh Hóa"' in junit
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "Lê Văn Cường &lt;cuong@vendor.example&gt;" in html


def test_expired_waiver_fails_in_junit_too(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate suite of junit.xml fails the broken threshold and the expired waiver; the file
    is valid against the common JUnit schema."""
    monkeypatch.chdir(GATES)
    code, _out, _err = _report(
        database, tmp_path, "--gate", "fail-expired-waiver.toml", "--today", TODAY
    )
    assert code == 1
    junit = (tmp_path / "r" / "junit.xml").read_text(encoding="utf-8")
    xmlschema.validate(junit, str(JUNIT_SCHEMA))
    gate = junit[junit.index('<testsuite name="gate"') :]
    assert 'tests="3" failures="2"' in gate
    assert 'type="waiver"' in gate


def test_the_same_waiver_is_valid_through_its_last_day_only(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pass-waived.toml's Hà Nội waiver ends on 2026-11-22: the next day the gate fails."""
    monkeypatch.chdir(GATES)
    code, _out, err = _report(
        database, tmp_path, "--gate", "pass-waived.toml", "--today", "2026-11-23"
    )
    assert code == 1
    assert "waiver HS-002 (owner Phạm Thu Hà <ha@vendor.example>) (expired on 2026-11-22" in err


def test_a_bad_today_is_a_usage_error(database: Path, tmp_path: Path) -> None:
    """--today that is not YYYY-MM-DD: exit 2, one line."""
    code, _out, err = _report(database, tmp_path, "--today", "22/11/2026")
    assert code == 2
    assert err == "portalsim: error: --today: '22/11/2026' is not a date (YYYY-MM-DD)\n"
