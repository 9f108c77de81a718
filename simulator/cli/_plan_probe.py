"""`portalsim plan probe` (the breaking point under open-model load) and `portalsim plan worker`
(a load process of a probe spread over machines).

Everything is checked before any load starts: the SLO, the rates, the province and month (their
modelled need), the output folder, then whether the target accepts connections. Only then is
Locust imported (`simulator.load`, which monkey-patches the standard library through gevent).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO, TypeVar
from urllib.parse import urlsplit

import click

from mock_portal.lifeline import child_environment, follow_parent
from simulator.cli._durations import parse_seconds
from simulator.cli._streams import stdout
from simulator.errors import EXIT_PERFORMANCE, InfrastructureError, UsageError
from simulator.planning.arrivals import ARRIVALS
from simulator.planning.openmodel import FLOWS, StepPlan, StepResult
from simulator.planning.probe import Need, ProbeResult, StepOutcome, run_probe, step_rates
from simulator.planning.probe_report import (
    header_line,
    render_html,
    render_json,
    render_text,
    step_line,
)
from simulator.planning.slo import SloError, parse_slo

__all__ = [
    "check_target",
    "load_options",
    "probe_command",
    "reachable",
    "stderr",
    "with_load",
    "worker_command",
]

T = TypeVar("T")

#: how long a probe waits for its load workers to connect
WORKER_WAIT_SECONDS = 60.0


def stderr() -> TextIO:
    context = click.get_current_context()
    stream: TextIO | None = (context.obj or {}).get("stderr")
    return stream or sys.stderr


def check_target(target: str) -> tuple[str, int]:
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--target {target!r}: expected an http(s) URL like http://127.0.0.1:8080/"
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UsageError(f"--target {target!r}: the port is not a number from 1 to 65535") from None
    return parts.hostname, port


def reachable(host: str, port: int, target: str) -> None:
    """Exit 4 before anything starts when the target refuses connections."""
    try:
        socket.create_connection((host, port), timeout=5.0).close()
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise InfrastructureError(
            f"target {target} does not accept connections: {reason}"
        ) from None


def _need(province: str | None, month: str | None) -> tuple[Need | None, str | None]:
    """The modelled peak need of the province and month, and the province's unit code."""
    if province is None and month is None:
        return None, None
    if province is None or month is None:
        raise UsageError("--province and --month go together (the need of a province in a month)")
    from simulator.planning import ModelInputError, ProvinceNotFound, TrafficModel

    try:
        model = TrafficModel.from_province(province)
        peak = model.peak(month)
    except (ProvinceNotFound, ModelInputError) as error:
        raise UsageError(str(error)) from None
    note = f"at {peak.minute:%Y-%m-%d %H:%M} ({peak.weekday}), the month's busiest minute"
    need = Need(peak.province, peak.province_name, peak.month, peak.rate, note)
    return need, model.province.profile.unit


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def _workers(count: int, port: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` local load workers connecting to the master on `port`; stopped on the way out."""
    command = [sys.executable, "-m", "simulator.cli", "plan", "worker"]
    command += ["--master-host", "127.0.0.1", "--master-port", str(port)]
    quiet = None if os.environ.get("PORTALSIM_DEBUG") else subprocess.DEVNULL
    started = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=quiet, env=child_environment())
        for _ in range(count)
    ]
    try:
        yield started
    finally:
        for process in started:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


#: the options `plan probe` and `plan load` share: the flow, the arrivals, the load processes,
#: their limits and the output format (the command's own come before them in --help)
_LOAD_OPTIONS = (
    click.option(
        "--arrivals",
        type=click.Choice(ARRIVALS),
        default="constant",
        show_default=True,
        help="Evenly spaced arrivals, or a Poisson process (seeded by --seed).",
    ),
    click.option(
        "--seed", default=1, show_default=True, type=int, help="Seed of Poisson arrivals."
    ),
    click.option(
        "--flow",
        type=click.Choice(FLOWS),
        default="get",
        show_default=True,
        help="get: GET the target URL; catalogue: DVCQG catalogue reads by logged-in units.",
    ),
    click.option(
        "--unit",
        "units",
        multiple=True,
        metavar="CODE",
        help="Unit agency code the catalogue flow logs in as (repeatable; plan probe with "
        "--province: that province's by default).",
    ),
    click.option(
        "--unit-password",
        default="demo",
        show_default=True,
        envvar="PORTALSIM_PASSWORD",
        help="The units' password (portalsim serve --demo: demo).",
    ),
    click.option(
        "--processes",
        default=1,
        show_default=True,
        type=click.IntRange(1, 64),
        help="Local load processes (Locust master/worker on this machine).",
    ),
    click.option(
        "--expect-workers",
        type=click.IntRange(1, 1024),
        help="Wait for this many `portalsim plan worker` processes (other machines) instead.",
    ),
    click.option("--master-bind-host", default="127.0.0.1", show_default=True, metavar="HOST"),
    click.option("--master-bind-port", type=click.IntRange(1, 65535), metavar="PORT"),
    click.option(
        "--max-in-flight",
        default=1000,
        show_default=True,
        type=click.IntRange(1, 100_000),
        help="Requests awaiting an answer per process; a start beyond it is dropped.",
    ),
    click.option(
        "--late-after", default="10ms", show_default=True, help="A start this late is late."
    ),
    click.option("--timeout", default="30s", show_default=True, help="A request's time limit."),
    click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text"),
)

F = TypeVar("F", bound=Callable[..., int])


def load_options(command: F) -> F:
    """Decorate a command with the shared load options, in their order."""
    for option in reversed(_LOAD_OPTIONS):
        command = option(command)
    return command


@click.command("probe")
@click.option("--target", required=True, metavar="URL", help="The service to probe.")
@click.option("--province", metavar="CODE", help="GSO code: measure against its modelled need.")
@click.option("--month", metavar="YYYY-MM", help="The month whose peak need to measure against.")
@click.option(
    "--slo",
    default="p95<500ms,errors<1%",
    show_default=True,
    help="Conditions every step must meet: p50/p90/p95/p99/p99.9/max/mean<DURATION, errors<N%.",
)
@click.option("--start", default=10.0, show_default=True, type=float, help="First rate (req/s).")
@click.option("--step", default=10.0, show_default=True, type=float, help="Rate added per step.")
@click.option("--max", "maximum", default=200.0, show_default=True, type=float, help="Last rate.")
@click.option("--hold", default="30s", show_default=True, help="How long each rate is held.")
@load_options
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Write probe.json, probe.txt and probe.html (charts) here.",
)
def probe_command(
    target: str,
    province: str | None,
    month: str | None,
    slo: str,
    start: float,
    step: float,
    maximum: float,
    hold: str,
    arrivals: str,
    seed: int,
    flow: str,
    units: tuple[str, ...],
    unit_password: str,
    processes: int,
    expect_workers: int | None,
    master_bind_host: str,
    master_bind_port: int | None,
    max_in_flight: int,
    late_after: str,
    timeout: str,
    output: Path | None,
    fmt: str,
) -> int:
    """Step the open-model arrival rate up until the SLO breaks: the maximum sustainable rate,
    the knee, and the headroom against a province's modelled peak need.

    \b
    Exit codes: 0 probe done (headroom ≥ 1 when --province is given) · 2 bad input, nothing
    started · 3 the maximum sustainable rate is below the modelled need · 4 the target
    refuses connections (or load workers did not connect).
    """
    try:
        objective = parse_slo(slo)
    except SloError as error:
        raise UsageError(str(error)) from None
    try:
        rates = step_rates(start, step, maximum)
    except ValueError as error:
        raise UsageError(str(error)) from None
    hold_seconds = parse_seconds("--hold", hold)
    late_seconds = parse_seconds("--late-after", late_after)
    timeout_seconds = parse_seconds("--timeout", timeout)
    host, port = check_target(target)
    need, province_unit = _need(province, month)
    if flow == "catalogue" and not units:
        if province_unit is None:
            raise UsageError("--flow catalogue: name the units (--unit CODE) or a --province")
        units = (province_unit,)
    reachable(host, port, target)
    if output is not None:
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"--output {output}: cannot create it: {error.strerror}") from None

    plan = StepPlan(
        target=target,
        rate=rates[0],
        duration=hold_seconds,
        flow=flow,
        arrivals=arrivals,
        seed=seed,
        max_in_flight=max_in_flight,
        late_after=late_seconds,
        timeout=timeout_seconds,
        units=units,
        password=unit_password,
    )
    err = stderr()
    err.write(f"probe: {target}, SLO {objective.text}, {len(rates)} steps of {hold_seconds:g} s\n")
    err.write(header_line() + "\n")

    def progress(outcome: StepOutcome) -> None:
        err.write(step_line(outcome) + "\n")
        err.flush()

    result = ProbeResult(target, flow, objective, hold_seconds, arrivals, need=need)
    used = expect_workers or processes
    result.steps = with_load(
        processes,
        expect_workers,
        master_bind_host,
        master_bind_port,
        lambda run: run_probe(rates, lambda rate: run(plan.at_rate(rate)), objective, progress),
    )

    text = render_text(result, used)
    document = render_json(result, used)
    if output is not None:
        (output / "probe.txt").write_text(text, encoding="utf-8")
        (output / "probe.json").write_text(document, encoding="utf-8")
        (output / "probe.html").write_text(render_html(result, used), encoding="utf-8")
    stdout().write(document if fmt == "json" else text)
    return 0 if result.holds_need else EXIT_PERFORMANCE


def with_load(
    processes: int,
    expect_workers: int | None,
    bind_host: str,
    bind_port: int | None,
    use: Callable[[Callable[[StepPlan], StepResult]], T],
) -> T:
    """Call `use` with a function that runs one open-model step: in this process, or shared
    between local workers (`processes` > 1) or remote ones (`expect_workers`) by a Locust
    master. Locust is imported here, after every check."""
    from simulator import load  # Locust and gevent from here on
    from simulator.synthetic import LoginRefused

    try:
        if expect_workers is None and processes == 1:
            return use(lambda plan: load.run_open_step(plan)[0])
        port = bind_port or (5557 if expect_workers else _free_port())
        master = load.OpenModelMaster(bind_host, port)
        with _workers(0 if expect_workers else processes, port):
            try:
                master.wait_for_workers(expect_workers or processes, WORKER_WAIT_SECONDS)
                return use(master.run_step)
            finally:
                master.quit()  # the workers end with the master
    except LoginRefused as refused:
        raise InfrastructureError(f"{refused} (check --unit and --unit-password)") from None


@click.command("worker")
@click.option("--master-host", required=True, metavar="HOST", help="The probe's machine.")
@click.option("--master-port", default=5557, show_default=True, type=click.IntRange(1, 65535))
def worker_command(master_host: str, master_port: int) -> int:
    """A load process for a probe on another machine (`portalsim plan probe --expect-workers`):
    runs the steps the probe sends and reports its histograms; ends when the probe does."""
    from simulator import load

    # started by `portalsim plan probe`: do not outlive it (after `load` is imported, gevent
    # has patched threading, so the watchdog is a greenlet beside Locust's)
    follow_parent()
    load.serve_worker(master_host, master_port)
    return 0
