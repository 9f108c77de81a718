"""Regenerate docs/reliability.md: run the reliability suites, collect their figures, render.

    .venv/bin/python benchmarks/reliability_report.py                     # 60-second soak
    .venv/bin/python benchmarks/reliability_report.py --soak-seconds 600  # the ten-minute soak
    .venv/bin/python benchmarks/reliability_report.py --slow              # + the long variants
    .venv/bin/python benchmarks/reliability_report.py --render-only DIR   # figures already there

Each suite is a pytest run with `PORTALSIM_RELIABILITY_OUT` set to the figures folder; the tests
write what they tried and saw there (`tests/_figures.py`), and pytest's JUnit XML gives each
suite's outcome. The document is rendered from those files alone, so `--render-only` on a kept
folder gives the same page. A suite whose tests are not in the tree is listed as not run.

Figures a suite records are rendered generically unless this script knows the suite: scalars as
a table, a mapping of mappings as a table with a row per key, a `notes` list as bullets (a way
for a suite to say in words what it tried).

Exit status: 0 when every suite passed, 1 when one failed (the page is written either way, and
says so), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "reliability.md"
COMMAND = ".venv/bin/python benchmarks/reliability_report.py"


@dataclass(frozen=True)
class Suite:
    name: str
    title: str
    paths: tuple[str, ...]
    #: pytest -m expression in the default run, and with --slow
    marks: str = "not slow"
    slow_marks: str = "slow or not slow"


SUITES = (
    Suite(
        "durability",
        "Crash durability",
        (
            "tests/mock_portal/durability/test_crash.py",
            "tests/mock_portal/durability/test_batch_kill.py",
            "tests/mock_portal/test_replay.py",
            "tests/mock_portal/test_session_trust.py",
            "tests/mock_portal/store/test_integrity.py",
        ),
        slow_marks="not soak",
    ),
    Suite("fuzzing", "Fuzzing", ("tests/mock_portal/fuzz",)),
    Suite(
        "security",
        "Isolation and security",
        ("tests/mock_portal/security", "tests/mock_portal/isolation"),
    ),
    Suite("soak", "Soak", ("tests/mock_portal/durability/test_soak.py",), "soak", "soak"),
)


@dataclass
class Outcome:
    tests: int = 0
    failures: int = 0
    skipped: int = 0
    seconds: float = 0.0
    ran: bool = False
    failed_names: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.ran and self.failures == 0 and self.tests > self.skipped


def run_suite(suite: Suite, figures: Path, *, slow: bool, env: dict[str, str]) -> None:
    paths = [path for path in suite.paths if (ROOT / path).exists()]
    if not paths:
        return
    junit = figures / f"{suite.name}.junit.xml"
    marks = suite.slow_marks if slow else suite.marks
    command = [
        str(ROOT / ".venv" / "bin" / "python"),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        marks,
        f"--junitxml={junit}",
        *paths,
    ]
    print(f"reliability_report: {suite.name}: {' '.join(command[3:])}", file=sys.stderr)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=False)
    print(f"reliability_report: {suite.name}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    write_meta(figures, suite, marks, env)


def read_outcome(figures: Path, suite: Suite) -> Outcome:
    junit = figures / f"{suite.name}.junit.xml"
    if not junit.exists():
        return Outcome()
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    outcome = Outcome(ran=True)
    failed = []
    for node in suites:
        outcome.tests += int(node.get("tests", 0))
        outcome.failures += int(node.get("failures", 0)) + int(node.get("errors", 0))
        outcome.skipped += int(node.get("skipped", 0))
        outcome.seconds += float(node.get("time", 0))
        for case in node.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed.append(case.get("name", "?"))
    outcome.failed_names = tuple(failed)
    return outcome


def read_figures(figures: Path, suite: Suite | str) -> dict[str, Any]:
    name = suite if isinstance(suite, str) else suite.name
    path = figures / f"{name}.json"
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# rendering ------------------------------------------------------------------------------------


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False).replace("|", "\\|")
    return str(value).replace("|", "\\|")


def render_generic(data: dict[str, Any], level: str = "###") -> list[str]:
    """Scalars as one table, mappings of mappings as a table each, `notes` as bullets."""
    lines: list[str] = []
    notes = data.get("notes")
    if isinstance(notes, list):
        lines += [f"- {note}" for note in notes] + [""]
    scalars = [[key, value] for key, value in data.items() if not isinstance(value, dict | list)]
    if scalars:
        lines += table(["figure", "value"], scalars)
    for key, value in data.items():
        if not isinstance(value, dict) or key == "notes":
            continue
        lines.append(f"{level} {key}")
        lines.append("")
        if value and all(isinstance(inner, dict) for inner in value.values()):
            columns = sorted({column for inner in value.values() for column in inner})
            if all(not isinstance(v, dict) for inner in value.values() for v in inner.values()):
                rows = [
                    [name, *(inner.get(c, "") for c in columns)] for name, inner in value.items()
                ]
                lines += table(["", *columns], rows)
                continue
        lines += render_generic(value, level + "#")
    return lines


def render_durability(data: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    runs = [(name, run) for name, run in data.items() if isinstance(run, dict) and "kills" in run]
    if runs:
        lines += table(
            [
                "run",
                "backend",
                "workers",
                "clients",
                "kills",
                "messages acknowledged",
                "stored",
                "logins acknowledged",
                "journal rows",
                "dossiers",
                "export lines",
            ],
            [
                [
                    name,
                    run["backend"],
                    run["workers"],
                    run["clients"],
                    len(run["kills"]),
                    run["acked_messages"],
                    run["stored_of_acked"],
                    run["acked_logins"],
                    run["journal_rows"],
                    run["dossiers"],
                    run["export_lines"],
                ]
                for name, run in runs
            ],
        )
        lines += ["Each kill point:", ""]
        rows = []
        for name, run in runs:
            for kill in run["kills"]:
                rows.append(
                    [
                        name,
                        kill["round"] + 1,
                        kill["acked_before_kill"],
                        kill["in_flight_at_kill"],
                        kill["acked_total"],
                        kill["journal_rows"],
                        kill["missing"],
                        "none" if not kill["problems"] else "; ".join(kill["problems"]),
                        kill["restart_s"],
                    ]
                )
        lines += table(
            [
                "run",
                "kill",
                "acknowledged in the round before the kill",
                "requests in flight at the kill",
                "acknowledged so far",
                "journal rows after the kill",
                "acknowledged but missing",
                "verify_store problems",
                "restart (s)",
            ],
            rows,
        )
    return lines


def render_batch_kill(data: dict[str, Any]) -> list[str]:
    if not data:
        return []
    lines = [
        "Killed inside a group-commit batch (`test_batch_kill.py`): eight writers submit records"
        " through the portal's writer; at the COMMIT of its fifth batch of two records or more"
        " (every row written, COMMIT not sent) the process gets SIGKILL.",
        "",
    ]
    rows = [
        [
            backend,
            run["acknowledged"],
            run["stored"],
            run["interrupted_batch"],
            run["findings"],
        ]
        for backend, run in sorted(data.items())
    ]
    header = [
        "backend",
        "acknowledged",
        "stored",
        "records in the interrupted batch (none stored)",
        "findings stored",
    ]
    return [*lines, *table(header, rows)]


def render_soak(data: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name, run in data.items():
        if not isinstance(run, dict) or "samples" not in run:
            continue
        seconds = run["seconds"]
        lines += [f"### {name}: {seconds:.0f} s at {run['target_rate']:.0f} messages/s", ""]
        lines += table(
            ["figure", "value"],
            [
                ["clients", run["clients"]],
                ["requests sent", run["sent"]],
                ["acknowledged (incl. logins)", run["acked"]],
                ["refused", run["refused"]],
                ["unanswered", run["unanswered"]],
                ["achieved rate (requests/s)", round(run["sent"] / seconds, 1)],
                ["p99 latency, whole run (ms)", run["p99_ms"]],
                ["RSS at the first sample (MiB)", run["rss_start_mib"]],
                ["RSS after warm-up (MiB)", run["rss_after_warm_up_mib"]],
                ["RSS at the end (MiB)", run["rss_end_mib"]],
                ["RSS growth after warm-up", f"{run['rss_growth_after_warm_up']:.1%}"],
                ["journal rows", run["journal_rows"]],
                ["dossiers", run["dossiers"]],
            ],
        )
        samples = run["samples"]
        step = max(1, len(samples) // 12)
        shown = samples[::step]
        if shown[-1] is not samples[-1]:
            shown.append(samples[-1])
        lines += [
            f"Intervals ({len(samples)} samples, every {step} shown):",
            "",
            *table(
                ["at (s)", "RSS (MiB)", "answers", "refused", "unanswered", "p99 (ms)"],
                [
                    [
                        s["at_s"],
                        s["rss_mib"],
                        s["answers"],
                        s["refused"],
                        s["unanswered"],
                        s["p99_ms"],
                    ]
                    for s in shown
                ],
            ),
        ]
    return lines


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each joined onto one line (for bullets)."""
    return [" ".join(block.split()) for block in text.strip().split("\n\n")]


