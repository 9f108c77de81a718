"""How fast `portalsim validate` checks a capture, against bare jsonschema, and in how much memory.

Throughput (default): a seeded synthetic journal of realistic OpenCPS traffic
(`_synthetic_capture.py`, ~3 % defective messages) is written to a temporary directory, then, in
one run and with rounds interleaved so machine noise hits both alike, measures

  (a) the whole pipeline: `simulator.validation.validate_capture` with default options, i.e.
      reading the NDJSON file, both schema engines, every semantic rule and the lifecycle ledger;
  (b) bare `jsonschema.Draft202012Validator(document).iter_errors(body)`, drained, over the same
      messages already parsed in memory (one validator per message kind, built once);

and reports the median messages per second of each and the ratio (a)/(b). Target: ratio >= 5.

Memory (`--memory`): streams a ~1 GB capture to disk, runs `portalsim validate FILE --format json
--output /dev/null` in a subprocess and reports its peak RSS. Target: < 300 MB.

    .venv/bin/python benchmarks/validate_throughput.py [--messages 200000] [--seed 1] [--repeat 3]
    .venv/bin/python benchmarks/validate_throughput.py --memory [--memory-gb 1.0]

Exit 0 when every target measured is met, 3 when one is missed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _synthetic_capture import EXPECTED_RULES, Stats, write_capture

from contracts import MessageKind
from contracts.profiles import load as load_profile
from simulator.capture import read_capture
from simulator.validation import ValidationOptions, build_context, validate_capture

RATIO_TARGET = 5.0
RSS_TARGET_MB = 300.0
EXIT_TARGET_MISSED = 3


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    value: str
    target: str = ""
    met: bool | None = None


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    width = max(len(row.label) for row in rows)
    value_width = max(len(row.value) for row in rows)
    for row in rows:
        verdict = "" if row.met is None else ("  ok" if row.met else "  MISSED")
        target = f"  (target {row.target})" if row.target else ""
        print(f"  {row.label:<{width}}  {row.value:>{value_width}}{target}{verdict}")


def generate(
    path: Path, seed: int, *, messages: int | None = None, max_bytes: int | None = None
) -> tuple[Stats, float]:
    start = time.perf_counter()
    stats = write_capture(path, seed, messages=messages, max_bytes=max_bytes)
    return stats, time.perf_counter() - start


def describe_capture(stats: Stats, seconds: float) -> None:
    kinds = ", ".join(f"{kind} {count}" for kind, count in stats.kinds.most_common())
    defects = ", ".join(
        f"{defect} {count} ({EXPECTED_RULES[defect]})" for defect, count in stats.defects.items()
    )
    print(
        f"capture: {stats.messages} messages, {stats.bytes / 1e6:.0f} MB, {stats.dossiers} "
        f"dossiers, generated in {seconds:.1f} s\n  kinds: {kinds}\n"
        f"  defective dossiers: {defects}\n"
        f"  defective messages: {stats.defective_messages} "
        f"({100 * stats.defective_messages / max(stats.messages, 1):.1f} %)"
    )


# -- throughput -------------------------------------------------------------------------------


def _memo_caches() -> Iterator[Any]:
    """Bounded memo caches of the rules (wire dates, folded text, deadlines…), warm after a run.

    A `portalsim validate` process starts with them empty, so every timed round does too. The
    unbounded `@cache`s hold loaded data (profile, catalogue, calendar): set-up, done once.
    """
    for name, module in list(sys.modules.items()):
        if not name.startswith(("contracts", "simulator")):
            continue
        for value in vars(module).values():
            info = getattr(value, "cache_info", None)
            if callable(info) and hasattr(value, "cache_clear") and info().maxsize is not None:
                yield value


@dataclass(frozen=True, slots=True)
class Rate:
    """Messages per second of one round, by the wall clock and by this process's CPU time."""

    wall: float
    cpu: float


class _Timer:
    def __enter__(self) -> _Timer:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rate(self, messages: int) -> Rate:
        return Rate(messages / self.wall, messages / self.cpu)


@dataclass(frozen=True, slots=True)
class PipelineRun:
    rate: Rate
    by_rule: dict[str, int]
    #: messages with at least one finding
    flagged: int


