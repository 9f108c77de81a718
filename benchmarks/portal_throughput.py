"""How far the mock portal is from being the bottleneck: its throughput against a bare endpoint.

In one run, with one load generator (wrk: 1 thread, `--connections` connections, `--duration`
seconds per measurement, all on 127.0.0.1), for each backend:

  (a) the portal: `portalsim serve --workers 1` in a subprocess on a temporary SQLite file or a
      fresh PostgreSQL schema, one unit with a known password, one login; every request is a
      VALID `DongBoHoSoMC` for a new dossier (benchmarks/wrk/dongbo.lua numbers them), checked,
      journaled and committed before it is answered;
  (b) a bare endpoint on the same server stack (benchmarks/_bare_app.py: Starlette under uvicorn
      with uvloop and httptools, one process) that reads the body, parses it with orjson and
      answers {"error_code":0};

measured `--repeat` times interleaved (a, b, a, b, …; medians reported), then (a) again at HALF
its median maximum rate, paced by wrk (benchmarks/wrk/dongbo.lua `delay()`), for p50/p99
latency. Every answer must be HTTP 200 with error_code 0, and at the end the portal's journal
must hold one DongBoHoSoMC row per request answered, plus those wrk cut off in flight when a run
ended (the portal still stores them; wrk no longer reads the answer).

The portal's clock is real time, so findings such as LC-007 (late sync: the messages say the
dossiers were received on 2 March 2026) are recorded with each message, as they would be.

Targets: (a)/(b) >= 0.35 on SQLite and >= 0.25 on PostgreSQL; p99 < 20 ms at half the maximum.

    .venv/bin/python benchmarks/portal_throughput.py [--backend sqlite|postgresql|both]
        [--duration 10] [--repeat 3] [--connections 32] [--warmup 2] [--postgres URL]
        [--port PORT] [--bare-port PORT]

PostgreSQL defaults to PORTALSIM_TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/test;
the run works in a scratch schema it drops afterwards. With `--backend both` (the default) an
unreachable server is skipped with a message; with `--backend postgresql` it is exit 4.

Exit 0 when every target is met, 3 when one is missed (or an answer or the journal is wrong),
2 on a usage error (wrk missing, a port busy), 4 when a server or the database cannot be used.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mock_portal.store import Store, StoreError, mask_url  # noqa: E402

LUA_SCRIPT = ROOT / "benchmarks" / "wrk" / "dongbo.lua"
BARE_APP = ROOT / "benchmarks" / "_bare_app.py"
TEMPLATES = ROOT / "tests" / "contracts" / "cases" / "rules" / "_templates.json"
INTEGRATION = "/api/dvcqg/integration"
LOGIN = "/api/dvcqg/login"
HOST = "127.0.0.1"
UNIT = "000.00.00.H56"
PASSWORD = "bench-" + "thanh-hoa"
CODE_MARKER = "@@MAHOSO@@"
RECEIPT_DAY = "20260302"  # the YYMMDD in benchmarks/wrk/dongbo.lua's dossier codes
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
RATIO_TARGETS = {"sqlite": 0.35, "postgresql": 0.25}
P99_TARGET_MS = 20.0

EXIT_USAGE = 2
EXIT_TARGET_MISSED = 3
EXIT_INFRASTRUCTURE = 4

CONFIG = f"""mode = "lenient"
[[units]]
code = "{UNIT}"
name = "UBND tỉnh Thanh Hóa"
password = "{PASSWORD}"
"""


class BenchmarkError(Exception):
    """The run cannot go on; `code` is the exit status."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


# wrk -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WrkResult:
    """One wrk run, from the summary line benchmarks/wrk/dongbo.lua prints."""

    requests: int
    duration_s: float
    ok: int
    bad: int
    #: requests built by the script: wrk builds one to check the script, never sent
    sent: int
    p50_ms: float
    p99_ms: float
    socket_errors: int
    sample: str | None
    #: CPU seconds the server process used during the run (None when not measurable)
    server_cpu_s: float | None

    @property
    def rate(self) -> float:
        return self.requests / self.duration_s

    @property
    def cut_off(self) -> int:
        """Requests sent whose answer wrk did not read because the run ended."""
        return self.sent - 1 - self.requests

    @property
    def cpu_us_per_request(self) -> float | None:
        if self.server_cpu_s is None or not self.requests:
            return None
        return self.server_cpu_s / self.requests * 1e6


