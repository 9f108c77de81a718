"""`portalsim run` end to end (in a subprocess: it imports Locust, which patches the standard
library) and `portalsim report` re-rendering what it wrote from the database alone."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

import orjson
import pytest

from simulator.cli import run
from simulator.reports import REPORT_FILES
from simulator.synthetic import (
    EXPECTED_RULES,
    SSO_FAULTS,
    DossierFactory,
    GroundTruth,
    draw_independent,
    load_profile_set,
)
from simulator.synthetic.province import vietnam_now

ROOT = Path(__file__).resolve().parents[3]
TWO_PROVINCES = """
name = "two-provinces"
description = "Thanh Hóa: dossier codes dated the filing day, old phone numbers, SSO logins \
without nonce; Gia Lai: unknown procedures, late syncs, status 9 skipped, SSO logins without PKCE, \
not connected to payments"
units = "2025"

[provinces."38"]
share = 0.5
[provinces."38".faults]
dossier_code_date = 0.3
bad_phone = 0.3
sso_no_nonce = 0.3

[provinces."52"]
share = 0.5
payment_connected = false
[provinces."52".faults]
procedure_unknown = 0.3
late_sync = 0.3
illegal_transition = 0.3
sso_no_pkce = 0.3
"""
SEED = 11
#: short and fast: dossiers live a simulated month in a quarter of a second, so all finish
FAST = ("--duration", "5s", "--time-factor", "1e7", "--drain", "30s", "--seed", str(SEED))


@dataclass(frozen=True)
class Finished:
    exit_code: int
    stdout: str
    stderr: str
    reports: Path

    def scorecard(self) -> dict[str, Any]:
        document: dict[str, Any] = orjson.loads((self.reports / "scorecard.json").read_bytes())
        return document


def _portalsim_run(reports: Path, *options: str) -> Finished:
    completed = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "run", "--reports", str(reports), *options],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )
    return Finished(completed.returncode, completed.stdout, completed.stderr, reports)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Finished:
    """A run of two provinces with known faults (the other 32 send nothing)."""
    folder = tmp_path_factory.mktemp("two")
    profiles = folder / "two.toml"
    profiles.write_text(TWO_PROVINCES, encoding="utf-8")
    return _portalsim_run(folder / "reports", "--profiles", str(profiles), "--rate", "6", *FAST)


def _found(card: dict[str, Any]) -> set[str]:
    return {line["rule"] for line in card["rules"] if line["findings"]}


def test_a_clean_set_gives_no_findings(tmp_path: Path) -> None:
    """The clean profile set over the 34 provinces: every province scored, all green, no
    finding, exit 0; progress on stderr, the table on stdout."""
    # 10 s, not FAST's 5: the 204 users' first logins cost the portal about 3 s of scrypt, and a
    # busy machine (tests running beside this one) must still leave every province its turn.
    options = ("--duration", "10s", *FAST[2:])
    finished = _portalsim_run(tmp_path / "reports", "--profiles", "clean", "--rate", "10", *options)
    assert finished.exit_code == 0, finished.stderr
    document = finished.scorecard()
    assert document["summary"]["findings"] == {"error": 0, "warning": 0, "info": 0}
    assert document["summary"]["by_band"]["xanh"] == 34
    assert document["run"]["dossiers"]["started"] == document["run"]["dossiers"]["completed"] > 0
    assert all(not entry["faults"] for entry in document["run"]["truth"].values())
    assert "mock portal on http://127.0.0.1:" in finished.stderr
    assert "live dashboard (read-only): http://127.0.0.1:" in finished.stderr
    assert "Thành phố Hồ Chí Minh" in finished.stdout
    assert "ĐẠT / PASS" in finished.stderr


def test_a_faulty_set_shows_exactly_the_planted_faults(faulty: Finished) -> None:
    """Per province, the rules with findings are those the ground truth of its dossiers and
    SSO logins says (recomputed here from the profile file and the seed): HS, ID and SSO for
    Thanh Hóa, TT, LC and SSO for Gia Lai; Thanh Hóa paid every fee it asked for, Gia Lai is
    not connected to payments; the other 32 provinces have no data."""
    assert faulty.exit_code == 0, faulty.stderr
    document = faulty.scorecard()
    truth = document["run"]["truth"]
    profiles = load_profile_set(faulty.reports.parent / "two.toml")
    cards = {card["province"]["code"]: card for card in document["scorecards"]}
    for code in ("38", "52"):
        profile = profiles.get(code)
        assert profile is not None
        assert truth[code]["completed"] == truth[code]["dossiers"] > 5
        factory = DossierFactory(profile, SEED)
        plans = [
            factory.plan(index, published=vietnam_now()) for index in range(truth[code]["dossiers"])
        ]
        expected = {rule for _, rule in GroundTruth.of(plans).expected(portal=True)}
        for login in range(truth[code]["sso_logins"]):
            rng = Random(f"portalsim:{SEED}:{code}:sso:{login}")
            for fault in draw_independent(profile.faults, SSO_FAULTS, rng):
                expected |= EXPECTED_RULES[fault]
        assert _found(cards[code]) == expected == set(truth[code]["rules"])
    assert {rule.split("-")[0] for rule in _found(cards["38"])} == {"HS", "ID", "SSO"}
    assert {rule.split("-")[0] for rule in _found(cards["52"])} == {"TT", "LC", "SSO"}
    paid = cards["38"]["payments"]
    assert paid["connected"]
    assert paid["succeeded"] == paid["transactions"] == truth["38"]["payments"] > 0
    assert not cards["52"]["payments"]["connected"]
    assert truth["52"]["payments"] == 0
    silent = [card for code, card in cards.items() if code not in ("38", "52")]
    assert len(silent) == 32
    assert all(card["band"] == "chưa có dữ liệu" for card in silent)


def test_report_re_renders_the_run_byte_for_byte(faulty: Finished, tmp_path: Path) -> None:
    """`portalsim report --database` writes the same JSON, JUnit and HTML as the run did."""
    out, err = io.StringIO(), io.StringIO()
    database = faulty.reports / "portal.sqlite3"
    code = run(["report", "--database", str(database), "--reports", str(tmp_path)], out, err)
    assert code == 0, err.getvalue()
    for name in REPORT_FILES:
        assert (tmp_path / name).read_bytes() == (faulty.reports / name).read_bytes(), name
    assert "38  Thanh Hóa" in out.getvalue()


def test_a_broken_gate_exits_1(faulty: Finished, tmp_path: Path) -> None:
    """The same database under --gate max-errors=0: exit 1, the breach on stderr and in JSON."""
    out, err = io.StringIO(), io.StringIO()
    database = f"sqlite:///{faulty.reports / 'portal.sqlite3'}"
    arguments = ["report", "--database", database, "--reports", str(tmp_path)]
    assert run([*arguments, "--gate", "max-errors=0"], out, err) == 1
    assert "gate: all provinces: max-errors=0 (" in err.getvalue()
    document = orjson.loads((tmp_path / "scorecard.json").read_bytes())
    assert document["verdict"] == "fail"
    assert run([*arguments, "--gate", "max-errors=100000,LC=1000"], out, err) == 0


@pytest.fixture
def no_locust() -> Iterator[None]:
    """These runs must stop before the load: Locust is never imported in-process."""
    yield
    assert not {m for m in sys.modules if m.split(".")[0] in ("locust", "gevent")}


def _bad(arguments: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(arguments, out, err)
    return code, err.getvalue()


@pytest.mark.usefixtures("no_locust")
@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ("unknown-province", "99 is not one of the 34 province-level units"),
        ("empty-set", "the set has no provinces"),
        ("zero-duration", "a duration must be positive"),
        ("port-in-use", "cannot listen on 127.0.0.1:"),
        ("unwritable-reports", "cannot write the reports here"),
        ("bad-gate", "neither a rule nor a rule family"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_any_load(
    problem: str, expected: str, tmp_path: Path
) -> None:
    """Each problem: exit 2, one line naming it, no portal database, no load."""
    reports = tmp_path / "reports"
    arguments = ["run", "--reports", str(reports), "--duration", "5s"]
    profiles = tmp_path / "profiles.toml"
    if problem == "unknown-province":
        profiles.write_text('name = "x"\n[provinces."99"]\nshare = 1.0\n', encoding="utf-8")
        arguments += ["--profiles", str(profiles)]
    elif problem == "empty-set":
        profiles.write_text('name = "x"\n[provinces]\n', encoding="utf-8")
        arguments += ["--profiles", str(profiles)]
    elif problem == "zero-duration":
        arguments += ["--duration", "0"]
    elif problem == "unwritable-reports":
        blocker = tmp_path / "a-file"
        blocker.write_text("", encoding="utf-8")
        arguments[2] = str(blocker / "reports")
    elif problem == "bad-gate":
        arguments += ["--gate", "XX=0"]
    taken = None
    if problem == "port-in-use":
        import socket

        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        arguments += ["--port", str(taken.getsockname()[1])]
    try:
        code, err = _bad(arguments)
    finally:
        if taken is not None:
            taken.close()
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("portalsim: error: ")
    assert expected in err
    assert not (reports / "portal.sqlite3").exists()


@pytest.mark.usefixtures("no_locust")
def test_report_refuses_a_missing_or_empty_database(tmp_path: Path) -> None:
    """No such file, or a portal database without messages: exit 2, one line."""
    code, err = _bad(["report", "--database", str(tmp_path / "none.sqlite3")])
    assert (code, err.count("\n")) == (2, 1)
    assert "no such database file" in err
    from mock_portal.store import Store

    empty = tmp_path / "empty.sqlite3"
    with Store.open(str(empty)) as store:
        store.migrate()
    code, err = _bad(["report", "--database", str(empty), "--reports", str(tmp_path / "r")])
    assert code == 2
    assert "holds no message" in err
