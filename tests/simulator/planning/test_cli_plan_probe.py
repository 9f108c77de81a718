"""`portalsim plan probe` end to end: bad input and an unreachable target stop it before
anything starts; against loopback servers of known capacity it finds the knee and the breaking
point, measures from the intended start, merges two workers' histograms exactly, and exits 0
or 3 on the headroom against the modelled need."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from simulator.cli._main import run
from simulator.planning.latency import LatencyHistogram
from tests.simulator.planning._servers import serial_server

ROOT = Path(__file__).resolve().parents[3]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nothing listens there


BAD_INPUT = [
    (["--slo", "p95>500ms"], "SLO 'p95>500ms': 'p95>500ms' is not a condition"),
    (["--slo", "p95<500ms,errors<2"], "the error limit is a percentage"),
    (["--province", "99", "--month", "2026-03"], "99"),
    (["--province", "49", "--month", "1999-03"], "1999"),
    (["--province", "49"], "--province and --month go together"),
    (["--start", "0"], "--start 0: a rate must be a positive number"),
    (["--start", "50", "--max", "10"], "--max 10 is below --start 50"),
    (["--step", "-5"], "--step -5"),
    (["--hold", "soon"], "--hold: 'soon' is not a duration"),
    (["--flow", "catalogue"], "--flow catalogue: name the units"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_2_with_nothing_started(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    """Checked before the target is even tried (it refuses here: exit 4 would mean a late
    check), nothing written."""
    out, err = io.StringIO(), io.StringIO()
    target = f"http://127.0.0.1:{_closed_port()}/"
    arguments = ["plan", "probe", "--target", target, "--output", str(tmp_path / "out"), *extra]
    assert run(arguments, stdout=out, stderr=err) == 2
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("portalsim: error: ")
    assert message in lines[0]
    assert out.getvalue() == ""
    assert not (tmp_path / "out").exists()


def test_a_target_that_refuses_connections_is_exit_4_before_anything_starts(
    tmp_path: Path,
) -> None:
    out, err = io.StringIO(), io.StringIO()
    target = f"http://127.0.0.1:{_closed_port()}/"
    arguments = ["plan", "probe", "--target", target, "--output", str(tmp_path / "out")]
    assert run(arguments, stdout=out, stderr=err) == 4
    assert err.getvalue() == (
        f"portalsim: error: target {target} does not accept connections: Connection refused\n"
    )
    assert not (tmp_path / "out").exists()


def _probe(*arguments: str, samples: Path | None = None) -> tuple[int, dict[str, Any], str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    if samples is not None:
        environment["PORTALSIM_PLAN_SAMPLES"] = str(samples)
    completed = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "plan", "probe", "--format", "json", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=180,
    )
    assert completed.stdout, completed.stderr
    return completed.returncode, json.loads(completed.stdout), completed.stderr


def test_the_probe_finds_the_knee_and_the_breaking_point_of_a_known_capacity(
    tmp_path: Path,
) -> None:
    """A server of one request at a time, 20 ms each (50 requests/s at most): the probe steps
    up until p95 breaks 200 ms, the knee comes before the break, and the headroom against
    Quảng Nam's March peak (about 6 requests/s) is at least 1: exit 0. Text, JSON and the
    HTML page with its two charts are written."""
    output = tmp_path / "report"
    with serial_server(0.020) as url:
        code, document, stderr = _probe(
            *("--target", url, "--start", "20", "--step", "20", "--max", "100", "--hold", "1.5s"),
            *("--slo", "p95<200ms,errors<1%", "--province", "49", "--month", "2026-03"),
            *("--output", str(output)),
        )
    assert code == 0, stderr
    steps = document["steps"]
    assert steps[-1]["meets_slo"] is False, "the server's capacity was not reached"
    assert steps[-1]["latency_ms"]["p95_ms"] >= 200
    sustainable = document["max_sustainable_rps"]
    assert 20 <= sustainable <= 60
    assert document["knee_rps"] is not None
    assert document["knee_rps"] <= sustainable
    assert document["need"]["province_name"] == "Quảng Nam"
    assert document["headroom"] == pytest.approx(sustainable / document["need"]["peak_rps"], 1e-3)
    assert document["headroom"] >= 1
    for step in steps:
        assert step["scheduled"] == round(step["rate"] * 1.5)
        assert step["latency_ms"]["p99_ms"] <= step["latency_ms"]["max_ms"]
    assert json.loads((output / "probe.json").read_text(encoding="utf-8")) == document
    page = (output / "probe.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    assert "Quảng Nam" in page
    assert "maximum sustainable rate" in (output / "probe.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_two_worker_processes_merge_their_histograms_exactly(tmp_path: Path) -> None:
    """With --processes 2 (Locust master and two workers, each dumping its raw latencies),
    every step's merged histogram — counts, min, max, mean and each percentile — equals one
    built from both workers' values, and each worker sent its half of the arrivals."""
    samples = tmp_path / "samples"
    samples.mkdir()
    with serial_server(0.002) as url:
        code, document, stderr = _probe(
            *("--target", url, "--start", "20", "--step", "20", "--max", "40", "--hold", "2s"),
            *("--slo", "p99<10s", "--processes", "2"),
            samples=samples,
        )
    assert code == 0, stderr
    steps = document["steps"]
    assert [step["rate"] for step in steps] == [20, 40]
    assert document["processes"] == 2
    for index, step in enumerate(steps, start=1):
        assert step["processes"] == 2
        assert step["scheduled"] == step["sent"] == round(step["rate"] * 2)
        files = sorted(samples.glob(f"*-step{index}.json"))
        assert len(files) == 2
        parts = [orjson.loads(file.read_bytes()) for file in files]
        assert sorted(len(part) for part in parts) == [step["sent"] // 2] * 2
        whole = LatencyHistogram()
        for value in (value for part in parts for value in part):
            whole.record_us(value)
        assert whole.summary().to_json() == step["latency_ms"]


def test_latency_runs_from_the_intended_start_against_a_slow_server_and_exit_3(
    tmp_path: Path,
) -> None:
    """40 requests/s for 2 s at a server that takes 50 ms for each, one at a time (20/s): the
    open model still sends all 80 on time, and the latency of the last ones includes their
    wait behind the others (about 2 s), not just their own 50 ms. Nothing is sustainable
    under p95<500ms, below Quảng Nam's need: exit 3."""
    with serial_server(0.050) as url:
        code, document, stderr = _probe(
            *("--target", url, "--start", "40", "--step", "10", "--max", "40", "--hold", "2s"),
            *("--slo", "p95<500ms", "--province", "49", "--month", "2026-03"),
        )
    assert code == 3, stderr
    (step,) = document["steps"]
    assert step["scheduled"] == step["sent"] == 80
    assert step["achieved_rate"] == pytest.approx(40, rel=0.05)
    assert step["lag_ms"]["p99_ms"] < 100
    assert step["latency_ms"]["max_ms"] >= 1500
    assert step["latency_ms"]["p50_ms"] >= 500
    assert document["max_sustainable_rps"] == 0
    assert document["holds_need"] is False
    assert document["headroom"] == 0
