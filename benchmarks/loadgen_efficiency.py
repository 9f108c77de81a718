"""How efficiently one Locust worker generates portalsim's traffic, and whether a long run keeps
flat memory.

Efficiency (default): one mock portal (`portalsim serve`, lenient, the 34 province units) in a
child process; then, in rounds interleaved so machine noise hits both alike, a Locust worker in
its own process runs for `--seconds` with `--users` users, as fast as the portal answers:

  (a) the full scenario mix of `scenarios/portal.py` (dossier submission and progress syncs with
      synthetic, contract-valid dossiers of the field-reports profiles, catalogue reads);
  (b) a bare `FastHttpUser` posting one pre-built DongBoHoSoMC to the same endpoint.

On a machine where the portal shares the CPUs, the portal bounds both rates, so the wall-clock
requests per second say more about the portal than about the load generator. What is compared
is the worker's requests per second of its own CPU time (the rate it would reach if the worker
were the bottleneck), measured over the steady part of each round (after the logins). Target:
the median of the rounds' ratios (a)/(b) >= 0.7 (each round's (a) and (b) run back to back, so
slow drifts of a shared machine cancel). The wall-clock rates are printed too.

Soak (`--soak`): `portalsim run --duration 10m` in a subprocess at a steady rate; the RSS of the
run's process (and, for information, of its portal) is sampled every 5 s. Target: growth after
the first minute < 20 %.

    .venv/bin/python benchmarks/loadgen_efficiency.py [--seconds 15] [--users 204] [--repeat 5]
    .venv/bin/python benchmarks/loadgen_efficiency.py --soak [--soak-minutes 10] [--rate 5]

Exit 0 when every target measured is met, 3 when one is missed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RATIO_TARGET = 0.7
GROWTH_TARGET = 0.20
EXIT_TARGET_MISSED = 3
SAMPLE_EVERY = 2.0


# -- the child: one Locust worker, imported only here --------------------------------------------


def _steady(samples: list[tuple[float, int, float]]) -> dict[str, float]:
    """Rates over the samples after the first (logins and ramp-up excluded)."""
    (cpu0, count0, wall0), (cpu1, count1, wall1) = samples[1], samples[-1]
    requests = count1 - count0
    return {
        "requests": requests,
        "wall_s": wall1 - wall0,
        "cpu_s": cpu1 - cpu0,
        "per_wall_s": requests / (wall1 - wall0),
        "per_cpu_s": requests / max(cpu1 - cpu0, 1e-9),
    }


def _child_mix(
    host: str, password: str, seconds: float, users: int, partition: int, sso_secret: str
) -> dict[str, Any]:
    from simulator.load import run_load
    from simulator.run import LoadOptions, LoadProgress, bundled_locustfile
    from simulator.synthetic import load_profile_set

    samples: list[tuple[float, int, float]] = []

    def sample(progress: LoadProgress) -> None:
        if progress.phase == "load":
            samples.append((time.process_time(), progress.requests, time.monotonic()))

    options = LoadOptions(
        load_profile_set("field-reports"),
        password=password,
        time_factor=1e7,
        rate=0.0,
        partition=partition,
        partitions=64,  # every round numbers its dossiers apart: no code is used twice
        sso_secret=sso_secret,
    )
    result = run_load(
        options,
        host=host,
        locustfile=bundled_locustfile(),
        users=users,
        duration=seconds,
        drain=0.0,
        on_progress=sample,
        every=SAMPLE_EVERY,
    )
    failed = {
        name: figures["failures"]
        for name, figures in result.series.to_json(1.0)["by_name"].items()
        if figures["failures"]
    }
    return _steady(samples) | {
        "failures": result.series.failures,
        "failed": failed,
        "exceptions": result.exceptions,
    }


def _child_bare(host: str, password: str, seconds: float, users: int) -> dict[str, Any]:
    import gevent
    import locust
    import orjson
    from locust import FastHttpUser, task
    from locust.env import Environment

    from simulator.domain import bundled_catalogue
    from simulator.run import HEADERS
    from simulator.synthetic import (
        DossierFactory,
        dong_bo_ho_so,
        load_profile_set,
        names_from_catalogue,
    )
    from simulator.synthetic.province import vietnam_now

    profile = load_profile_set("clean").get("01")
    assert profile is not None
    plan = DossierFactory(profile, 1).plan(0, published=vietnam_now())
    names = names_from_catalogue(plan, bundled_catalogue())
    counted = [0, 0]

    class Bare(FastHttpUser):
        """Logs in once, then posts the same pre-built DongBoHoSoMC as fast as it can."""

        concurrency = 1
        payload = b""

        def on_start(self) -> None:
            answer = self.client.post(
                "/api/dvcqg/login", json={"username": profile.unit, "password": password}
            ).json()
            body = dong_bo_ho_so(
                plan, 0, [plan.steps[0].at], answer["session"], known=True, names=names
            )
            self.payload = orjson.dumps(body)

        @task
        def post(self) -> None:
            self.client.post(
                "/api/dvcqg/integration", data=self.payload, headers=HEADERS, name="DongBoHoSoMC"
            )

    def count(exception: BaseException | None = None, **_: Any) -> None:
        counted[0] += 1
        counted[1] += exception is not None

    environment = Environment(user_classes=[Bare], events=locust.events, host=host)
    environment.events.request.add_listener(count)
    runner = environment.create_local_runner()
    samples: list[tuple[float, int, float]] = []

    def sampler() -> None:
        while True:
            gevent.sleep(SAMPLE_EVERY)
            samples.append((time.process_time(), counted[0], time.monotonic()))

    runner.start(users, spawn_rate=min(users, 100))
    watcher = gevent.spawn(sampler)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    watcher.kill()
    return _steady(samples) | {"failures": counted[1], "exceptions": 0}


# -- the parent -----------------------------------------------------------------------------------


def _round(
    mode: str, host: str, password: str, sso_secret: str, args: argparse.Namespace, partition: int
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--host", host, "--password", password]
    command += ["--seconds", str(args.seconds), "--users", str(args.users)]
    command += ["--partition", str(partition), "--sso-secret", sso_secret]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if completed.returncode != 0:
        raise SystemExit(f"{mode} worker failed:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def efficiency(args: argparse.Namespace) -> int:
    from simulator.run import PortalProcess, free_port
    from simulator.synthetic import load_profile_set

    profiles = load_profile_set("field-reports")
    rows: dict[str, list[dict[str, Any]]] = {"mix": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="loadgen-") as folder:
        database = Path(folder) / "portal.sqlite3"
        with PortalProcess(database, profiles, port=free_port()) as portal:
            print(f"portal: {portal.url} (34 units, lenient); {args.users} users, "
                  f"{args.seconds:g} s a round, {args.repeat} rounds interleaved")  # fmt: skip
            for number in range(args.repeat):
                for mode in ("mix", "bare"):
                    row = _round(mode, portal.url, portal.password, portal.sso_secret, args, number)
                    rows[mode].append(row)
                    print(
                        f"  round {number + 1}/{args.repeat} {mode:4}: "
                        f"{row['per_wall_s']:8,.0f} req/s wall, {row['per_cpu_s']:8,.0f} req per "
                        f"worker CPU-s ({row['cpu_s'] / row['wall_s']:.0%} of a CPU), "
                        f"{row['failures']} failures {row.get('failed') or ''}"
                    )
    ratios = [
        m["per_cpu_s"] / b["per_cpu_s"] for m, b in zip(rows["mix"], rows["bare"], strict=True)
    ]
    wall = [
        m["per_wall_s"] / b["per_wall_s"] for m, b in zip(rows["mix"], rows["bare"], strict=True)
    ]
    ratio = statistics.median(ratios)
    ok = ratio >= RATIO_TARGET

    def median(mode: str, key: str) -> float:
        return statistics.median(row[key] for row in rows[mode])

    print(
        f"\nloadgen efficiency — {args.users} users, median of {args.repeat} "
        f"({os.cpu_count()} CPUs, Python {sys.version.split()[0]})\n"
        f"  (a) full scenario mix   {median('mix', 'per_cpu_s'):9,.0f} req per worker CPU-s  "
        f"({median('mix', 'per_wall_s'):,.0f} req/s wall)\n"
        f"  (b) bare FastHttpUser   {median('bare', 'per_cpu_s'):9,.0f} req per worker CPU-s  "
        f"({median('bare', 'per_wall_s'):,.0f} req/s wall)\n"
        f"  ratio (a)/(b)           {ratio:9.2f}   (median of the rounds' ratios "
        f"{', '.join(f'{r:.2f}' for r in ratios)}; target >= {RATIO_TARGET})  "
        f"{'ok' if ok else 'MISSED'}\n"
        f"  wall-clock ratio        {statistics.median(wall):9.2f}   (information: portal-bound)"
    )
    return 0 if ok else EXIT_TARGET_MISSED


def _rss(pid: int) -> tuple[float, float]:
    """RSS in MB of a process and of its children."""
    import psutil

    process = psutil.Process(pid)
    own = process.memory_info().rss
    children = sum(child.memory_info().rss for child in process.children(recursive=True))
    return own / 2**20, children / 2**20


def soak(args: argparse.Namespace) -> int:
    minutes = args.soak_minutes
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        command = [sys.executable, "-m", "simulator.cli", "run", "--duration", f"{minutes}m"]
        command += ["--rate", str(args.rate), "--reports", folder, "--drain", "10s"]
        print(f"soak: {' '.join(command[1:])}")
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        started = time.monotonic()
        samples: list[tuple[float, float, float]] = []
        while process.poll() is None:
            time.sleep(5)
            elapsed = time.monotonic() - started
            try:
                own, portal = _rss(process.pid)
            except Exception:  # the process ended between poll and sample
                break
            samples.append((elapsed, own, portal))
            if len(samples) % 12 == 0:
                print(f"  {elapsed:5.0f} s  run {own:6.1f} MB  portal {portal:6.1f} MB")
        stderr = process.stderr.read() if process.stderr else ""
        if process.returncode not in (0, 1):
            print(stderr[-3000:])
            return 2
    load_end = minutes * 60 + 10  # samples during the load only
    steady = [sample for sample in samples if sample[0] <= load_end]
    baseline = next(sample for sample in steady if sample[0] >= 60)
    last = steady[-1]
    peak = max(sample[1] for sample in steady if sample[0] >= 60)
    growth = (last[1] - baseline[1]) / baseline[1]
    peak_growth = (peak - baseline[1]) / baseline[1]
    portal_growth = (last[2] - baseline[2]) / baseline[2] if baseline[2] else 0.0
    ok = growth < GROWTH_TARGET and peak_growth < GROWTH_TARGET
    print(
        f"\nsoak — portalsim run, {minutes} min at {args.rate:g} dossiers/s\n"
        f"  run process RSS at 1 min {baseline[1]:7.1f} MB, at the end {last[1]:7.1f} MB, "
        f"peak after 1 min {peak:7.1f} MB\n"
        f"  growth after the first minute {growth:+.1%} (peak {peak_growth:+.1%}; target < "
        f"{GROWTH_TARGET:.0%})  {'ok' if ok else 'MISSED'}\n"
        f"  portal process (information) {baseline[2]:7.1f} MB → {last[2]:7.1f} MB "
        f"({portal_growth:+.1%})"
    )
    return 0 if ok else EXIT_TARGET_MISSED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of a round")
    parser.add_argument("--users", type=int, default=204, help="Locust users (6 per province)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each mode")
    parser.add_argument("--soak", action="store_true", help="the 10-minute memory run instead")
    parser.add_argument("--soak-minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=5.0, help="soak: dossiers per second")
    parser.add_argument("--child", choices=("mix", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    parser.add_argument("--password", help=argparse.SUPPRESS)
    parser.add_argument("--partition", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--sso-secret", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seconds < 3 * SAMPLE_EVERY or args.users < 1 or args.repeat < 1:
        parser.error("--seconds must be at least 6, --users and --repeat at least 1")
    if args.child == "mix":
        print(
            json.dumps(
                _child_mix(
                    args.host,
                    args.password,
                    args.seconds,
                    args.users,
                    args.partition,
                    args.sso_secret,
                )
            )
        )
        return 0
    if args.child == "bare":
        print(json.dumps(_child_bare(args.host, args.password, args.seconds, args.users)))
        return 0
    return soak(args) if args.soak else efficiency(args)


if __name__ == "__main__":
    sys.exit(main())
