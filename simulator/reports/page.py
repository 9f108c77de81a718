"""`report.html`: one self-contained page (inline CSS and SVG, no script, no external asset).

Built from the components the operator dashboard uses (`mock_portal.ui`: page shell, band badge,
scorecard table, charts), so the report and the dashboard look the same.

Sections: the verdict and the run; charts of requests per second and latency percentiles over
time (from the run's time series), findings by rule and provinces by band; the national
scorecard; what the profiles planted against what the portal found; example findings per
province and rule. Every text from the database or the run is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import escape

from mock_portal.ui import (
    BAND_COLOURS,
    BOTH,
    SEVERITY_COLOURS,
    Bar,
    Line,
    bar_chart,
    line_chart,
    page,
    scorecard_table,
)
from simulator.reports.model import BAND_ORDER, Report

__all__ = ["BAND_COLOURS", "render_html"]


def _e(value: object) -> str:
    return str(escape(str(value)))


def _run_facts(run: Mapping[str, Any]) -> str:
    load = run.get("load", {})
    latency = load.get("latency_ms", {})
    profiles = run.get("profiles", {})
    facts = [
        (
            "bộ hồ sơ tỉnh / profile set",
            f"{profiles.get('name', '')} ({profiles.get('source', '')})",
        ),
        ("seed", run.get("seed", "")),
        ("người dùng / users", run.get("users", "")),
        (
            "tốc độ / rate",
            f"{run.get('rate', '')} hồ sơ/s (dossiers per second; 0: as fast as possible)",
        ),
        ("hệ số thời gian / time factor", run.get("time_factor", "")),
        (
            "thời lượng / duration",
            f"{run.get('duration_s', '')} s (+ drain {run.get('drain_s', '')} s)",
        ),
        ("bắt đầu / started", run.get("started_at", "")),
        ("kết thúc / ended", run.get("ended_at", "")),
        (
            "yêu cầu / requests",
            f"{load.get('requests', 0)} ({load.get('rps', 0)}/s), "
            f"{load.get('failures', 0)} lỗi / failures",
        ),
        ("độ trễ / latency ms", ", ".join(f"{k} {v}" for k, v in latency.items())),
        (
            "hồ sơ / dossiers",
            f"{run.get('dossiers', {}).get('started', 0)} started, "
            f"{run.get('dossiers', {}).get('completed', 0)} completed",
        ),
    ]
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    return f"<dl>{rows}</dl>"


def _charts(report: Report) -> str:
    series = (report.run or {}).get("load", {}).get("series", [])
    charts = [
        line_chart(
            "Yêu cầu mỗi giây / requests per second",
            [
                Line("requests/s", "#1565c0", [row["requests"] for row in series]),
                Line("failures/s", "#c62828", [row["failures"] for row in series]),
            ],
            x_label="giây / seconds",
            y_label="req/s",
        ),
        line_chart(
            "Độ trễ theo thời gian / latency percentiles over time",
            [
                Line(key, colour, [row[key] for row in series])
                for key, colour in (("p50", "#2e7d32"), ("p95", "#ef6c00"), ("p99", "#c62828"))
            ],
            x_label="giây / seconds",
            y_label="ms (log)",
            log=True,
        ),
    ]
    summary = report.summary()
    charts.append(
        bar_chart(
            "Phát hiện theo quy tắc / findings by rule",
            [
                Bar(
                    rule_id,
                    count,
                    SEVERITY_COLOURS[report.rules[rule_id].severity.value],
                    f"{rule_id} {report.rules[rule_id].title_en}",
                )
                for rule_id, count in summary["by_rule"].items()
            ],
        )
    )
    charts.append(
        bar_chart(
            "Tỉnh theo mức / provinces by band",
            [Bar(band, summary["by_band"][band], BAND_COLOURS[band]) for band in BAND_ORDER],
        )
    )
    return '<div class="charts">' + "\n".join(charts) + "</div>"


def _scorecard_table(report: Report) -> str:
    families = [f for f in report.families() if f in report.summary()["by_family"]]
    columns = (
        "code",
        "province",
        "dossiers_synced",
        "messages",
        "payments",
        *(f"family:{family}" for family in families),
        "score",
        "band",
    )
    return str(scorecard_table(report.scorecards, lang=BOTH, columns=columns))


def _truth_table(report: Report) -> str:
    truth = (report.run or {}).get("truth", {})
    if not truth:
        return ""
    found = {
        card["province"]["code"]: sorted(line["rule"] for line in card["rules"] if line["findings"])
        for card in report.scorecards
    }
    rows = []
    for code, entry in truth.items():
        seen = found.get(code, [])
        match = set(seen) == set(entry["rules"])
        mark = '<span class="pass">✓</span>' if match else '<span class="fail">✗</span>'
        faults = ", ".join(f"{name} {count}" for name, count in entry["faults"].items())
        rows.append(
            f"<tr><td>{_e(code)}</td><td>{_e(entry['name'])}</td>"
            f'<td class="n">{entry["dossiers"]}</td><td>{_e(faults or "—")}</td>'
            f"<td>{_e(' '.join(entry['rules']) or '—')}</td><td>{_e(' '.join(seen) or '—')}</td>"
            f"<td>{mark}</td></tr>"
        )
    return (
        "<h2>Lỗi gài sẵn và lỗi phát hiện / planted faults and findings</h2>"
        "<table><tr><th>mã</th><th>tỉnh, thành</th><th>hồ sơ</th><th>planted faults</th>"
        "<th>expected rules</th><th>found rules</th><th></th></tr>" + "".join(rows) + "</table>"
    )


def _examples(report: Report) -> str:
    blocks = []
    for card in report.scorecards:
        code = card["province"]["code"]
        items = []
        for line in card["rules"]:
            examples = report.examples.get((code, line["rule"]), [])
            if not examples:
                continue
            rule = report.rules[line["rule"]]
            shown = "".join(f"<li><code>{_e(example.line())}</code></li>" for example in examples)
            items.append(
                f"<p><b>{_e(rule.id)}</b> {_e(rule.severity.value)} × {line['findings']} — "
                f"{_e(rule.title_vi)} / {_e(rule.title_en)} <i>({_e(rule.clause)})</i></p>"
                f"<ul>{shown}</ul><p>gợi ý / hint: {_e(rule.hint)}</p>"
            )
        if items:
            title = f"{code} {card['province']['name']}"
            blocks.append(f"<details><summary>{_e(title)}</summary>{''.join(items)}</details>")
    return "<h2>Ví dụ / example findings</h2>" + "".join(blocks) if blocks else ""


def _waivers(report: Report) -> str:
    """The gate's waivers: who owns each, why, until when, and what it did."""
    if not report.waivers:
        return ""
    rows = "".join(
        f"<tr><td>{_e(o.waiver.rule)}</td><td>{_e(o.waiver.province)} "
        f"{_e(o.waiver.province_name)}</td><td>{_e(o.waiver.owner)}</td>"
        f"<td>{_e(o.waiver.reason)}</td><td>{_e(o.waiver.expires.isoformat())}</td>"
        f'<td class="{"fail" if o.state == "expired" else "muted"}">{_e(o.state)}</td>'
        f"<td>{_e(o.note)}</td></tr>"
        for o in report.waivers
    )
    decided = report.decided_on.isoformat() if report.decided_on else ""
    return (
        f"<h3>Miễn trừ / waivers (ngày xét / decided on {_e(decided)})</h3>"
        "<table><tr><th>quy tắc / rule</th><th>tỉnh / province</th><th>chủ / owner</th>"
        "<th>lý do / reason</th><th>hết hạn / expires</th><th>trạng thái / state</th>"
        f"<th>ghi chú / note</th></tr>{rows}</table>"
    )