METHOD = {
    "durability": _paragraphs(
        """
        Load: 24 concurrent clients (httpx, asyncio) against `portalsim serve` in a subprocess on
        a free loopback port, each logged in as one of three units and walking dossiers of its
        own through DongBoHoSoMC (status 2), CapNhatTienDoHoSoMC (4), TraCuuHoSo,
        CapNhatTienDoHoSoMC (9, or for a tenth of dossiers an unknown status the lenient portal
        accepts with findings) and DongBoHoSoMC (10).

        Kill: after a seeded random number of acknowledged messages (40–600) the server's whole
        process group gets SIGKILL while the clients keep sending, so most clients have a
        request in flight and the group-commit writer is in the middle of a batch.

        Checks after each kill, before the restart touches the database: every acknowledged message
        (HTTP 200, `error_code` 0) of every round so far is in the journal, accepted, byte for byte
        but for the session token (masked, it is a credential); every acknowledged login is
        journaled; `mock_portal.replay.verify_store` passes: the database's integrity check (SQLite
        `PRAGMA integrity_check` and `foreign_key_check`; PostgreSQL orphan rows, unvalidated
        constraints, amcheck's `bt_index_check` on every index when installed), each migration
        recorded once, and every dossier row and status event equal to the replay of the journal's
        accepted messages through the lifecycle recorder.

        Checks after each restart on the same database: the schema_version rows are untouched
        (nothing migrated twice); lookups of acknowledged dossiers answer them; the next round's
        clients keep the sessions of their acknowledged logins (a lost session would show as
        refusals, and the round fails on any refusal). After the last round the journal is
        exported over the operator API and read by `portalsim validate`.
        """
    ),
    "soak": _paragraphs(
        """
        Steady paced load (8 clients, open loop per client) of the same lifecycle against
        `portalsim serve`, once on SQLite and once on PostgreSQL; every interval the server's
        resident memory (/proc, the whole process tree), answers, refusals, lost connections
        and p99 latency are sampled.

        Pass: no refusal and no lost connection in any interval, the whole run within 20 % of
        the rate and no interval without answers, resident memory at the end less than 20 %
        above what it was after the warm-up (the first fifth of the run), and `verify_store`
        clean afterwards.

        Memory is expected to creep, not to be flat to the byte: the single-worker portal keeps
        every dossier's latest state in an in-process cache (bounded at 100 000 dossiers), a
        few hundred bytes each, so RSS grows with the dossiers created until the cache is full.
        """
    ),
}

