"""`portalsim plan`: capacity planning (the traffic model of a province and month, probes)."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from simulator.cli._plan_load import load_command
from simulator.cli._plan_probe import probe_command, worker_command
from simulator.cli._streams import stdout
from simulator.errors import DataFileError, UsageError

if TYPE_CHECKING:
    from simulator.planning import PeakNeed, TrafficModel
    from simulator.planning.config import ModelConfig

__all__ = ["plan_group"]


@click.group("plan")
def plan_group() -> None:
    """Capacity planning: the modelled need of a province and month, and the breaking point.

    \b
    Exit 2: bad option or input (nothing is written).
    """


def _peak_months(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        months = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise UsageError(f"--peak-months {text!r}: expected month numbers like 3,6,9,12") from None
    if not all(1 <= month <= 12 for month in months):
        raise UsageError(f"--peak-months {text!r}: months are 1-12")
    return months


def _build(
    province: str,
    month: str,
    volume: float | None,
    peak: str | None,
    config: Path | None,
    calendar_file: Path | None,
) -> tuple[TrafficModel, PeakNeed, ModelConfig]:
    """The model and its peak, every input checked before anything is written."""
    # The model pulls in the synthetic provinces' data: imported when the command runs only.
    from simulator.domain import load_calendar
    from simulator.planning import ModelInputError, ProvinceNotFound, TrafficModel, parse_month
    from simulator.planning.config import ModelConfig, load_model_config

    if volume is not None and not (volume > 0 and math.isfinite(volume)):
        raise UsageError(f"--volume {volume:g}: the annual volume must be a number > 0")
    try:
        settings = load_model_config(config) if config is not None else ModelConfig()
    except ValueError as error:
        raise UsageError(f"--config: {error}") from None
    try:
        calendar = load_calendar(calendar_file) if calendar_file is not None else None
    except ValueError as error:
        raise DataFileError(f"--calendar: {error}") from None
    months = _peak_months(peak)
    if months is None and settings.peak_months is not None:
        months = sorted(settings.peak_months)
    try:
        parse_month(month)
        model = TrafficModel.from_province(
            province,
            volume if volume is not None else settings.annual_volume,
            factors=settings.factors,
            peak_months=months,
            calendar=calendar,
        )
        return model, model.peak(month), settings
    except ProvinceNotFound as error:
        raise UsageError(str(error)) from None
    except ModelInputError as error:
        raise UsageError(str(error)) from None


def _write_text(
    out: TextIO, model: TrafficModel, need: PeakNeed, files: list[Path], volume_source: str | None
) -> None:
    from simulator.planning import FACTOR_SOURCES, FLOW_MESSAGES, FLOWS

    province = model.province
    default = f"domain.md §10: 64 M × share {province.share:.2%}"
    hour_end = need.hour_start + timedelta(hours=1)
    lines = [
        f"Mô hình lưu lượng / traffic model: {need.province_label}, "
        f"tháng {need.month[5:]}/{need.month[:4]}",
        f"  annual volume      {need.annual_volume:,.0f} dossiers ({volume_source or default})",
        f"  working days       {need.working_days}",
        f"  month              {need.dossiers:,.0f} dossiers, {need.requests:,.0f} requests",
        f"  peak minute        {need.weekday} {need.minute:%d/%m/%Y %H:%M} (UTC+7)",
        f"  peak-minute rate   {need.rate:.3f} requests/s",
        f"  peak hour          {need.hour_start:%H:%M}-{hour_end:%H:%M}, "
        f"{need.hour_rate:.3f} requests/s",
        "  flows at the peak minute (requests/s; per dossier):",
    ]
    for flow in FLOWS:
        lines.append(
            f"    {flow:<13}{need.flows[flow]:>9.3f}  {model.mix.per_dossier[flow]:>6.3f}  "
            f"{FLOW_MESSAGES[flow]}"
        )
    lines.append("  factors of the peak day:")
    for name, value in need.factors.items():
        lines.append(f"    {name:<15}×{value:<5g} {FACTOR_SOURCES.get(name, '')}")
    if not need.factors:
        lines.append("    (none: an ordinary working day)")
    for path in files:
        lines.append(f"  wrote {path}")
    out.write("\n".join(lines) + "\n")


@plan_group.command("model")
@click.option("--province", required=True, metavar="CODE", help="GSO code: 48 Đà Nẵng, 49 …")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to model.")
@click.option(
    "--volume", type=float, metavar="N", help="Annual dossiers (default: domain.md §10 share)."
)
@click.option("--peak-months", metavar="M,M", help="The province's peak months, e.g. 3,6,9,12.")
@click.option(
    "--config", type=click.Path(path_type=Path), help="TOML: annual_volume, peak_months, factors."
)
@click.option(
    "--calendar", type=click.Path(path_type=Path), help="Working-day override file (TOML)."
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    metavar="DIR",
    help="Folder for plan-model-CODE-YYYY-MM.png and .html.",
)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
def model_command(
    province: str,
    month: str,
    volume: float | None,
    peak_months: str | None,
    config: Path | None,
    calendar: Path | None,
    output: Path,
    fmt: str,
) -> int:
    """The arrivals a province's portal link must take in a month: peak minute, peak hour.

    \b
    Writes a plot (PNG) and an HTML page embedding it into --output.
    Exit 2: unknown province, bad month or volume, unreadable --config or --calendar
    (nothing written).
    """
    model, need, settings = _build(province, month, volume, peak_months, config, calendar)
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {output}: not a folder")
    from simulator.planning.plot import render_page, render_png  # matplotlib: only when drawing

    png = render_png(model, need)
    page = render_page(model, need, png)
    stem = f"plan-model-{need.province}-{need.month}"
    png_path, html_path = output / f"{stem}.png", output / f"{stem}.html"
    try:
        output.mkdir(parents=True, exist_ok=True)
        png_path.write_bytes(png)
        html_path.write_text(page, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--output {output}: cannot write ({error.strerror})") from None
    out = stdout()
    source = "--volume" if volume is not None else None
    if source is None and config is not None and settings.annual_volume is not None:
        source = f"--config {config}"
    if fmt == "json":
        document = need.to_dict()
        document["province_label"] = need.province_label
        document["annual_volume_source"] = source or "domain.md §10"
        document["per_dossier"] = dict(model.mix.per_dossier)
        document["files"] = {"png": str(png_path), "html": str(html_path)}
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        _write_text(out, model, need, [png_path, html_path], source)
    return 0


plan_group.add_command(probe_command)
plan_group.add_command(load_command)
plan_group.add_command(worker_command)
