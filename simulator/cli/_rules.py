"""`portalsim rules`: the rule catalogue of a profile."""

from __future__ import annotations

import click
import orjson

from contracts.profiles import DEFAULT_PROFILE, available, load
from simulator.cli._streams import stdout


@click.command("rules")
@click.option(
    "--profile", default=DEFAULT_PROFILE, show_default=True, type=click.Choice(available())
)
@click.option(
    "--format",
    "output_format",
    default="text",
    type=click.Choice(["text", "json"]),
    show_default=True,
)
@click.option(
    "--coverage",
    is_flag=True,
    help="Show which rules each case of the conformance plan verifies, and which rules no case "
    "covers.",
)
def rules_command(profile: str, output_format: str, coverage: bool) -> int:
    """List the rules: ID, severity, kind, clause and titles (Vietnamese and English).

    With --coverage: the conformance plan of `portalsim conform`, case by case with the rules
    each verifies, each rule with its cases, and the rules no case covers.
    """
    rules = list(load(profile).rules)
    out = stdout()
    if coverage:
        # imported here: the plan is only needed for this view
        from simulator.conform.coverage import plan_coverage, write_coverage
        from simulator.conform.plan import PLAN

        found = plan_coverage(PLAN, rules, profile)
        if output_format == "json":
            text = orjson.dumps(found.to_json(), option=orjson.OPT_INDENT_2).decode()
            out.write(text + "\n")
        else:
            write_coverage(found, out)
        return 0
    if output_format == "json":
        document = {"profile": profile, "rules": [rule.to_dict() for rule in rules]}
        out.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    for rule in rules:
        out.write(f"{rule.id:<8}{rule.severity.value:<9}{rule.kind.value:<13}{rule.title_vi}\n")
        out.write(f"{'':<30}{rule.title_en}\n{'':<30}{rule.clause}\n")
    out.write(f"{len(rules)} rules in profile {profile}\n")
    return 0