def run_pipeline(capture: Path, expected_messages: int) -> PipelineRun:
    for cached in _memo_caches():
        cached.cache_clear()
    gc.collect()
    with _Timer() as timer:
        result = validate_capture(capture, ValidationOptions())
    try:
        if result.messages != expected_messages:
            raise SystemExit(f"pipeline read {result.messages} messages, not {expected_messages}")
        flagged = len({finding.message for finding in result.findings()})
        return PipelineRun(timer.rate(result.messages), dict(result.by_rule), flagged)
    finally:
        result.close()


def load_bodies(capture: Path) -> list[tuple[MessageKind, Any]]:
    """Every message of the capture that has a schema, parsed, as (kind, body)."""
    kinds = load_profile().schemas.kinds()
    return [
        (captured.message.kind, captured.message.body)
        for captured in read_capture(capture)
        if captured.parse_error is None and captured.message.kind in kinds
    ]


def bare_validators() -> dict[MessageKind, jsonschema.Draft202012Validator]:
    schemas = load_profile().schemas
    return {
        kind: jsonschema.Draft202012Validator(schemas.document(kind)) for kind in schemas.kinds()
    }


def run_bare(
    bodies: list[tuple[MessageKind, Any]],
    validators: dict[MessageKind, jsonschema.Draft202012Validator],
) -> tuple[Rate, int]:
    gc.collect()
    errors = 0
    with _Timer() as timer:
        for kind, body in bodies:
            for _error in validators[kind].iter_errors(body):
                errors += 1
    return timer.rate(len(bodies)), errors


def interleaved(
    rounds: int, pipeline: Callable[[], Rate], bare: Callable[[], Rate]
) -> tuple[list[Rate], list[Rate]]:
    pipeline_rates: list[Rate] = []
    bare_rates: list[Rate] = []
    for number in range(rounds):
        pipeline_rates.append(pipeline())
        bare_rates.append(bare())
        a, b = pipeline_rates[-1], bare_rates[-1]
        print(
            f"  round {number + 1}/{rounds}: pipeline {a.wall:,.0f} msg/s, "
            f"bare {b.wall:,.0f} msg/s, ratio {a.wall / b.wall:.2f} "
            f"(by CPU time: {a.cpu:,.0f}, {b.cpu:,.0f}, {a.cpu / b.cpu:.2f})"
        )
    return pipeline_rates, bare_rates


def throughput(args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix="portalsim-bench-") as folder:
        capture = Path(folder) / "capture.ndjson"
        stats, seconds = generate(capture, args.seed, messages=args.messages)
        describe_capture(stats, seconds)

        load_profile()  # set-up a CLI run does once; not what this benchmark times
        build_context(ValidationOptions())
        bodies = load_bodies(capture)
        validators = bare_validators()
        run_bare(bodies[:200], validators)  # first use of each validator resolves its $refs
        # The parsed bodies live through every pipeline round: keep them out of the collector's
        # way, or the pipeline would pay for scanning them.
        gc.freeze()

        last = PipelineRun(Rate(0.0, 0.0), {}, 0)
        bare_errors = 0

        def pipeline() -> Rate:
            nonlocal last
            last = run_pipeline(capture, stats.messages)
            return last.rate

        def bare() -> Rate:
            nonlocal bare_errors
            rate, bare_errors = run_bare(bodies, validators)
            return rate

        print(f"\nmeasuring, {args.repeat} rounds interleaved (pipeline, bare jsonschema):")
        pipeline_rates, bare_rates = interleaved(args.repeat, pipeline, bare)
        gc.unfreeze()

    pipeline_wall = statistics.median(rate.wall for rate in pipeline_rates)
    bare_wall = statistics.median(rate.wall for rate in bare_rates)
    pipeline_cpu = statistics.median(rate.cpu for rate in pipeline_rates)
    bare_cpu = statistics.median(rate.cpu for rate in bare_rates)
    ratio = pipeline_wall / bare_wall
    findings = ", ".join(f"{rule} {count}" for rule, count in sorted(last.by_rule.items()))
    print(f"\nfindings of the pipeline: {findings}")
    print(f"messages with findings: {last.flagged} (planted defects: {stats.defective_messages})")
    print(
        f"schema errors of bare jsonschema: {bare_errors} in {len(bodies)} messages with a schema"
    )
    print_table(
        f"validate throughput — {stats.messages} messages, median of {args.repeat} "
        f"({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"jsonschema {_version('jsonschema')}, jsonschema-rs {_version('jsonschema_rs')})",
        [
            Row("(a) pipeline, validate_capture", f"{pipeline_wall:,.0f} msg/s"),
            Row("(b) bare jsonschema iter_errors", f"{bare_wall:,.0f} msg/s"),
            Row("ratio (a)/(b)", f"{ratio:.2f}×", f"≥ {RATIO_TARGET:g}", ratio >= RATIO_TARGET),
            Row("(a) by CPU time", f"{pipeline_cpu:,.0f} msg/s"),
            Row("(b) by CPU time", f"{bare_cpu:,.0f} msg/s"),
            Row("ratio by CPU time (information)", f"{pipeline_cpu / bare_cpu:.2f}×"),
        ],
    )
    return ratio >= RATIO_TARGET


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module.replace("_", "-"))
    except PackageNotFoundError:
        return "?"


