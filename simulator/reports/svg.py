"""Charts as inline SVG: now shared with the operator dashboard, in `mock_portal.ui.svg`."""

from __future__ import annotations

from mock_portal.ui.svg import Bar, Line, bar_chart, line_chart, nice_ticks

__all__ = ["Bar", "Line", "bar_chart", "line_chart", "nice_ticks"]
