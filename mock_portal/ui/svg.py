"""Charts as inline SVG, drawn in Python: no script, no external asset, every text escaped.

Output is deterministic (fixed number formatting), so a report re-rendered from the same data is
byte-identical.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "Line", "bar_chart", "line_chart", "nice_ticks"]

_FONT = 'font-family="system-ui, sans-serif" font-size="11"'
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 28, 34


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    colour: str
    values: Sequence[float]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    colour: str
    #: shown on hover (SVG <title>)
    note: str = ""


def _number(value: float) -> str:
    """Compact, stable number text: 1200 → "1200", 0.5 → "0.5", 1.25e6 → "1.25M"."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.3g}k"
    return f"{value:.4g}"


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


def _legend_width(label: str) -> int:
    return 24 + 7 * len(label)


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `maximum`."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _frame(title: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{_LEFT}" y="16" {_FONT} font-weight="600">{escape(title)}</text>',
    ]


def _segments(values: Sequence[float], *, gaps: bool) -> list[list[tuple[int, float]]]:
    """Runs of (x, value) to draw as one line; with `gaps`, values at or below 0 (seconds
    without requests, on a log scale) break the line."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if gaps and value <= 0:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((index, value))
    return [run for run in runs if run]


def _log_ticks(values: Sequence[float]) -> list[float]:
    """Powers of ten around the positive values: 0.1, 1, 10, 100, …"""
    positive = [value for value in values if value > 0]
    if not positive:
        return [1.0, 10.0]
    low = math.floor(math.log10(min(positive)))
    high = max(math.ceil(math.log10(max(positive))), low + 1)
    return [10.0**power for power in range(low, high + 1)]


def line_chart(
    title: str,
    lines: Sequence[Line],
    *,
    x_label: str,
    y_label: str,
    width: int = 720,
    height: int = 260,
    log: bool = False,
) -> str:
    """Lines over x = 0, 1, 2, … (seconds); the legend names each line. With `log`, a
    logarithmic y axis (latencies: a burst of slow answers does not flatten the rest), where
    values at or below 0 (no request that second) leave a gap."""
    parts = _frame(title, width, height)
    points = max((len(line.values) for line in lines), default=0)
    top = max((max(line.values, default=0.0) for line in lines), default=0.0)
    ticks = _log_ticks([v for line in lines for v in line.values]) if log else nice_ticks(top)
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    span_y = ticks[-1] or 1.0
    span_x = max(points - 1, 1)

    def x(index: float) -> float:
        return _LEFT + plot_w * index / span_x

    def y(value: float) -> float:
        if log:
            low, high = math.log10(ticks[0]), math.log10(ticks[-1])
            share = (math.log10(max(value, ticks[0])) - low) / (high - low)
            return _TOP + plot_h * (1 - share)
        return _TOP + plot_h * (1 - value / span_y)

    for tick in ticks:
        parts.append(
            f'<line x1="{_LEFT}" x2="{width - _RIGHT}" y1="{_coordinate(y(tick))}" '
            f'y2="{_coordinate(y(tick))}" stroke="#ddd"/>'
            f'<text x="{_LEFT - 6}" y="{_coordinate(y(tick) + 4)}" text-anchor="end" {_FONT}>'
            f"{_number(tick)}</text>"
        )
    for tick in nice_ticks(span_x, 6):
        if tick <= span_x:
            parts.append(
                f'<text x="{_coordinate(x(tick))}" y="{height - _BOTTOM + 14}" '
                f'text-anchor="middle" {_FONT}>{_number(tick)}</text>'
            )
    parts.append(
        f'<text x="{width - _RIGHT}" y="{height - 4}" text-anchor="end" {_FONT}>'
        f"{escape(x_label)}</text>"
        f'<text x="4" y="{_TOP - 8}" {_FONT}>{escape(y_label)}</text>'
    )
    if points == 0:
        parts.append(
            f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" {_FONT}>'
            "không có dữ liệu / no data</text>"
        )
    for line in lines:
        for segment in _segments(line.values, gaps=log):
            path = " ".join(
                f"{_coordinate(x(index))},{_coordinate(y(value))}" for index, value in segment
            )
            parts.append(
                f'<polyline fill="none" stroke="{escape(line.colour)}" stroke-width="1.5" '
                f'points="{path}"><title>{escape(line.label)}</title></polyline>'
            )
    # the legend, right-aligned on the title's row, clear of the plot
    legend_x = width - _RIGHT - sum(_legend_width(line.label) for line in lines)
    for line in lines:
        parts.append(
            f'<rect x="{legend_x}" y="7" width="10" height="10" fill="{escape(line.colour)}"/>'
            f'<text x="{legend_x + 14}" y="16" {_FONT}>{escape(line.label)}</text>'
        )
        legend_x += _legend_width(line.label)
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(title: str, bars: Sequence[Bar], *, width: int = 720, label_width: int = 150) -> str:
    """Horizontal bars, one per row, value written at the end of each bar."""
    row = 20
    height = _TOP + row * max(len(bars), 1) + 12
    parts = _frame(title, width, height)
    top = max((bar.value for bar in bars), default=0.0)
    plot_w = width - label_width - 60
    if not bars:
        parts.append(
            f'<text x="{width / 2:.0f}" y="{_TOP + 14}" text-anchor="middle" {_FONT}>'
            "không có / none</text>"
        )
    for index, bar in enumerate(bars):
        y = _TOP + index * row
        length = plot_w * bar.value / top if top else 0.0
        note = f"<title>{escape(bar.note or bar.label)}</title>"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" {_FONT}>'
            f"{escape(bar.label)}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{_coordinate(length)}" height="14" '
            f'fill="{escape(bar.colour)}">{note}</rect>'
            f'<text x="{_coordinate(label_width + length + 4)}" y="{y + 14}" {_FONT}>'
            f"{_number(bar.value)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
