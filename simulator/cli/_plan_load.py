"""`portalsim plan load`: one open-model run at a constant or ramping rate (Poisson arrivals
optionally), measured from each request's intended start; the probe's building block."""

from __future__ import annotations

import click

from simulator.cli._durations import parse_seconds
from simulator.cli._plan_probe import (
    check_target,
    load_options,
    reachable,
    stderr,
    with_load,
)
from simulator.cli._streams import stdout
from simulator.errors import EXIT_PERFORMANCE, UsageError
from simulator.planning.arrivals import ArrivalPlan
from simulator.planning.openmodel import StepPlan
from simulator.planning.probe import StepOutcome
from simulator.planning.probe_report import header_line, step_line
from simulator.planning.slo import SloError, parse_slo

__all__ = ["load_command"]


@click.command("load")
@click.option("--target", required=True, metavar="URL", help="The service to load.")
@click.option("--rate", required=True, type=float, help="Arrivals per second (at the start).")
@click.option("--to", "end_rate", type=float, help="Ramp linearly to this rate by the end.")
@click.option("--duration", default="30s", show_default=True, help="How long arrivals come.")
@click.option("--slo", help="Exit 3 when the run breaks these conditions (as plan probe).")
@load_options
def load_command(
    target: str,
    rate: float,
    end_rate: float | None,
    duration: str,
    arrivals: str,
    seed: int,
    flow: str,
    units: tuple[str, ...],
    unit_password: str,
    slo: str | None,
    processes: int,
    expect_workers: int | None,
    master_bind_host: str,
    master_bind_port: int | None,
    max_in_flight: int,
    late_after: str,
    timeout: str,
    fmt: str,
) -> int:
    """Send open-model load at --rate (ramping to --to) for --duration and report the latency
    percentiles from each request's intended start, late and dropped starts, and errors.

    \b
    Exit codes: 0 done (and within --slo) · 2 bad input, nothing started · 3 --slo broken ·
    4 the target refuses connections.
    """
    try:
        objective = parse_slo(slo) if slo is not None else None
    except SloError as error:
        raise UsageError(str(error)) from None
    seconds = parse_seconds("--duration", duration)
    try:
        ArrivalPlan(rate, seconds, end_rate, arrivals, seed)
    except ValueError as error:
        raise UsageError(f"--rate/--to: {error}") from None
    if flow == "catalogue" and not units:
        raise UsageError("--flow catalogue: name the units (--unit CODE)")
    host, port = check_target(target)
    reachable(host, port, target)
    plan = StepPlan(
        target=target,
        rate=rate,
        duration=seconds,
        flow=flow,
        end_rate=end_rate,
        arrivals=arrivals,
        seed=seed,
        max_in_flight=max_in_flight,
        late_after=parse_seconds("--late-after", late_after),
        timeout=parse_seconds("--timeout", timeout),
        units=units,
        password=unit_password,
    )
    ramp = f" to {end_rate:g}/s" if end_rate is not None else ""
    stderr().write(f"load: {target}, {rate:g}/s{ramp} for {seconds:g} s, {arrivals} arrivals\n")
    result = with_load(
        processes, expect_workers, master_bind_host, master_bind_port, lambda run: run(plan)
    )
    broken = objective.broken(result.latency.summary(), result.error_share) if objective else []
    outcome = StepOutcome(result, broken)
    out = stdout()
    if fmt == "json":
        import orjson

        document = {"target": target, "end_rate": end_rate, **outcome.to_json()}
        out.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        out.write(header_line() + "\n" + step_line(outcome) + "\n")
        service, lag = result.service.summary(), result.lag.summary()
        out.write(
            f"service time (from the actual start) p99 {service.get('p99')} ms; start lag "
            f"p99 {lag.get('p99')} ms; errors {dict(result.errors) or 'none'}\n"
        )
        for condition in broken:
            out.write(f"SLO broken: {condition}\n")
    return EXIT_PERFORMANCE if broken else 0
