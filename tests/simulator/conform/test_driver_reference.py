"""The whole plan end to end against the reference target: it passes against the clean profile
and fails exactly the declared cases of each faulty profile."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.cli import run
from simulator.conform.config import ConformConfig
from simulator.conform.driver import run_plan
from simulator.conform.plan import case_ids
from simulator.conform.portal import EmbeddedPortal
from simulator.reference.profiles import PROFILES
from tests.simulator.conform._reference import free_port, load, reference_server, write_config

#: one faulty profile per flow in the default run; the others with -m slow
_QUICK = {
    "accepts-defective-pushes",
    "accepts-forged-checksum",
    "trusts-any-id-token",
    "wrong-codes",
}
FAULTY = [
    pytest.param(name, marks=() if name in _QUICK else pytest.mark.slow)
    for name in sorted(PROFILES)
    if name != "clean"
]


def test_the_plan_passes_against_the_clean_profile(tmp_path: Path) -> None:
    """`portalsim conform` with its embedded portal: every case of the plan passes, exit 0."""
    portal_port, target_port = free_port(), free_port()
    path = write_config(tmp_path, portal_port=portal_port, target_port=target_port)
    out, err = io.StringIO(), io.StringIO()
    with reference_server(
        load(path), "clean", f"http://127.0.0.1:{portal_port}", target_port
    ) as target:
        code = run(
            [
                "conform",
                "--target",
                target.url,
                "--config",
                str(path),
                "--json",
                str(tmp_path / "r.json"),
            ],
            out,
            err,
        )
    assert code == 0, out.getvalue() + err.getvalue()
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    cases = document.get("result", document)["cases"]
    assert {case["case_id"] for case in cases} == case_ids()
    assert {case["outcome"] for case in cases} == {"pass"}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ConformConfig, str, int]]:
    """One embedded portal for every faulty profile (each run reads only its own journal rows)."""
    target_port = free_port()
    path = write_config(
        tmp_path_factory.mktemp("shared"), portal_port=free_port(), target_port=target_port
    )
    config = load(path)
    with EmbeddedPortal(config) as portal:
        yield (
            dataclasses.replace(config, operator_token=portal.operator_token),
            portal.url,
            target_port,
        )


@pytest.mark.parametrize("profile", FAULTY)
def test_a_faulty_profile_fails_exactly_its_declared_cases(
    shared: tuple[ConformConfig, str, int], profile: str
) -> None:
    """Each planted defect is caught by its cases, and by no other case."""
    config, portal_url, target_port = shared
    with reference_server(config, profile, portal_url, target_port) as target:
        result = run_plan(config, target.url, portal_url=portal_url, terminal_out=io.StringIO())
    outcomes = {case.case_id: case.outcome for case in result.cases}
    failed = {case_id for case_id, outcome in outcomes.items() if outcome == "fail"}
    assert failed == PROFILES[profile].expected_failures, {
        case.case_id: case.reason for case in result.cases if case.outcome != "pass"
    }
    assert set(outcomes.values()) <= {"pass", "fail"}
    for case in result.cases:
        if case.outcome == "fail":
            assert case.reason
            assert case.hint
