"""A probe's result for people and machines: a text table, JSON, and an HTML page whose charts
(latency percentiles and errors against the arrival rate) are inline SVG: no script, no asset."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import orjson

from simulator.planning.probe import KNEE_FACTOR, KNEE_MARGIN_MS, ProbeResult, StepOutcome
from simulator.reports.svg import nice_ticks

__all__ = ["render_html", "render_json", "render_text"]

_FIGURES = ("p50", "p90", "p95", "p99", "p99.9", "max")


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def _rate(value: float) -> str:
    return f"{value:g}/s"


def summary_lines(result: ProbeResult) -> list[str]:
    """The verdict in a few lines: maximum sustainable rate, knee, need and headroom."""
    lines = []
    broken = next((step for step in result.steps if not step.meets), None)
    if broken is None:
        lines.append(
            f"maximum sustainable rate: at least {_rate(result.max_sustainable)} "
            "(no step broke the SLO; raise --max to find the limit)"
        )
    else:
        lines.append(
            f"maximum sustainable rate: {_rate(result.max_sustainable)} "
            f"(the {_rate(broken.rate)} step broke {'; '.join(broken.broken)})"
        )
    knee = result.knee
    lines.append(
        f"knee: {_rate(knee)} (p95 rose more than {KNEE_FACTOR:g}× and {KNEE_MARGIN_MS:g} ms "
        "above the first step's right after it)"
        if knee is not None
        else "knee: not reached (p95 never rose steeply over the steps run)"
    )
    need = result.need
    if need is not None:
        lines.append(
            f"peak need: {need.province_name} ({need.province}), {need.month}: "
            f"{need.peak_rps:.3g} requests/s {need.note}".rstrip()
        )
        headroom = result.headroom
        assert headroom is not None
        bound = "at least " if not result.broke else ""
        verdict = "holds the month's peak" if headroom >= 1 else "BELOW the month's peak"
        shown = "∞" if math.isinf(headroom) else f"{headroom:.2f}×"
        lines.append(f"headroom: {bound}{shown} — {verdict}")
    lines.extend(f"warning: {note}" for note in result.warnings)
    return lines


def step_line(step: StepOutcome) -> str:
    """One row of the table (also the live progress line)."""
    result, latency = step.result, step.latency
    figures = "".join(f"{_ms(latency.get(name)):>10}" for name in _FIGURES)
    return (
        f"{step.rate:>9g}{result.achieved_rate:>11.1f}{figures}{result.error_share:>9.2%}"
        f"{result.late:>7,}{result.dropped:>8,}  {'ok' if step.meets else 'BROKEN'}"
    )


def header_line() -> str:
    names = "".join(f"{name:>10}" for name in _FIGURES)
    return f"{'rate/s':>9}{'achieved/s':>11}{names}{'errors':>9}{'late':>7}{'dropped':>8}  SLO"


def render_text(result: ProbeResult, processes: int) -> str:
    lines = [
        f"portalsim plan probe: {result.target} (flow {result.flow}, {result.arrivals} arrivals, "
        f"hold {result.hold:g} s, {processes} load process{'es' if processes != 1 else ''})",
        f"SLO: {result.objective.text} (latency from each request's intended start)",
        "",
        header_line(),
        *(step_line(step) for step in result.steps),
        "",
        *summary_lines(result),
    ]
    return "\n".join(lines) + "\n"


def render_json(result: ProbeResult, processes: int) -> str:
    document = {**result.to_json(), "processes": processes}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


# -- HTML ----------------------------------------------------------------------------------------

_WIDTH, _HEIGHT = 720, 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 30, 40
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'
_COLOURS = {
    "p50": "#1b9e77",
    "p90": "#7570b3",
    "p99": "#d95f02",
    "max": "#e7298a",
    "service p99": "#999999",
}


def _chart(
    title: str,
    x_values: Sequence[float],
    lines: dict[str, Sequence[float | None]],
    *,
    y_label: str,
    log: bool,
    limit: float | None = None,
) -> str:
    """Lines over x = the step rates (requests/s); a log y axis for latencies; a dashed
    horizontal line at the SLO's limit."""
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    x_ticks = nice_ticks(max(x_values, default=1.0))
    values = [v for series in lines.values() for v in series if v is not None and v > 0]
    if limit is not None:
        values.append(limit)
    if log:
        low = 10 ** math.floor(math.log10(min(values, default=1.0)))
        high = 10 ** math.ceil(math.log10(max(values, default=10.0)))
        high = high if high > low else low * 10
        y_ticks = [low * 10**k for k in range(round(math.log10(high / low)) + 1)]
    else:
        y_ticks = nice_ticks(max(values, default=0.0))
        low, high = y_ticks[0], y_ticks[-1]

    def x(value: float) -> float:
        return _LEFT + plot_w * value / (x_ticks[-1] or 1.0)

    def y(value: float) -> float:
        if log:
            share = (math.log10(max(value, low)) - math.log10(low)) / math.log10(high / low)
        else:
            share = (value - low) / ((high - low) or 1.0)
        return _TOP + plot_h * (1 - share)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="{_WIDTH}" height="{_HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{_LEFT}" y="16" {_FONT} font-weight="600">{escape(title)}</text>',
    ]
    for tick in y_ticks:
        parts.append(
            f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#ddd"/><text x="{_LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f"{_FONT}>{tick:g}</text>"
        )
    for tick in x_ticks:
        parts.append(
            f'<text x="{x(tick):.1f}" y="{_HEIGHT - _BOTTOM + 14}" text-anchor="middle" '
            f"{_FONT}>{tick:g}</text>"
        )
    parts.append(
        f'<text x="{_WIDTH - _RIGHT}" y="{_HEIGHT - 6}" text-anchor="end" {_FONT}>'
        "arrival rate (requests/s)</text>"
        f'<text x="4" y="{_TOP - 8}" {_FONT}>{escape(y_label)}</text>'
    )
    if limit is not None:
        parts.append(
            f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" '
            'stroke="#c00" stroke-dasharray="6 4"><title>SLO limit</title></line>'
        )
    legend_x = _WIDTH - _RIGHT - sum(24 + 7 * len(label) for label in lines)
    for label, series in lines.items():
        colour = _COLOURS.get(label, "#444")
        points = " ".join(
            f"{x(rate):.1f},{y(value):.1f}"
            for rate, value in zip(x_values, series, strict=True)
            if value is not None and (value > 0 or not log)
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}">'
            f"<title>{escape(label)}</title></polyline>"
        )
        for rate, value in zip(x_values, series, strict=True):
            if value is not None and (value > 0 or not log):
                parts.append(
                    f'<circle cx="{x(rate):.1f}" cy="{y(value):.1f}" r="2.5" fill="{colour}">'
                    f"<title>{escape(label)} at {rate:g}/s: {value:g}</title></circle>"
                )
        parts.append(
            f'<rect x="{legend_x}" y="7" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="16" {_FONT}>{escape(label)}</text>'
        )
        legend_x += 24 + 7 * len(label)
    parts.append("</svg>")
    return "\n".join(parts)


