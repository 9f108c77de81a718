"""Charts as inline SVG: well-formed, escaped, gaps where a second had no request."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from simulator.reports.svg import Bar, Line, bar_chart, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def test_ticks_are_round_and_cover_the_maximum() -> None:
    """0 to at least the maximum, in steps of 1, 2, 2.5 or 5 times a power of ten."""
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(93) == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    assert nice_ticks(1234)[-1] >= 1234


def test_a_log_chart_breaks_its_line_where_there_was_no_request() -> None:
    """Zeros on a log axis are gaps: two polylines for one line with a silent second."""
    chart = line_chart(
        "latency", [Line("p99", "#c62828", [5.0, 8.0, 0.0, 7.0, 9.0])], x_label="s", y_label="ms",
        log=True,
    )  # fmt: skip
    root = ET.fromstring(chart)
    assert len(root.findall(f"{SVG}polyline")) == 2
    assert {text.text for text in root.iter(f"{SVG}text")} >= {"1", "10"}


def test_labels_are_escaped() -> None:
    """A label with markup stays text."""
    chart = bar_chart("<b>title</b>", [Bar('<script>"x"</script>', 3, "#000")])
    assert "<script>" not in chart
    assert "&lt;script&gt;" in chart
    ET.fromstring(chart)
