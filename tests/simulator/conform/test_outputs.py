"""The outputs of a run: JUnit XML valid against the common schema, the HTML evidence of a
failure (escaped, credentials redacted), results.json that re-renders, the console summary."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from contracts.profiles import load as load_profile
from simulator.conform.console import write_summary
from simulator.conform.evidence import redact_result
from simulator.conform.machine import render_json, render_junit
from simulator.conform.outputs import OUTPUT_FILES, OutputFiles, conclude, write_outputs
from simulator.conform.page import render_html
from simulator.conform.results import PlanResult, load_result
from simulator.conform.verdict import Verdict, decide
from simulator.conform.waivers import Waiver, Waivers
from tests.simulator.conform._results import case, exchange, plan_result

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "data" / "junit.xsd")
TODAY = dt.date(2026, 11, 22)
HOSTILE = '{"MaHoSo": "<script>alert(\'x\')</script>", "password": "hunter2", "bad": "\\u0001"}'


def _run() -> tuple[PlanResult, Verdict]:
    """One case of each status: pass, fail (hostile body), waived, skip, error."""
    failed = case(
        "PUSH-004",
        "fail",
        reason="accepted MaHoSo 000.00.14.H26-20261120-0001 (HTTP 200, error_code 0)",
        hint="check MaHoSo against the Art. 19 structure before accepting a pushed dossier",
        evidence=(exchange(body=HOSTILE, answer='{"error_code":0,"note":"<b>ok</b> & \x01"}'),),
    )
    result = plan_result(
        {"PUSH-001": "pass", "PUSH-002": "skip", "PAY-CONF-002": "fail", "SSO-RP-001": "error"},
        failed,
    )
    waiver = Waiver("w.toml", 1, "PAY-CONF-002", None, "52", "Ngô Thị D", "release 4.2", TODAY)
    return result, decide(result, Waivers("w.toml", (waiver,)), TODAY)


def test_junit_is_valid_against_the_common_schema() -> None:
    """The JUnit XML of a run with every status validates against the JUnit XSD of CI systems."""
    result, verdict = _run()
    SCHEMA.validate(render_junit(result, verdict))


def test_junit_has_a_testcase_per_case_with_its_outcome() -> None:
    """classname = group; failure with reason and evidence; waived and skip skipped; error."""
    result, verdict = _run()
    root = ET.fromstring(render_junit(result, verdict))
    cases = {tc.get("name", "").split(" ")[0]: tc for tc in root.iter("testcase")}
    assert sorted(cases) == sorted(c.case_id for c in result.cases)
    failed = cases["PUSH-004"]
    assert failed.get("classname") == "PUSH"
    failure = failed.find("failure")
    assert failure is not None
    assert "000.00.14.H26-20261120-0001" in (failure.get("message") or "")
    assert "gợi ý / hint: check MaHoSo" in (failure.text or "")
    evidence = failed.findtext("system-out") or ""
    assert "<script>alert('x')</script>" in evidence  # as text, not markup
    assert "hunter2" not in evidence
    assert "s3cr3t" not in evidence
    waived = cases["PAY-CONF-002"].find("skipped")
    assert waived is not None
    assert "waived" in (waived.get("message") or "")
    assert cases["PUSH-002"].find("skipped") is not None
    assert cases["SSO-RP-001"].find("error") is not None
    assert root.get("failures") == "1"
    assert root.get("errors") == "1"
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["PUSH-004.rules"] == "HS-001"


def test_html_shows_the_evidence_of_a_failure_escaped() -> None:
    """Request, response, rule, clause and hint of the failing case; nothing becomes markup."""
    result, verdict = _run()
    profile = load_profile()
    html = render_html(result, verdict, {rule.id: rule for rule in profile.rules})
    section = html[html.index('id="case-PUSH-004"') :]
    section = section[: section.index("</details>")]
    assert "→ POST http://127.0.0.1:9/province/dvcqg/push" in section
    assert "← HTTP 200" in section
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in section
    assert "&lt;b&gt;ok&lt;/b&gt; &amp;" in section
    hs001 = profile.rules["HS-001"]
    assert "HS-001" in section
    assert str(_escaped(hs001.title_vi)) in section
    assert str(_escaped(hs001.clause)) in section
    assert "TT 01/2018/TT-VPCP Điều 19" in section
    assert "check MaHoSo against the Art. 19 structure" in section
    assert "hunter2" not in html
    assert "s3cr3t" not in html
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_html_reports_waived_failure_with_its_owner() -> None:
    """The waived failure's section shows its waiver's owner."""
    result, verdict = _run()
    html = render_html(result, verdict)
    section = html[html.index('id="case-PAY-CONF-002"') :]
    assert "Ngô Thị D" in section[: section.index("</details>")]


def test_results_json_re_renders_the_same_outputs(tmp_path: Path) -> None:
    """results.json holds the whole result but credentials: read back, it renders
    byte-identical outputs."""
    result, verdict = _run()
    paths = write_outputs(result, verdict, tmp_path / "out")
    assert [p.name for p in paths] == list(OUTPUT_FILES)
    stored = paths[0].read_text(encoding="utf-8")
    assert "hunter2" not in stored
    assert "s3cr3t" not in stored
    assert "Bearer «redacted»" in stored
    again = load_result(paths[0])
    assert again == redact_result(result)
    assert "<script>alert('x')</script>" in again.cases[0].evidence[0].request_body
    verdict_again = decide(
        again, Waivers("w.toml", tuple(u.waiver for u in verdict.waivers)), TODAY
    )
    assert render_json(again, verdict_again) == paths[0].read_bytes()
    assert render_junit(again, verdict_again) == paths[1].read_text(encoding="utf-8")


def test_console_summary_counts_per_group_and_lists_failures() -> None:
    """Counts per group in status order, failures and waived cases listed, vi/en labels."""
    result, verdict = _run()
    out = io.StringIO()
    write_summary(result, verdict, out)
    text = out.getvalue()
    push = next(line for line in text.splitlines() if line.startswith("PUSH "))
    assert push.split() == ["PUSH", "1", "1", "·", "1", "·"]
    assert "✗ PUSH-004" in text
    assert "lý do / reason: accepted MaHoSo" in text
    assert "~ PAY-CONF-002" in text
    assert "waived until 2026-11-22 by Ngô Thị D" in text
    assert "52 Gia Lai" in text
    assert text.rstrip().endswith("Kết quả / result: KHÔNG ĐẠT / FAIL (exit 1)")


def test_conclude_writes_reports_and_returns_the_exit_code(tmp_path: Path) -> None:
    """conclude() writes the three files and returns the verdict's exit code."""
    result = plan_result({"PUSH-001": "pass"})
    out = io.StringIO()
    code = conclude(result, Waivers.none(), TODAY, out=out, reports=tmp_path)
    assert code == 0
    assert (tmp_path / "junit.xml").is_file()
    assert "ĐẠT / PASS (exit 0)" in out.getvalue()


