"""`portalsim report --result results.json`: a finished conformance run judged and rendered
again without running it: its recorded waivers, another waiver file, another day."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from contracts.profiles import load as load_profile
from simulator.cli import run
from simulator.conform.outputs import write_outputs
from simulator.conform.verdict import decide
from simulator.conform.waivers import Waiver, Waivers
from tests.simulator.conform._results import case, plan_result

EXPIRES = dt.date(2026, 12, 31)


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """results.json of a run where PUSH-004 failed under a waiver valid until 2026-12-31."""
    result = plan_result({"PUSH-001": "pass"}, case("PUSH-004", "fail", reason="accepted"))
    waiver = Waiver("waivers.toml", 1, "PUSH-004", None, "52", "Owner B", "release 5", EXPIRES)
    verdict = decide(result, Waivers("waivers.toml", (waiver,)), dt.date(2026, 11, 22))
    rules = {rule.id: rule for rule in load_profile().rules}
    return write_outputs(result, verdict, tmp_path / "first", rules)[0]


def _report(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["report", *arguments], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_judged_again_with_its_recorded_waivers(results: Path, tmp_path: Path) -> None:
    """On the same day, the same verdict (exit 0, waived) and the same bytes."""
    again = tmp_path / "again"
    code, out, _err = _report(
        "--result", str(results), "--today", "2026-11-22", "--reports", str(again)
    )
    assert code == 0, out
    assert "~ PUSH-004" in out
    for name in ("results.json", "junit.xml", "report.html"):
        assert (again / name).read_bytes() == (results.parent / name).read_bytes(), name


def test_judged_after_the_waiver_expired(results: Path, tmp_path: Path) -> None:
    """The day after the recorded waiver's expiry the same run fails, naming the waiver."""
    code, out, _err = _report(
        "--result", str(results), "--today", "2027-01-01", "--reports", str(tmp_path / "r")
    )
    assert code == 1
    assert "waiver expired on 2026-12-31" in out


def test_judged_with_another_waiver_file(results: Path, tmp_path: Path) -> None:
    """--waivers replaces the recorded ones: an empty file leaves the failure unwaived."""
    empty = tmp_path / "none.toml"
    empty.write_text("", encoding="utf-8")
    code, out, _err = _report(
        "--result", str(results), "--waivers", str(empty), "--reports", str(tmp_path / "r")
    )
    assert code == 1
    assert "✗ PUSH-004" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "give --database (a portal database) or --result"),
        (("--database", "x.db", "--result", "r.json"), "give --database"),
        (("--result", "{results}", "--gate", "max-errors=0"), "--gate and --bands judge"),
        (("--database", "x.db", "--waivers", "w.toml"), "--waivers goes with --result"),
        (("--result", "{missing}"), "cannot read the result file"),
    ],
)
def test_bad_combinations_exit_2_with_one_line(
    results: Path, tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    """Neither or both sources, gate options with a result, waivers with a database, no file."""
    filled = [a.format(results=results, missing=tmp_path / "missing.json") for a in arguments]
    code, _out, err = _report(*filled)
    assert code == 2
    assert err.count("\n") == 1
    assert message in err