LIMITS = _paragraphs(
    """
    Only the portal's process is killed. A power loss or kernel crash is not simulated: SQLite
    runs with `synchronous = NORMAL` in WAL mode, so a commit survives the process's death (it
    is in the OS page cache) but the last commits before a power loss may be lost
    (`mock_portal/store/_database.py`); PostgreSQL's own crash recovery is PostgreSQL's.

    The PostgreSQL server itself is neither killed nor restarted, and the network to it is
    loopback; a lost connection is handled by the writer (it reopens and refuses the batch
    with 503) but is not part of these runs.

    The soak runs on whatever else the machine is doing: the latency figures are those of a
    shared machine, not a benchmark (see docs/benchmarks.md for those).
    """
)

DEFECTS = [
    "Sessions were refused once ten seconds after a restart (and every ten seconds per session"
    " with `--workers` > 1): a session read from the store was trusted in the cache for ten"
    " seconds, and when that trust ran out the session was refused instead of looked up again."
    " Found by the crash test (round 2 refused every client's next message with 401); fixed in"
    " `mock_portal/_accounts.py` (commit 9abceb3), test `tests/mock_portal/test_session_trust.py`.",
    "`portalsim validate` reported each missing required field once per missing field (a"
    " TraCuuHoSo without `session` and `madonvi` got four SC-001 findings): jsonschema raises"
    " one error per missing property and each was expanded to all of them. Found validating the"
    " journal exported after a crash; fixed in `contracts/_schemas.py` (commit d27db8a), test"
    " `tests/contracts/test_required_once.py`.",
    "`Store.integrity_check` did nothing on PostgreSQL beyond counting the journal; it now finds"
    " orphan rows, unvalidated constraints and damaged indexes (amcheck), and on both backends"
    " migrations recorded with a gap (commit ffa0b23).",
]


