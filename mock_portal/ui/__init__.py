"""Shared HTML components of portalsim's pages: the operator dashboard and the HTML reports.

Every function returns `markupsafe.Markup` (HTML, safe to place in a Jinja2 template or an
f-string) and escapes every text it is given, so a province's data can never become markup.
Output is deterministic: the same data renders the same bytes (reports are re-rendered from the
database and compared byte for byte).

Page and badges (`_html`):
- `page(title, body, *, lang="vi", stylesheet_href=None, scripts=(), header="")` — a whole
  document; the shared stylesheet `ui.css` is inlined unless `stylesheet_href` links it.
- `band_badge(band, lang)` — the coloured band (`xanh`, `vàng`, `cam`, `đỏ`, `chưa có dữ liệu`).
- `stylesheet()`, `BAND_CLASSES`, `BAND_COLOURS`, `SEVERITY_COLOURS`.

Tables (`_tables`):
- `scorecard_table(cards, *, lang, columns=NATIONAL_COLUMNS, province_href=None)` — one row per
  scorecard of `mock_portal.scorecard`; columns `code`, `province`, `band`, `score`,
  `dossiers_synced`, `messages`, `late`, `wrong_dossier_codes`, `wrong_procedure_codes`,
  `payments`, `sso` (from a card's optional `sso` key) and `family:<HS>` (findings of a rule
  family). Cells carry `data-sort`, rows `data-band`/`data-name` for sorting and filtering.
- `findings_table(findings, *, rules, lang, rule_href=None, message_href=None)` — findings as
  mappings with `rule`, `severity`, `path`, `value`, `hint`, optional `journal_id`, `received_at`.

Evidence (`_json_view`): `json_view(document, highlight_paths)`, `body_view(raw_bytes, paths)` —
indented JSON with the node at each finding's JSON path in `<mark class="hl">`.

Charts (`svg`): `line_chart`, `bar_chart`, `Line`, `Bar`, `nice_ticks` — inline SVG.

Words and numbers (`_labels`, `_format`): `label(key, lang)` (lang `vi`, `en`, or `both` for
"vi / en"), `band_label`, `status_label` (dossier statuses by their Vietnamese names),
`format_number` (1.234,5), `format_vnd`, `format_datetime` (dd/mm/yyyy HH:MM, Vietnamese time).
"""

from __future__ import annotations

from mock_portal.ui._format import format_datetime, format_number, format_vnd
from mock_portal.ui._html import (
    BAND_CLASSES,
    BAND_COLOURS,
    SEVERITY_COLOURS,
    band_badge,
    page,
    stylesheet,
    text,
)
from mock_portal.ui._json_view import body_view, json_view, parse_path, resolves
from mock_portal.ui._labels import BOTH, LANGUAGES, band_label, label, status_label
from mock_portal.ui._tables import NATIONAL_COLUMNS, finding_value, findings_table, scorecard_table
from mock_portal.ui.svg import Bar, Line, bar_chart, line_chart, nice_ticks

__all__ = [
    "BAND_CLASSES",
    "BAND_COLOURS",
    "BOTH",
    "LANGUAGES",
    "NATIONAL_COLUMNS",
    "SEVERITY_COLOURS",
    "Bar",
    "Line",
    "band_badge",
    "band_label",
    "bar_chart",
    "body_view",
    "finding_value",
    "findings_table",
    "format_datetime",
    "format_number",
    "format_vnd",
    "json_view",
    "label",
    "line_chart",
    "nice_ticks",
    "page",
    "parse_path",
    "resolves",
    "scorecard_table",
    "status_label",
    "stylesheet",
    "text",
]
