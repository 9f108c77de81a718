"""`report.html` of a conformance run: one self-contained page (no script, nothing loaded from
elsewhere), built from the shared components of `mock_portal.ui` (page shell and stylesheet).

    render_html(result: PlanResult, verdict: Verdict, rules: Mapping[str, Rule] | None = None)
        -> str

Sections: the verdict with its reasons and exit code; the run (plan, target, province, times,
waiver file); counts per group; every failed, waived and could-not-run case with its evidence —
each request (method, URL, headers, body) and the answer (status, headers, body), the rules it
verifies (with title, severity, clause and hint from the profile when `rules` is given), its
clauses and hint; what became of each waiver; and every case in one table. Every text from the
run, the target or the waiver file is escaped; credentials are redacted (`evidence`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from markupsafe import Markup

from contracts import Rule
from mock_portal.ui import page
from simulator.conform.console import province_label, result_line
from simulator.conform.evidence import show_exchange
from simulator.conform.results import Exchange, PlanResult
from simulator.conform.verdict import STATUS_LABELS, STATUSES, CaseVerdict, Status, Verdict

__all__ = ["render_html"]

_STATUS_CLASS = {
    "pass": "pass",
    "fail": "fail",
    "waived": "sev-warning",
    "skip": "muted",
    "error": "sev-error",
}


def _join(parts: Iterable[Markup | str]) -> Markup:
    return Markup("").join(parts)


def _status(status: Status) -> Markup:
    return Markup('<b class="{}" data-status="{}">{}</b>').format(
        _STATUS_CLASS[status], status, STATUS_LABELS[status]
    )


def _facts(pairs: Iterable[tuple[str, object]]) -> Markup:
    rows = _join(
        Markup("<dt>{}</dt><dd>{}</dd>").format(key, value) for key, value in pairs if value
    )
    return Markup("<dl>{}</dl>").format(rows)


def _headers(headers: tuple[tuple[str, str], ...]) -> Markup:
    if not headers:
        return Markup("")
    rows = _join(
        Markup("<tr><th>{}</th><td><code>{}</code></td></tr>").format(name, value)
        for name, value in headers
    )
    return Markup('<table class="headers">{}</table>').format(rows)


def _body(body: str) -> Markup:
    if not body:
        return Markup('<p class="muted">(thân rỗng / empty body)</p>')
    return Markup('<pre class="json">{}</pre>').format(body)


def _exchange(exchange: Exchange, number: int, total: int) -> Markup:
    shown = show_exchange(exchange)
    return Markup(
        '<div class="exchange"><h4>Bằng chứng / evidence {number}/{total}</h4>'
        "<p><b>Yêu cầu / request</b> <code>{request}</code></p>{request_headers}{request_body}"
        "<p><b>Trả lời / response</b> <code>{status}</code></p>{response_headers}{response_body}"
        "</div>"
    ).format(
        number=number,
        total=total,
        request=shown.request_line,
        request_headers=_headers(shown.request_headers),
        request_body=_body(shown.request_body),
        status=shown.status_line,
        response_headers=_headers(shown.response_headers),
        response_body=_body(shown.response_body),
    )


def _rule(rule_id: str, rules: Mapping[str, Rule] | None) -> Markup:
    rule = (rules or {}).get(rule_id)
    if rule is None:
        return Markup("<li><b>{}</b></li>").format(rule_id)
    return Markup(
        '<li><b>{id}</b> <span class="sev-{severity}">{severity}</span> — {vi} / {en} '
        "<i>({clause})</i><br>gợi ý / hint: {hint}</li>"
    ).format(
        id=rule.id,
        severity=rule.severity.value,
        vi=rule.title_vi,
        en=rule.title_en,
        clause=rule.clause,
        hint=rule.hint,
    )


def _case(case: CaseVerdict, rules: Mapping[str, Rule] | None) -> Markup:
    result = case.case
    rule_list = (
        Markup("<p><b>Quy tắc / rules</b></p><ul>{}</ul>").format(
            _join(_rule(rule_id, rules) for rule_id in result.rules)
        )
        if result.rules
        else Markup("")
    )
    clauses = (
        Markup("<p><b>Điều khoản / clauses</b></p><ul>{}</ul>").format(
            _join(Markup("<li>{}</li>").format(clause) for clause in result.clauses)
        )
        if result.clauses
        else Markup("")
    )
    waiver = (
        _facts(
            [
                ("chủ / owner", case.waiver.owner),
                ("lý do / reason", case.waiver.reason),
                ("hết hạn / expires", case.waiver.expires.isoformat()),
                ("mục / entry", case.waiver.where),
            ]
        )
        if case.waiver is not None and case.status in ("waived", "fail")
        else Markup("")
    )
    evidence = _join(
        _exchange(exchange, number, len(result.evidence))
        for number, exchange in enumerate(result.evidence, start=1)
    ) or Markup('<p class="muted">(không có trao đổi / no exchange recorded)</p>')
    return Markup(
        '<details open id="case-{id}" class="case" data-status="{status_key}">'
        '<summary><b>{id}</b> {status} — {title} <span class="muted">[{group}]</span></summary>'
        "<p>{description}</p>{facts}{waiver}{rule_list}{clauses}{evidence}</details>"
    ).format(
        id=result.case_id,
        status_key=case.status,
        status=_status(case.status),
        title=result.title,
        group=result.group_id,
        description=result.description,
        facts=_facts(
            [
                ("lý do / reason", result.reason),
                ("ghi chú / note", case.note),
                ("gợi ý / hint", result.hint),
                ("thời gian / duration", f"{result.duration_s:.3f} s"),
            ]
        ),
        waiver=waiver,
        rule_list=rule_list,
        clauses=clauses,
        evidence=evidence,
    )


def _group_table(result: PlanResult, verdict: Verdict) -> Markup:
    head = _join(Markup("<th>{}</th>").format(STATUS_LABELS[s]) for s in STATUSES)
    rows = []
    for group in [*result.groups(), None]:
        counts = verdict.counts(group)
        cells = _join(Markup('<td class="n">{}</td>').format(counts[s]) for s in STATUSES)
        name = group if group is not None else "tổng / total"
        rows.append(Markup("<tr><td>{}</td>{}</tr>").format(name, cells))
    return Markup("<table><tr><th>nhóm / group</th>{}</tr>{}</table>").format(head, _join(rows))


def _waiver_table(verdict: Verdict) -> Markup:
    if not verdict.waivers:
        return Markup("")
    rows = _join(
        Markup(
            "<tr><td>{entry}</td><td>{subject}</td><td>{province}</td><td>{owner}</td>"
            '<td>{reason}</td><td>{expires}</td><td class="{css}">{state}</td><td>{note}</td></tr>'
        ).format(
            entry=use.waiver.entry,
            subject=use.waiver.subject,
            province=province_label(use.waiver.province),
            owner=use.waiver.owner,
            reason=use.waiver.reason,
            expires=use.waiver.expires.isoformat(),
            css="fail" if use.fails_gate else "muted",
            state=use.state,
            note=use.note,
        )
        for use in verdict.waivers
    )
    return Markup(
        '<h2>Miễn trừ / waivers <span class="muted">({})</span></h2><table><tr><th>#</th>'
        "<th>ca / case</th><th>tỉnh / province</th><th>chủ / owner</th><th>lý do / reason</th>"
        "<th>hết hạn / expires</th><th>trạng thái / state</th><th>ghi chú / note</th></tr>{}"
        "</table>"
    ).format(verdict.waiver_file, rows)


def _case_link(case: CaseVerdict) -> Markup:
    """Cases shown in detail above link to it."""
    if case.status in ("fail", "waived", "error"):
        return Markup('<a href="#case-{0}">{0}</a>').format(case.case.case_id)
    return Markup("{}").format(case.case.case_id)


def _all_cases(verdict: Verdict) -> Markup:
    rows = _join(
        Markup(
            "<tr><td>{id}</td><td>{group}</td><td>{title}</td><td>{status}</td><td>{rules}</td>"
            "<td>{reason}</td></tr>"
        ).format(
            id=_case_link(case),
            group=case.case.group_id,
            title=case.case.title,
            status=_status(case.status),
            rules=" ".join(case.case.rules),
            reason=case.case.reason,
        )
        for case in verdict.cases
    )
    return Markup(
        "<h2>Tất cả ca / all cases</h2><table><tr><th>ca / case</th><th>nhóm / group</th>"
        "<th>tên / title</th><th>kết quả / status</th><th>quy tắc / rules</th>"
        "<th>lý do / reason</th></tr>{}</table>"
    ).format(rows)


def render_html(
    result: PlanResult, verdict: Verdict, rules: Mapping[str, Rule] | None = None
) -> str:
    reasons = _join(Markup("<li>{}</li>").format(reason) for reason in verdict.reasons)
    notes = _join(Markup("<li>{}</li>").format(note) for note in verdict.notes)
    sections = []
    for status, title in (
        ("fail", "Không đạt / failures"),
        ("waived", "Miễn trừ / waived failures (không làm trượt / do not fail the gate)"),
        ("error", "Không chạy được / could not run"),
    ):
        cases = [case for case in verdict.cases if case.status == status]
        if cases:
            sections.append(
                Markup("<h2>{}</h2>{}").format(title, _join(_case(c, rules) for c in cases))
            )
    css = "pass" if verdict.passed else "fail"
    body = Markup(
        "<h1>portalsim conform — báo cáo kiểm thử tích hợp / conformance report</h1>"
        '<p class="verdict"><b class="{css}">{line}</b></p><ul class="reasons">{reasons}</ul>'
        "{notes}<h2>Lượt chạy / run</h2>{facts}<h2>Theo nhóm / by group</h2>{groups}"
        "{sections}{waivers}{cases}"
    ).format(
        css=css,
        line=result_line(verdict),
        reasons=reasons,
        notes=Markup("<p><b>Lưu ý / notices</b></p><ul>{}</ul>").format(notes)
        if verdict.notes
        else Markup(""),
        facts=_facts(
            [
                ("kế hoạch / plan", result.plan_id),
                ("đích / target", result.target),
                ("tỉnh / province", province_label(result.province)),
                ("bắt đầu / started", result.started_at.isoformat()),
                ("kết thúc / finished", result.finished_at.isoformat()),
                ("ngày xét / decided on", verdict.today.isoformat()),
                ("tệp miễn trừ / waiver file", verdict.waiver_file),
            ]
        ),
        groups=_group_table(result, verdict),
        sections=_join(sections),
        waivers=_waiver_table(verdict),
        cases=_all_cases(verdict),
    )
    title = f"portalsim conform — {result.plan_id} — {province_label(result.province)}"
    return str(page(title, body, lang="vi"))
