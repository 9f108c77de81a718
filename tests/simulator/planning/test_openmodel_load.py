"""`portalsim plan load`: one open-model run, ramping and Poisson, sends exactly the arrivals of
its schedule; bad input is exit 2 before anything starts."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli._main import run
from simulator.planning.arrivals import ArrivalPlan, arrival_times
from tests.simulator.planning._servers import serial_server

ROOT = Path(__file__).resolve().parents[3]


def test_a_ramping_poisson_run_sends_exactly_its_seeded_schedule() -> None:
    with serial_server(0.001) as url:
        completed = subprocess.run(
            [
                *(sys.executable, "-m", "simulator.cli", "plan", "load", "--target", url),
                *("--rate", "20", "--to", "60", "--duration", "2s", "--arrivals", "poisson"),
                *("--seed", "3", "--slo", "p99<5s,errors<1%", "--format", "json"),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=180,
        )
    assert completed.returncode == 0, completed.stderr
    step = json.loads(completed.stdout)
    expected = len(arrival_times(ArrivalPlan(20, 2.0, 60, "poisson", 3)))
    assert abs(expected - 80) < 4 * 80**0.5  # (20 + 60) / 2 × 2 s on average
    assert step["scheduled"] == step["sent"] == step["ok"] == expected
    assert step["end_rate"] == 60
    assert step["latency_ms"]["count"] == expected
    assert step["meets_slo"] is True


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--rate", "-1"], "--rate/--to: rate -1"),
        (["--rate", "10", "--to", "-5"], "--rate/--to: rate -5"),
        (["--rate", "10", "--slo", "p95"], "SLO 'p95'"),
        (["--rate", "10", "--duration", "0s"], "--duration"),
    ],
)
def test_bad_input_is_exit_2(extra: list[str], message: str) -> None:
    err = io.StringIO()
    arguments = ["plan", "load", "--target", "http://127.0.0.1:9/", *extra]
    assert run(arguments, stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue().startswith(f"portalsim: error: {message}")
    assert len(err.getvalue().splitlines()) == 1
