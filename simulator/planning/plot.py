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
from datetime import datetime, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from simulator.planning.factors import FACTOR_SOURCES
from simulator.planning.flows import FLOW_MESSAGES, FLOWS
from simulator.planning.model import PeakNeed, TrafficModel

__all__ = ["render_page", "render_png"]

_FLOW_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
_DAY_START, _DAY_END = 7 * 60, 17 * 60 + 30  # the peak-day panel: 07:00-17:30


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def render_png(model: TrafficModel, need: PeakNeed) -> bytes:
    """The month's rate and the peak day's curve, as PNG bytes."""
    series = model.month_rates(need.month)
    total = series.total()
    moments = [_naive(series.minute(index)) for index in range(len(series))]
    figure = Figure(figsize=(11, 7.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    month_axes, day_axes = figure.subplots(2, 1)

    month_axes.fill_between(moments, total, color="#1f77b4", alpha=0.35, linewidth=0)
    month_axes.plot(moments, total, color="#1f77b4", linewidth=0.4)
    first = moments[0].date()
    for offset in range(len(series) // 1440):
        day = first + timedelta(days=offset)
        if not model.day_factors(day).working:
            start = datetime.combine(day, datetime.min.time())
            month_axes.axvspan(start, start + timedelta(days=1), color="#bbbbbb", alpha=0.3)
    peak = _naive(need.minute)
    month_axes.plot([peak], [need.rate], "o", color="#d62728")
    month_axes.annotate(
        f"{need.weekday} {peak:%d/%m %H:%M}: {need.rate:.2f} req/s",
        (peak, need.rate),
        textcoords="offset points",
        xytext=(-8, -4) if peak > moments[len(moments) // 2] else (8, -4),
        horizontalalignment="right" if peak > moments[len(moments) // 2] else "left",
        fontsize=9,
    )
    month_axes.set_title(
        f"{need.province_label}: tháng {need.month[5:]}/{need.month[:4]} "
        f"(requests/s, all flows; grey: days off)"
    )
    month_axes.set_ylabel("requests/s")
    month_axes.set_xlim(moments[0], moments[-1] + timedelta(minutes=1))
    month_axes.set_ylim(bottom=0)
    month_axes.grid(alpha=0.3)

    day_rates = model.day_rates(need.minute.date())
    clock = [
        datetime.combine(need.minute.date(), datetime.min.time()) + timedelta(minutes=m)
        for m in range(_DAY_START, _DAY_END)
    ]
    stacks = [
        [day_rates[m] * model.mix.per_dossier[flow] for m in range(_DAY_START, _DAY_END)]
        for flow in FLOWS
    ]
    day_axes.stackplot(clock, stacks, labels=list(FLOWS), colors=_FLOW_COLOURS, alpha=0.8)
    day_axes.axvline(peak, color="#d62728", linewidth=0.8, linestyle="--")
    day_axes.set_title(f"Ngày cao điểm / peak day: {need.weekday} {peak:%d/%m/%Y}")
    day_axes.set_ylabel("requests/s")
    day_axes.set_xlim(clock[0], clock[-1])
    day_axes.set_ylim(bottom=0)
    day_axes.legend(loc="upper right", fontsize=8)
    day_axes.grid(alpha=0.3)
    for axes, pattern in ((month_axes, "%d/%m"), (day_axes, "%H:%M")):
        axes.xaxis.set_major_formatter(DateFormatter(pattern))  # type: ignore[no-untyped-call]

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>"


def render_page(model: TrafficModel, need: PeakNeed, png: bytes) -> str:
    """A self-contained HTML page: the figures, the plot (inline PNG), the factors' sources."""
    title = f"Mô hình lưu lượng: {need.province_label}, tháng {need.month}"
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