def render(figures: Path, outcomes: dict[str, Outcome]) -> str:
    lines = [
        "# Reliability of the mock portal",
        "",
        "What was tried against the mock portal to show that it keeps working under load, loses"
        " nothing it acknowledged when killed, refuses bad input clearly and keeps provinces"
        " apart, with the figures of the last run. Regenerate with:",
        "",
        "```sh",
        f"{COMMAND} [--soak-seconds 600] [--slow]",
        "```",
        "",
        "## Summary",
        "",
    ]
    rows = []
    for suite in SUITES:
        outcome = outcomes[suite.name]
        if not outcome.ran:
            verdict = "not run (tests not in this tree)"
        elif outcome.passed:
            verdict = "passed"
        else:
            names = list(outcome.failed_names or ("no test ran",))
            more = f" and {len(names) - 4} more" if len(names) > 4 else ""
            verdict = "FAILED: " + ", ".join(names[:4]) + more
        meta = read_meta(figures, suite)
        rows.append(
            [
                suite.title,
                verdict,
                outcome.tests,
                outcome.skipped,
                round(outcome.seconds, 1),
                f"{meta.get('finished', '')} {meta.get('commit', '')} {meta.get('how', '')}",
            ]
        )
    header = ["suite", "outcome", "tests", "skipped", "seconds", "run (UTC, commit, how)"]
    lines += table(header, rows)
    machines = sorted({read_meta(figures, suite).get("machine", "") for suite in SUITES} - {""})
    lines += [f"Machine: {'; '.join(machines) or 'unknown'}.", ""]
    for suite in SUITES:
        lines += [f"## {suite.title}", ""]
        lines += [f"- {line}" for line in METHOD.get(suite.name, [])]
        if suite.name in METHOD:
            lines.append("")
        present = [path for path in suite.paths if (ROOT / path).exists()] or list(suite.paths)
        lines += [f"Tests: {', '.join(f'`{path}`' for path in present)}.", ""]
        data = read_figures(figures, suite)
        if not data:
            lines += ["No figures recorded.", ""]
            continue
        if suite.name == "durability":
            lines += render_durability(data)
            lines += render_batch_kill(read_figures(figures, "batch_kill"))
        elif suite.name == "soak":
            lines += render_soak(data)
        else:
            lines += render_generic(data)
    lines += ["## What these runs do not show", ""]
    lines += [f"- {limit}" for limit in LIMITS] + [""]
    lines += ["## Defects found and fixed", ""]
    lines += [f"- {defect}" for defect in DEFECTS]
    return "\n".join(lines) + "\n"


def read_meta(figures: Path, suite: Suite) -> dict[str, Any]:
    path = figures / f"{suite.name}.meta.json"
    if not path.exists():
        return {}
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return meta


def write_meta(figures: Path, suite: Suite, marks: str, env: dict[str, str]) -> None:
    """When, on which commit and machine, and how (markers, soak length) a suite last ran."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    python = platform.python_version()
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {python}"
    how = f"-m '{marks}'"
    if suite.name == "soak":
        seconds, rate = env["PORTALSIM_SOAK_SECONDS"], env["PORTALSIM_SOAK_RATE"]
        how += f", {float(seconds):.0f} s at {float(rate):.0f} messages/s"
    meta = {
        "finished": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "?",
        "how": how,
        "machine": machine,
    }
    path = figures / f"{suite.name}.meta.json"
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--soak-seconds", type=float, default=60.0, help="soak length (600: 10 min)"
    )
    parser.add_argument("--soak-rate", type=float, default=60.0, help="soak messages per second")
    parser.add_argument(
        "--slow",
        nargs="*",
        choices=[suite.name for suite in SUITES],
        help="also the slow (long) variants: of the suites named, of all when none is",
    )
    parser.add_argument("--figures", type=Path, help="keep the figures in DIR (default: temporary)")
    parser.add_argument("--render-only", type=Path, metavar="DIR", help="render DIR's figures")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--only", choices=[suite.name for suite in SUITES], action="append")
    args = parser.parse_args(argv)
    if args.soak_seconds < 20:
        parser.error("--soak-seconds: at least 20 (warm-up and intervals need it)")
    if args.render_only is not None:
        figures = args.render_only
        if not figures.is_dir():
            parser.error(f"--render-only: {figures} is not a folder")
    else:
        figures = args.figures or Path(tempfile.mkdtemp(prefix="portalsim-reliability-"))
        figures.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PORTALSIM_RELIABILITY_OUT": str(figures),
            "PORTALSIM_SOAK_SECONDS": str(args.soak_seconds),
            "PORTALSIM_SOAK_RATE": str(args.soak_rate),
        }
        for suite in SUITES:
            if args.only is None or suite.name in args.only:
                slow = args.slow is not None and (not args.slow or suite.name in args.slow)
                run_suite(suite, figures, slow=slow, env=env)
    outcomes = {suite.name: read_outcome(figures, suite) for suite in SUITES}
    args.output.write_text(render(figures, outcomes), encoding="utf-8")
    print(f"reliability_report: wrote {args.output} (figures in {figures})", file=sys.stderr)
    return 0 if all(o.passed for o in outcomes.values() if o.ran) else 1


if __name__ == "__main__":
    sys.exit(main())