def test_single_files_carry_the_same_verdict_as_the_reports(tmp_path: Path) -> None:
    """--json/--junit/--html beside --reports: one verdict, the same bytes, all listed."""
    result, _verdict = _run()
    waivers = Waivers("w.toml", ())
    files = OutputFiles(
        json=tmp_path / "single" / "r.json",
        junit=tmp_path / "single" / "j.xml",
        html=tmp_path / "h.html",
    )
    out = io.StringIO()
    code = conclude(result, waivers, TODAY, out=out, reports=tmp_path / "all", files=files)
    assert code == 1
    assert files.json is not None
    assert files.junit is not None
    assert files.html is not None
    assert files.json.read_bytes() == (tmp_path / "all" / "results.json").read_bytes()
    assert files.junit.read_bytes() == (tmp_path / "all" / "junit.xml").read_bytes()
    assert files.html.read_bytes() == (tmp_path / "all" / "report.html").read_bytes()
    assert str(files.junit) in out.getvalue()
    assert not list(tmp_path.rglob(".*.partial"))


def test_an_unwritable_file_is_named_and_leaves_no_half_file(tmp_path: Path) -> None:
    """The files before the failing one are written whole; the failing one is named (exit 2)
    and no hidden partial file is left."""
    from simulator.errors import UsageError

    result = plan_result({"PUSH-001": "pass"})
    old = tmp_path / "junit.xml"
    old.write_bytes(b"<old/>")
    html = tmp_path / "report.html"
    html.mkdir()  # a directory where the file should go: the rename fails
    files = OutputFiles(junit=old, html=html)
    with pytest.raises(UsageError, match=r"report\.html: cannot write"):
        conclude(result, Waivers.none(), TODAY, out=io.StringIO(), files=files)
    assert old.read_bytes() != b"<old/>"  # written before the failing one, whole
    assert SCHEMA.is_valid(old.read_text(encoding="utf-8"))
    assert html.is_dir()
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not json", "not JSON"),
        (b'{"format": "something else"}', "not a valid portalsim conform result"),
        (b'{"format": "portalsim conform result", "version": 1}', "missing key"),
    ],
)
def test_a_bad_result_file_is_one_line(tmp_path: Path, content: bytes, problem: str) -> None:
    """A result file that is not one: ResultFileError naming the problem."""
    from simulator.conform.results import ResultFileError

    path = tmp_path / "results.json"
    path.write_bytes(content)
    with pytest.raises(ResultFileError, match=problem):
        load_result(path)
