"""`portalsim conform`: run the conformance plan against a province's one-stop system."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import contracts.profiles
from simulator.cli._streams import stdout
from simulator.conform.config import load_conform_config
from simulator.conform.driver import run_plan
from simulator.conform.outputs import OutputFiles, conclude
from simulator.conform.plan import case_ids, plan_cases
from simulator.conform.results import CaseResult
from simulator.conform.verdict import STATUS_LABELS
from simulator.conform.waivers import Waivers, load_waivers
from simulator.errors import UsageError
from simulator.reports.waivers import today_in_vietnam


@click.command("conform")
@click.option("--target", required=True, help="Base URL of the province system under test.")
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The province configuration (TOML): unit, endpoints, credentials, triggers, limits.",
)
@click.option("--portal", help="Use this running mock portal instead of an embedded one.")
@click.option("--waivers", type=click.Path(path_type=Path), help="Waiver file (TOML).")
@click.option(
    "--reports",
    type=click.Path(path_type=Path),
    help="Write results.json, junit.xml, report.html here.",
)
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path), help="Write the JSON result here."
)
@click.option("--junit", type=click.Path(path_type=Path), help="Write JUnit XML here.")
@click.option(
    "--html", type=click.Path(path_type=Path), help="Write the HTML evidence report here."
)
@click.option("--only", help="Comma-separated case IDs to run (their groups' setup runs too).")
@click.pass_context
def conform_command(
    context: click.Context,
    target: str,
    config_path: Path,
    portal: str | None,
    waivers: Path | None,
    reports: Path | None,
    json_path: Path | None,
    junit: Path | None,
    html: Path | None,
    only: str | None,
) -> int:
    """Run the conformance test plan against a province's one-stop system.

    \b
    Exit 0: every case passed (or failed under a valid waiver) · 1: a case failed, a waiver
    expired, or nothing ran · 2: bad option, configuration or waiver file · 4: the target
    (or the portal) is unreachable.
    """
    out = stdout()
    err = (context.obj or {}).get("stderr") or sys.stderr
    if not target.startswith(("http://", "https://")):
        raise UsageError(f"--target: an http(s) URL, not {target!r}")
    config = load_conform_config(config_path)
    today = today_in_vietnam()
    profile = contracts.profiles.load()
    rules = {rule.id: rule for rule in profile.rules}
    loaded = (
        load_waivers(
            waivers,
            case_ids(),
            today,
            case_rules={case.id: case.rules for case in plan_cases()},
            known_rules=set(rules),
        )
        if waivers is not None
        else Waivers.none()
    )
    chosen = None
    if only:
        chosen = {part.strip() for part in only.split(",") if part.strip()}
        unknown = sorted(chosen - case_ids())
        if unknown:
            raise UsageError(f"--only: unknown case ID(s) {', '.join(unknown)}")

    def progress(case: CaseResult) -> None:
        """Each case as it ends, on stderr: the summary and the verdict follow on stdout."""
        err.write(f"  {case.case_id:<13} {STATUS_LABELS[case.outcome]}\n")
        err.flush()

    result = run_plan(
        config,
        target,
        portal_url=portal,
        only=chosen,
        terminal_in=sys.stdin,
        terminal_out=err,
        on_case=progress,
    )
    files = OutputFiles(json=json_path, junit=junit, html=html)
    return conclude(result, loaded, today, out=out, reports=reports, files=files, rules=rules)