def render_html(result: ProbeResult, processes: int) -> str:
    rates = [step.rate for step in result.steps]
    latency_limit = next(
        (c.limit for c in result.objective.conditions if c.metric not in ("errors",)), None
    )
    error_limit = next(
        (c.limit * 100 for c in result.objective.conditions if c.metric == "errors"), None
    )
    latency_chart = _chart(
        "Độ trễ theo tốc độ đến / latency percentiles vs arrival rate",
        rates,
        {
            **{
                name: [step.latency.get(name) for step in result.steps]
                for name in ("p50", "p90", "p99", "max")
            },
            "service p99": [step.result.service.summary().get("p99") for step in result.steps],
        },
        y_label="ms (log scale; from the intended start)",
        log=True,
        limit=latency_limit,
    )
    error_chart = _chart(
        "Lỗi theo tốc độ đến / errors vs arrival rate",
        rates,
        {"errors %": [step.result.error_share * 100 for step in result.steps]},
        y_label="% of scheduled requests (failed or dropped)",
        log=False,
        limit=error_limit,
    )
    rows = "\n".join(
        "<tr>"
        + "".join(
            f"<td>{escape(cell)}</td>"
            for cell in (
                f"{step.rate:g}",
                f"{step.result.achieved_rate:.1f}",
                *(_ms(step.latency.get(name)) for name in _FIGURES),
                f"{step.result.error_share:.2%}",
                f"{step.result.late:,}",
                f"{step.result.dropped:,}",
                "ok" if step.meets else "BROKEN: " + "; ".join(step.broken),
            )
        )
        + "</tr>"
        for step in result.steps
    )
    heads = "".join(
        f"<th>{escape(h)}</th>"
        for h in ("rate/s", "achieved/s", *_FIGURES, "errors", "late", "dropped", "SLO")
    )
    summary = "".join(f"<li>{escape(line)}</li>" for line in summary_lines(result))
    title = f"Điểm gãy / breaking point — {result.target}"
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; }}
td:last-child {{ text-align: left; }}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p>Flow <code>{escape(result.flow)}</code>, {escape(result.arrivals)} arrivals, each rate held
{result.hold:g} s, {processes} load process(es). SLO <code>{escape(result.objective.text)}</code>.
Latencies run from each request's <em>intended</em> start (open model, no coordinated
omission); "service p99" is the time from the actual start, as a closed-model tool reports.</p>
<ul>{summary}</ul>
{latency_chart}
{error_chart}
<table>
<thead><tr>{heads}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""
