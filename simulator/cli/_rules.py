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
def rules_command(profile: str, output_format: str) -> int:
    """List the rules: ID, severity, kind, clause and titles (Vietnamese and English)."""
    rules = list(load(profile).rules)
    out = stdout()
    if output_format == "json":
        document = {"profile": profile, "rules": [rule.to_dict() for rule in rules]}
        out.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    for rule in rules:
        out.write(f"{rule.id:<8}{rule.severity.value:<9}{rule.kind.value:<13}{rule.title_vi}\n")
        out.write(f"{'':<30}{rule.title_en}\n{'':<30}{rule.clause}\n")
    out.write(f"{len(rules)} rules in profile {profile}\n")
    return 0