# -- memory -----------------------------------------------------------------------------------

_MAX_RSS = re.compile(rb"Maximum resident set size \(kbytes\): (\d+)")


def memory(args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix="portalsim-bench-") as folder:
        capture = Path(folder) / "capture.ndjson"
        stats, seconds = generate(capture, args.seed, max_bytes=int(args.memory_gb * 1e9))
        describe_capture(stats, seconds)
        command = [
            sys.executable,
            "-m",
            "simulator.cli",
            "validate",
            str(capture),
            "--format",
            "json",
            "--output",
            os.devnull,
        ]
        gnu_time = shutil.which("time", path="/usr/bin")
        if gnu_time is not None:
            command = [gnu_time, "-v", *command]
        print(f"\nrunning: {' '.join(command)}")
        start = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, check=False)
        elapsed = time.perf_counter() - start
    # The capture carries planted errors: exit 1 (findings) is the expected outcome.
    if completed.returncode not in (0, 1):
        sys.stderr.buffer.write(completed.stderr[-4000:])
        raise SystemExit(f"portalsim validate failed with exit code {completed.returncode}")
    found = _MAX_RSS.search(completed.stderr) if gnu_time is not None else None
    if found is not None:
        peak_mb = int(found.group(1)) / 1024
        source = "/usr/bin/time -v"
    else:
        # ru_maxrss of children is in kilobytes on Linux (bytes on macOS).
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
        source = "getrusage(RUSAGE_CHILDREN)"
    met = peak_mb < RSS_TARGET_MB
    print_table(
        f"validate memory — {stats.bytes / 1e9:.2f} GB, {stats.messages} messages, "
        f"{stats.dossiers} dossiers",
        [
            Row(
                f"peak RSS of portalsim validate ({source})",
                f"{peak_mb:.0f} MB",
                f"< {RSS_TARGET_MB:g} MB",
                met,
            ),
            Row("wall time (incl. start-up and report)", f"{elapsed:.1f} s"),
            Row("throughput of that run", f"{stats.messages / elapsed:,.0f} msg/s"),
            Row("exit code (1: findings, expected)", str(completed.returncode)),
        ],
    )
    return met


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000, help="capture size (messages)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic traffic")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each measurement")
    parser.add_argument(
        "--memory", action="store_true", help="measure peak RSS on a large capture instead"
    )
    parser.add_argument(
        "--memory-gb", type=float, default=1.0, help="size of the --memory capture in GB"
    )
    args = parser.parse_args(argv)
    if args.messages < 1 or args.repeat < 1 or args.memory_gb <= 0:
        parser.error("--messages, --repeat and --memory-gb must be positive")
    mode = "memory" if args.memory else "throughput"
    print(f"portalsim validate {mode} benchmark, seed {args.seed}")
    met = memory(args) if args.memory else throughput(args)
    return 0 if met else EXIT_TARGET_MISSED


if __name__ == "__main__":
    sys.exit(main())
