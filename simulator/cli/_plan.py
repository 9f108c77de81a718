"""`portalsim plan`: capacity planning (the traffic model of a province and month, probes)."""

from __future__ import annotations

from pathlib import Path

import click

from simulator.errors import UsageError

__all__ = ["plan_group"]


@click.group("plan")
def plan_group() -> None:
    """Capacity planning: the modelled need of a province and month, and the breaking point.

    \b
    Exit 2: bad option or input (nothing is written).
    """


@plan_group.command("model")
@click.option("--province", required=True, metavar="CODE", help="GSO code, e.g. 48 or 49.")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to model.")
@click.option("--volume", type=float, metavar="N", help="Annual dossiers (default: §10 share).")
@click.option("--output", type=click.Path(path_type=Path), metavar="DIR", help="Plot folder.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
def model_command(
    province: str, month: str, volume: float | None, output: Path | None, fmt: str
) -> int:
    """The arrival rates a province's portal link must take in a month: the peak minute."""
    raise UsageError("plan model: the traffic model is being built (issue 7)")
