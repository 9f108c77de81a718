"""The honesty check: against a mock portal that freezes for one second every N requests, the
open model's latencies (from each request's intended start) show the freezes, while Locust's
closed-model statistics under the same conditions hide them (its one user waits out each freeze
and sends nothing meanwhile, so a freeze costs it one slow sample instead of a second's worth
of slow users: coordinated omission)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
UNIT, PASSWORD = "000.00.00.H56", "mật-khẩu-thử"
RATE, SECONDS, EVERY = 40, 8, 200
LOCUSTFILE = "closed_catalogue.py"
CONFIG = f"""
mode = "lenient"
[[units]]
code = "{UNIT}"
name = "UBND tỉnh Thanh Hóa"
password = "{PASSWORD}"

[faults."*"]
stall = {{ every = {EVERY}, seconds = 1.0 }}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **extra}


@pytest.fixture
def stalling_portal(tmp_path: Path) -> Iterator[str]:
    """`portalsim serve` (one process) that freezes for 1 s every EVERY requests."""
    config = tmp_path / "portal.toml"
    config.write_text(CONFIG, encoding="utf-8")
    port = _free_port()
    command = [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port)]
    command += ["--database", f"sqlite:///{tmp_path}/portal.db", "--config", str(config)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_environment()
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "portalsim serve exited early"
            assert time.monotonic() < deadline, "portalsim serve did not start listening"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_open_model_percentiles_show_a_stall_that_locusts_closed_model_hides(
    stalling_portal: str, tmp_path: Path
) -> None:
    # the open model: RATE catalogue reads a second for SECONDS, each at its intended time
    probe = subprocess.run(
        [
            *(sys.executable, "-m", "simulator.cli", "plan", "probe", "--target", stalling_portal),
            *("--flow", "catalogue", "--unit", UNIT, "--unit-password", PASSWORD),
            *("--start", str(RATE), "--step", "1", "--max", str(RATE), "--hold", f"{SECONDS}s"),
            *("--slo", "p99<60s", "--format", "json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_environment(),
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    (step,) = json.loads(probe.stdout)["steps"]
    assert step["sent"] == step["scheduled"] == RATE * SECONDS
    assert step["ok"] == step["sent"], step["errors"]
    open_model = step["latency_ms"]

    # the closed model: Locust's one user at up to RATE reads a second, same portal, same stalls
    statistics = tmp_path / "closed.json"
    locust = subprocess.run(
        [
            *(sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name(LOCUSTFILE))),
            *("--headless", "-u", "1", "-r", "1", "-t", f"{SECONDS}s", "--host", stalling_portal),
            *("--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_environment(
            PORTALSIM_UNIT=UNIT,
            PORTALSIM_PASSWORD=PASSWORD,
            PORTALSIM_CLOSED_RATE=str(RATE),
            PORTALSIM_CLOSED_STATS=str(statistics),
        ),
        timeout=120,
    )
    assert statistics.exists(), locust.stderr
    closed = json.loads(statistics.read_text(encoding="utf-8"))
    assert closed["failures"] == 0, locust.stderr

    # Both met at least one freeze (EVERY requests come within SECONDS at RATE) …
    assert closed["count"] >= EVERY // 2, locust.stderr
    assert closed["max_ms"] >= 800, closed
    assert open_model["max_ms"] >= 800, open_model
    # … but only the open model's percentiles show it: every request due during a freeze
    # waited for its end, so well over 1 % of them took hundreds of milliseconds, …
    assert open_model["p99_ms"] >= 700, open_model
    assert open_model["p90_ms"] >= 100, open_model
    # … while the closed model's one user sent nothing during a freeze: one slow sample in
    # ≥ 200, below its 99th percentile.
    assert closed["p99_ms"] <= open_model["p99_ms"] / 3, (closed, open_model)
    assert closed["p90_ms"] <= open_model["p90_ms"] / 2, (closed, open_model)