@dataclass
class Wrk:
    executable: str
    connections: int
    body_file: Path

    def run(
        self, url: str, seconds: int, first: int, server_pid: int, rate: float = 0.0
    ) -> WrkResult:
        command = [
            self.executable,
            "-t1",
            f"-c{self.connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_SCRIPT),
            url,
        ]
        env = {
            **os.environ,
            "PORTALSIM_WRK_BODY": str(self.body_file),
            "PORTALSIM_WRK_FIRST": str(first),
            "PORTALSIM_WRK_RATE": f"{rate:.3f}",
        }
        cpu_before = process_cpu_seconds(server_pid)
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
            )
        except subprocess.TimeoutExpired:
            raise BenchmarkError(EXIT_INFRASTRUCTURE, f"wrk did not finish: {url}") from None
        cpu_after = process_cpu_seconds(server_pid)
        summary = next(
            (line for line in done.stdout.splitlines() if line.startswith("portalsim-wrk ")), None
        )
        if done.returncode != 0 or summary is None:
            output = (done.stdout + done.stderr).strip()
            raise BenchmarkError(EXIT_INFRASTRUCTURE, f"wrk failed on {url}: {output}")
        data = json.loads(summary.removeprefix("portalsim-wrk "))
        cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
        return WrkResult(
            requests=int(data["requests"]),
            duration_s=int(data["duration_us"]) / 1e6,
            ok=int(data["ok"]),
            bad=int(data["bad"]),
            sent=int(data["sent"]),
            p50_ms=int(data["p50_us"]) / 1000,
            p99_ms=int(data["p99_us"]) / 1000,
            socket_errors=int(data["socket_errors"]),
            sample=data["sample"],
            server_cpu_s=cpu,
        )


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def check_port(port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise BenchmarkError(
                EXIT_USAGE, f"port {port} on {HOST} is busy ({error.strerror})"
            ) from None


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace").strip()[-2000:]
        except OSError:
            return ""

    def wait_listening(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(
                    EXIT_INFRASTRUCTURE, f"{self.name} exited at start:\n{self.log_tail()}"
                )
            try:
                socket.create_connection((HOST, self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise BenchmarkError(EXIT_INFRASTRUCTURE, f"{self.name} did not start listening")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running(name: str, command: Sequence[str], port: int, log: Path) -> Iterator[Server]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = Server(name, port, process, log)
    try:
        server.wait_listening()
        yield server
    finally:
        server.stop()


def portal_command(port: int, database: str, config: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "simulator.cli",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
        "--database",
        database,
        "--config",
        str(config),
    ]


def bare_command(port: int) -> list[str]:
    return [sys.executable, str(BARE_APP), "--host", HOST, "--port", str(port)]


def login(base: str) -> str:
    payload = orjson.dumps({"username": UNIT, "password": PASSWORD})
    request = urllib.request.Request(
        base + LOGIN, data=payload, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            session = orjson.loads(answer.read()).get("session")
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise BenchmarkError(EXIT_INFRASTRUCTURE, f"login to the portal failed: {error}") from None
    if not isinstance(session, str) or not session:
        raise BenchmarkError(EXIT_INFRASTRUCTURE, "login to the portal gave no session")
    return session


def body_template(session: str) -> bytes:
    """A valid DongBoHoSoMC (the rule-case template) with the dossier code left as a marker."""
    message: dict[str, Any] = json.loads(TEMPLATES.read_text(encoding="utf-8"))["dongbo"]
    item = message["data"][0]
    if not item["NgayTiepNhan"].startswith(RECEIPT_DAY):
        raise BenchmarkError(
            EXIT_INFRASTRUCTURE,
            f"{TEMPLATES}: NgayTiepNhan {item['NgayTiepNhan']} is not on {RECEIPT_DAY}, "
            "the day benchmarks/wrk/dongbo.lua puts in its dossier codes",
        )
    message["session"] = session
    item["MaHoSo"] = CODE_MARKER
    return orjson.dumps(message)


# databases -----------------------------------------------------------------------------------


def postgres_unreachable(url: str) -> str | None:
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        return " ".join(str(error).split()) or type(error).__name__
    return None


@contextmanager
def database(backend: str, folder: Path, postgres: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder}/portal.sqlite3"
        return
    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        separator = "&" if "?" in postgres else "?"
        yield f"{postgres}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def journaled_messages(url: str) -> int:
    try:
        with Store.open(url) as store:
            return store.journal_count(kind="DongBoHoSoMC")
    except StoreError as error:
        raise BenchmarkError(EXIT_INFRASTRUCTURE, f"cannot read the journal: {error}") from None


# the measurement -----------------------------------------------------------------------------


@dataclass
class BackendResult:
    backend: str
    database: str
    portal: list[WrkResult] = field(default_factory=list)
    bare: list[WrkResult] = field(default_factory=list)
    paced: list[WrkResult] = field(default_factory=list)
    paced_rate: float = 0.0
    #: every run against the portal, warm-up included, for the journal check
    portal_runs: list[WrkResult] = field(default_factory=list)
    journal_rows: int = 0

    @property
    def portal_rate(self) -> float:
        return statistics.median(run.rate for run in self.portal)

    @property
    def bare_rate(self) -> float:
        return statistics.median(run.rate for run in self.bare)

    @property
    def ratio(self) -> float:
        return self.portal_rate / self.bare_rate

    @property
    def p50_ms(self) -> float:
        return statistics.median(run.p50_ms for run in self.paced)

    @property
    def p99_ms(self) -> float:
        return statistics.median(run.p99_ms for run in self.paced)

    @property
    def achieved_rate(self) -> float:
        return statistics.median(run.rate for run in self.paced)

    @property
    def answered(self) -> int:
        return sum(run.requests for run in self.portal_runs)

    @property
    def cut_off(self) -> int:
        return sum(run.cut_off for run in self.portal_runs)

    def wrong_answers(self) -> list[str]:
        problems = []
        for run in (*self.portal_runs, *self.bare):
            if run.bad or run.socket_errors:
                problems.append(
                    f"{run.bad} answer(s) not 200 with error_code 0, {run.socket_errors} socket "
                    f"error(s); first: {run.sample}"
                )
        return problems

    @property
    def journal_ok(self) -> bool:
        return self.journal_rows == self.answered + self.cut_off


@dataclass
class Options:
    duration: int
    warmup: int
    repeat: int
    connections: int
    wrk: str
    postgres: str
    port: int
    bare_port: int


def measure(backend: str, options: Options, folder: Path, bare: Server) -> BackendResult:
    config = folder / "portal.toml"
    config.write_text(CONFIG, encoding="utf-8")
    with database(backend, folder, options.postgres) as url:
        result = BackendResult(backend, mask_url(url))
        port = options.port or free_port()
        log = folder / f"portal-{backend}.log"
        with running("the portal", portal_command(port, url, config), port, log) as portal:
            body_file = folder / f"body-{backend}.json"
            body_file.write_bytes(body_template(login(portal.url)))
            wrk = Wrk(options.wrk, options.connections, body_file)
            portal_url, bare_url = portal.url + INTEGRATION, bare.url + INTEGRATION
            pid = portal.process.pid
            next_dossier = 0

            def on_portal(seconds: int, rate: float = 0.0) -> WrkResult:
                nonlocal next_dossier
                run = wrk.run(portal_url, seconds, next_dossier, pid, rate)
                next_dossier += run.sent
                result.portal_runs.append(run)
                return run

            if options.warmup:
                on_portal(options.warmup)
                wrk.run(bare_url, options.warmup, 0, bare.process.pid)
            for round_ in range(1, options.repeat + 1):
                a = on_portal(options.duration)
                b = wrk.run(bare_url, options.duration, 0, bare.process.pid)
                result.portal.append(a)
                result.bare.append(b)
                print(
                    f"  {backend} round {round_}: portal {a.rate:7.0f} req/s, "
                    f"bare {b.rate:7.0f} req/s, ratio {a.rate / b.rate:.2f}",
                    flush=True,
                )
            result.paced_rate = result.portal_rate / 2
            for round_ in range(1, options.repeat + 1):
                paced = on_portal(options.duration, result.paced_rate)
                result.paced.append(paced)
                print(
                    f"  {backend} paced {round_}: {paced.rate:7.0f} req/s "
                    f"(asked {result.paced_rate:.0f}), p50 {paced.p50_ms:.1f} ms, "
                    f"p99 {paced.p99_ms:.1f} ms",
                    flush=True,
                )
        # The portal has shut down: its writer has committed everything it accepted.
        result.journal_rows = journaled_messages(url)
    return result


# the report ----------------------------------------------------------------------------------


def report(results: list[BackendResult], options: Options, load: tuple[float, float]) -> bool:
    """Print the figures of every backend; True when every target is met."""
    all_met = True
    print(
        f"\nMock portal throughput: wrk 1 thread, {options.connections} connections, "
        f"{options.duration} s per run, medians of {options.repeat} interleaved rounds; "
        f"{os.cpu_count()} CPUs shared by wrk, the servers and the database; "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after"
    )
    for result in results:
        target = RATIO_TARGETS[result.backend]
        ratio_met = result.ratio >= target
        p99_met = result.p99_ms < P99_TARGET_MS
        wrong = result.wrong_answers()
        answers_met = not wrong and result.journal_ok
        all_met = all_met and ratio_met and p99_met and answers_met
        a_cpu = _median_or_none([run.cpu_us_per_request for run in result.portal])
        b_cpu = _median_or_none([run.cpu_us_per_request for run in result.bare])
        print(f"\n{result.backend} ({result.database})")
        print(f"  (a) portal, valid DongBoHoSoMC      {result.portal_rate:8.0f} req/s{_cpu(a_cpu)}")
        print(f"  (b) bare endpoint, same stack       {result.bare_rate:8.0f} req/s{_cpu(b_cpu)}")
        print(
            f"  ratio (a)/(b)                       {result.ratio:8.2f}"
            f"        target >= {target:.2f}  {_verdict(ratio_met)}"
        )
        print(
            f"  (a) at half its maximum             {result.achieved_rate:8.0f} req/s"
            f" (asked {result.paced_rate:.0f})"
        )
        print(
            f"      latency p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
            f"        target p99 < {P99_TARGET_MS:.0f} ms  {_verdict(p99_met)}"
        )
        print(
            f"  answers: {result.answered} × HTTP 200 error_code 0; journal: "
            f"{result.journal_rows} DongBoHoSoMC rows = {result.answered} answered + "
            f"{result.cut_off} cut off in flight when wrk stopped  {_verdict(answers_met)}"
        )
        for problem in wrong:
            print(f"    {problem}")
        if not result.journal_ok:
            print(
                f"    journal holds {result.journal_rows} rows, expected "
                f"{result.answered + result.cut_off}"
            )
    return all_met


def _median_or_none(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _cpu(us: float | None) -> str:
    return "" if us is None else f"  (server CPU {us:.0f} µs/request)"


def _verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


# main ----------------------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="both", help="(both)"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up, 0: none (2)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument(
        "--postgres",
        "--database",
        default=os.environ.get("PORTALSIM_TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
        help="PostgreSQL server URL; the run uses a scratch schema",
    )
    parser.add_argument("--port", type=int, default=0, help="portal port (default: a free one)")
    parser.add_argument("--bare-port", type=int, default=0, help="bare port (default: free)")
    args = parser.parse_args(argv)
    for name, low in (("duration", 1), ("warmup", 0), ("repeat", 1), ("connections", 1)):
        if getattr(args, name) < low:
            parser.error(f"--{name} must be at least {low}")
    if not 0 <= args.port < 65536 or not 0 <= args.bare_port < 65536:
        parser.error("ports are between 1 and 65535")
    if args.port and args.port == args.bare_port:
        parser.error("--port and --bare-port must differ")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    try:
        return run(args)
    except BenchmarkError as error:
        print(f"portal_throughput: {error}", file=sys.stderr)
        return error.code


def run(args: argparse.Namespace) -> int:
    executable = shutil.which("wrk")
    if executable is None:
        raise BenchmarkError(EXIT_USAGE, "wrk not found on PATH: apt-get install wrk")
    for port in (args.port, args.bare_port):
        if port:
            check_port(port)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends:
        reason = postgres_unreachable(args.postgres)
        if reason is not None:
            message = f"PostgreSQL at {mask_url(args.postgres)} is unreachable ({reason})"
            if args.backend == "postgresql":
                raise BenchmarkError(EXIT_INFRASTRUCTURE, message)
            print(f"{message}: PostgreSQL skipped", flush=True)
            backends.remove("postgresql")
    options = Options(
        duration=args.duration,
        warmup=args.warmup,
        repeat=args.repeat,
        connections=args.connections,
        wrk=executable,
        postgres=args.postgres,
        port=args.port,
        bare_port=args.bare_port,
    )
    results = []
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="portal-throughput-") as folder_name:
        folder = Path(folder_name)
        bare_port = args.bare_port or free_port()
        with running(
            "the bare endpoint", bare_command(bare_port), bare_port, folder / "bare.log"
        ) as bare:
            for backend in backends:
                try:
                    results.append(measure(backend, options, folder, bare))
                except psycopg.Error as error:
                    raise BenchmarkError(
                        EXIT_INFRASTRUCTURE, f"PostgreSQL failed: {' '.join(str(error).split())}"
                    ) from None
    met = report(results, options, (load_before, load_average()))
    return 0 if met else EXIT_TARGET_MISSED


if __name__ == "__main__":
    sys.exit(main())
