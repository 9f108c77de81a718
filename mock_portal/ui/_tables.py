"""The scorecard table and the findings table, as the dashboard and the reports show them.

Rows and cells carry `data-*` attributes (band, name, sort keys) that the dashboard's script
sorts and filters by; a page without script shows the same table, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson
from markupsafe import Markup

from contracts import Rule
from mock_portal.ui._format import DASH, format_datetime, format_number
from mock_portal.ui._html import band_badge
from mock_portal.ui._labels import BOTH, label

#: the national view's columns, in order; `family:<XX>` adds findings of one rule family
NATIONAL_COLUMNS = (
    "code",
    "province",
    "band",
    "score",
    "dossiers_synced",
    "late",
    "wrong_dossier_codes",
    "wrong_procedure_codes",
    "payments",
    "sso",
)
_BAND_RANK = {"xanh": 0, "vàng": 1, "cam": 2, "đỏ": 3}
_VALUE_WIDTH = 120

Href = Callable[[str], str]


def _cell(card: Mapping[str, Any], column: str, lang: str, href: Href | None) -> Markup:
    """One `<td>`: its text and the `data-sort` key the dashboard sorts by."""
    province = card["province"]
    number = 'class="n" data-sort="{}"'
    if column == "code":
        return Markup('<td data-sort="{}">{}</td>').format(province["code"], province["code"])
    if column == "province":
        name = (
            Markup('<a href="{}">{}</a>').format(href(province["code"]), province["name"])
            if href
            else province["name"]
        )
        return Markup('<td data-sort="{}">{}</td>').format(province["name"], name)
    if column == "band":
        rank = _BAND_RANK.get(card["band"], 4)
        return Markup('<td data-sort="{}">{}</td>').format(rank, band_badge(card["band"], lang))
    if column == "score":
        score = card["score"]
        return Markup("<td " + number + ">{}</td>").format(
            -1 if score is None else score, format_number(score, 1, lang=_number_lang(lang))
        )
    if column == "payments":
        payments = card["payments"]
        if not payments["connected"]:
            return Markup('<td class="n muted" data-sort="-1">{}</td>').format(
                label("not_connected", lang) if lang != BOTH else DASH
            )
        return Markup("<td " + number + ">{} / {}</td>").format(
            payments["succeeded"],
            _count(payments["succeeded"], lang),
            _count(payments["transactions"], lang),
        )
    if column == "sso":
        sso = card.get("sso") or {}
        exchanges = int(sso.get("exchanges", 0))
        if not exchanges:
            return Markup('<td class="n muted" data-sort="-1">{}</td>').format(
                label("not_connected", lang) if lang != BOTH else DASH
            )
        failed = int(sso.get("failed", 0))
        css = "n fail" if failed else "n pass"
        return Markup('<td class="{}" data-sort="{}">{} / {}</td>').format(
            css, exchanges - failed, _count(exchanges - failed, lang), _count(exchanges, lang)
        )
    value = _column_value(card, column)
    # a zero is written for a province that sent anything; a silent one's cells stay empty
    shown = _count(value, lang) if value or card["scored"] else ""
    return Markup("<td " + number + ">{}</td>").format(value, shown)


def _column_value(card: Mapping[str, Any], column: str) -> int:
    if column.startswith("family:"):
        family = column.partition(":")[2]
        return sum(
            line["findings"] for line in card["rules"] if line["rule"].split("-")[0] == family
        )
    if column == "dossiers_synced":
        return int(card["dossiers"]["synced"])
    if column == "late":
        return int(card["late_status_updates"])
    return int(card[column])


def _number_lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def _count(value: int, lang: str) -> str:
    return format_number(value, lang=_number_lang(lang))


def _heading(column: str, lang: str) -> Markup:
    kind = "text" if column in ("code", "province") else "number"
    text = column.partition(":")[2] if column.startswith("family:") else label(column, lang)
    return Markup('<th data-key="{}" data-type="{}" scope="col">{}</th>').format(column, kind, text)


def scorecard_table(
    cards: Sequence[Mapping[str, Any]],
    *,
    lang: str = "vi",
    columns: Sequence[str] = NATIONAL_COLUMNS,
    province_href: Href | None = None,
    table_id: str = "scorecards",
) -> Markup:
    """One row per scorecard (`mock_portal.scorecard` shape; an `sso` key of `{"exchanges",
    "failed"}` fills the SSO column). `province_href(code)` links each province's name."""
    head = Markup("").join(_heading(column, lang) for column in columns)
    rows = []
    for card in cards:
        province = card["province"]
        cells = Markup("").join(_cell(card, column, lang, province_href) for column in columns)
        rows.append(
            Markup('<tr data-province="{}" data-band="{}" data-name="{}">{}</tr>').format(
                province["code"], card["band"], province["name"], cells
            )
        )
    return Markup(
        '<table class="ps-table scorecards" id="{}"><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>"
    ).format(table_id, head, Markup("").join(rows))


def finding_value(value: Any) -> str:
    """A finding's value as short JSON text (the page escapes it)."""
    text = orjson.dumps(value).decode() if not isinstance(value, str) else value
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


def findings_table(
    findings: Sequence[Mapping[str, Any]],
    *,
    rules: Mapping[str, Rule],
    lang: str = "vi",
    rule_href: Href | None = None,
    message_href: Callable[[int], str] | None = None,
    table_id: str = "findings",
) -> Markup:
    """Findings as rows: rule (linked by `rule_href`), severity, message (linked by
    `message_href(journal_id)`), JSON path, value, hint, time (when `received_at` is given)."""
    rows = []
    for finding in findings:
        rule_id = finding["rule"]
        rule = rules.get(rule_id)
        rule_cell = (
            Markup('<a href="{}">{}</a>').format(rule_href(rule_id), rule_id)
            if rule_href
            else rule_id
        )
        journal_id = finding.get("journal_id")
        message = (
            Markup('<a href="{}">#{}</a>').format(message_href(journal_id), journal_id)
            if message_href and journal_id is not None
            else Markup("#{}").format(journal_id if journal_id is not None else DASH)
        )
        received = finding.get("received_at")
        title = (rule.title_en if lang == "en" else rule.title_vi) if rule else ""
        rows.append(
            Markup(
                '<tr data-rule="{}"><td title="{}">{}</td><td class="sev-{}">{}</td><td>{}</td>'
                "<td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>"
            ).format(
                rule_id,
                title,
                rule_cell,
                finding["severity"],
                finding["severity"],
                message,
                finding["path"],
                finding_value(finding["value"]),
                finding["hint"],
                format_datetime(received, seconds=True) if received is not None else "",
            )
        )
    head = Markup("").join(
        Markup("<th>{}</th>").format(label(key, lang))
        for key in ("rule", "severity", "message", "path", "value", "hint", "received")
    )
    return Markup(
        '<table class="ps-table findings" id="{}"><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>"
    ).format(table_id, head, Markup("").join(rows))
