"""The month's plot (PNG) and a self-contained HTML page embedding it, for `plan model`.

Two panels: the rate across flows in every minute of the month (days off shaded, the peak
minute marked), and the peak day's office hours stacked by flow. Drawn with matplotlib's Agg
canvas on a `Figure` of its own (no pyplot, no global backend), so it runs headless and in
threads. The page inlines the PNG as base64: one file to mail or attach, no network.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simulator.planning.factors import FACTOR_SOURCES
from simulator.planning.flows import FLOW_MESSAGES, FLOWS
from simulator.planning.model import PeakNeed, TrafficModel

__all__ = ["render_page", "render_png"]

_FLOW_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
_DAY_START, _DAY_END = 7 * 60, 17 * 60 + 30  # the peak-day panel: 07:00-17:30


#: the month panel draws each bucket's maximum (1100 pixels cannot show 44,640 minutes)
_BUCKET_MINUTES = 10


def render_png(model: TrafficModel, need: PeakNeed) -> bytes:
    """The month's rate and the peak day's curve, as PNG bytes.

    The x axes are plain numbers (days since the month began, hours of the day) with labels
    written here: date conversion of every point is what made the first version slow.
    """
    series = model.month_rates(need.month)
    total = series.total()
    days = len(series) // 1440
    figure = Figure(figsize=(11, 7.5), dpi=100)
    figure.subplots_adjust(left=0.06, right=0.98, top=0.95, bottom=0.06, hspace=0.28)
    FigureCanvasAgg(figure)
    month_axes, day_axes = figure.subplots(2, 1)

    xs = [index / 1440 for index in range(0, len(total), _BUCKET_MINUTES)]
    peaks = [
        max(total[index : index + _BUCKET_MINUTES])
        for index in range(0, len(total), _BUCKET_MINUTES)
    ]
    month_axes.fill_between(xs, peaks, step="post", color="#1f77b4", alpha=0.35, linewidth=0)
    month_axes.step(xs, peaks, where="post", color="#1f77b4", linewidth=0.5)
    first = series.start.date()
    for offset in range(days):
        if not model.day_factors(first + timedelta(days=offset)).working:
            month_axes.axvspan(offset, offset + 1, color="#bbbbbb", alpha=0.3, linewidth=0)
    peak_day = (need.minute - series.start).total_seconds() / 86400
    month_axes.plot([peak_day], [need.rate], "o", color="#d62728")
    late = peak_day > days / 2
    month_axes.annotate(
        f"{need.weekday} {need.minute:%d/%m %H:%M}: {need.rate:.2f} req/s",
        (peak_day, need.rate),
        textcoords="offset points",
        xytext=(-8, -4) if late else (8, -4),
        horizontalalignment="right" if late else "left",
        fontsize=9,
    )
    month_axes.set_title(
        f"{need.province_label}: tháng {need.month[5:]}/{need.month[:4]} "
        f"(requests/s, all flows; grey: days off)"
    )
    ticks = list(range(0, days, 2))
    month_axes.set_xticks(ticks, [f"{first + timedelta(days=tick):%d/%m}" for tick in ticks])
    month_axes.set_ylabel("requests/s")
    month_axes.set_xlim(0, days)
    month_axes.set_ylim(bottom=0)
    month_axes.grid(alpha=0.3)

    day_rates = model.day_rates(need.minute.date())
    minutes = range(_DAY_START, _DAY_END)
    hours = [minute / 60 for minute in minutes]
    stacks = [[day_rates[m] * model.mix.per_dossier[flow] for m in minutes] for flow in FLOWS]
    day_axes.stackplot(hours, stacks, labels=list(FLOWS), colors=_FLOW_COLOURS, alpha=0.8)
    day_axes.axvline(
        need.minute.hour + need.minute.minute / 60, color="#d62728", linewidth=0.8, ls="--"
    )
    day_axes.set_title(f"Ngày cao điểm / peak day: {need.weekday} {need.minute:%d/%m/%Y}")
    clock = list(range(_DAY_START // 60, _DAY_END // 60 + 1))
    day_axes.set_xticks(clock, [f"{hour:02d}:00" for hour in clock])
    day_axes.set_ylabel("requests/s")
    day_axes.set_xlim(hours[0], hours[-1])
    day_axes.set_ylim(bottom=0)
    day_axes.legend(loc="upper right", fontsize=8)
    day_axes.grid(alpha=0.3)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>"


def render_page(model: TrafficModel, need: PeakNeed, png: bytes) -> str:
    """A self-contained HTML page: the figures, the plot (inline PNG), the factors' sources."""
    title = f"Mô hình lưu lượng: {need.province_label}, tháng {need.month[5:]}/{need.month[:4]}"
    summary = [
        ("Annual volume (dossiers)", f"{need.annual_volume:,.0f}"),
        ("Working days in the month", str(need.working_days)),
        ("Dossiers in the month", f"{need.dossiers:,.0f}"),
        ("Requests in the month", f"{need.requests:,.0f}"),
        ("Peak minute", f"{need.weekday} {need.minute:%d/%m/%Y %H:%M} (UTC+7)"),
        ("Peak-minute rate", f"{need.rate:.3f} requests/s"),
        (
            "Peak hour",
            f"{need.hour_start:%H:%M}-{need.hour_start + timedelta(hours=1):%H:%M}, "
            f"{need.hour_rate:.3f} requests/s",
        ),
    ]
    flows = [
        _row(
            flow,
            FLOW_MESSAGES[flow],
            f"{model.mix.per_dossier[flow]:.3f}",
            f"{need.flows[flow]:.3f}",
        )
        for flow in FLOWS
    ]
    factors = [
        _row(name, f"{need.factors.get(name, 1.0):g}", FACTOR_SOURCES.get(name, ""))
        for name in need.factors
    ] or [_row("(none)", "1", "an ordinary working day")]
    encoded = base64.b64encode(png).decode("ascii")
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<table>
{"".join(_row(label, value) for label, value in summary)}
</table>
<h2>Flows at the peak minute</h2>
<table>
<tr><th>flow</th><th>messages</th><th>requests per dossier</th><th>requests/s</th></tr>
{"".join(flows)}
</table>
<h2>Factors of the peak day</h2>
<table>
<tr><th>factor</th><th>value</th><th>source</th></tr>
{"".join(factors)}
</table>
<img alt="{html.escape(title)}" src="data:image/png;base64,{encoded}">
<p>portalsim plan model: expected arrivals (see docs/capacity-planning.md).</p>
</body>
</html>
"""