def render_html(report: Report) -> str:
    verdict = report.verdict
    css_class = "pass" if verdict == "pass" else "fail"
    breaches = "".join(f"<li>{_e(breach)}</li>" for breach in report.breaches)
    gate = (
        "<p>không có ngưỡng / no gate</p>"
        if report.gate is None
        else f"<p><code>{_e(report.gate.to_json())}</code></p><ul>{breaches}</ul>"
        + _waivers(report)
    )
    run = (
        _run_facts(report.run)
        if report.run is not None
        else "<p>Cơ sở dữ liệu này không do <code>portalsim run</code> ghi: không có số liệu tải. "
        "This database was not written by portalsim run: no load figures.</p>"
    )
    summary = report.summary()
    body = (
        "<h1>portalsim — bảng điểm quốc gia / national scorecard</h1>"
        f'<p>Kết quả / verdict: <b class="{css_class}">{_e(verdict)}</b> · profile '
        f"{_e(report.profile)} · {summary['messages']} thông điệp / messages · "
        f"{summary['dossiers']} hồ sơ / dossiers · findings: "
        f"{_e(', '.join(f'{k} {v}' for k, v in summary['findings'].items()))}</p>"
        f"<h2>Lượt chạy / run</h2>{run}<h2>Ngưỡng / gate</h2>{gate}"
        f"<h2>Biểu đồ / charts</h2>{_charts(report)}"
        f"<h2>Bảng điểm / scorecard</h2>{_scorecard_table(report)}"
        f"{_truth_table(report)}{_examples(report)}"
    )
    return str(page(f"portalsim — {report.profile}", body, lang="vi"))
