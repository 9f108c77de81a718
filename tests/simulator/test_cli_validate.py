"""`portalsim validate` end to end through the in-process CLI: formats, findings, exit codes."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from simulator import validation
from simulator.cli import run
from tests.simulator._captures import clean_flow, message, write_har, write_ndjson


def _run(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _defective(tmp_path: Path) -> Path:
    flow = clean_flow()
    flow.append(
        ("2026-03-02T09:05:00+07:00", message("dongbo", data_MaHoSo="000.00.14.H56-260303-0002"))
    )
    return write_ndjson(tmp_path / "defective.ndjson", flow)


def test_clean_capture_passes(tmp_path: Path) -> None:
    """A correct OpenCPS flow exits 0 and says PASS."""
    code, out, _err = _run("validate", str(write_ndjson(tmp_path / "c.ndjson", clean_flow())))
    assert code == 0
    assert "PASS" in out
    assert "4 thông điệp" in out


def test_error_finding_fails_with_exit_1(tmp_path: Path) -> None:
    """An error-severity finding exits 1 and the text report names the rule, value and hint."""
    code, out, _err = _run("validate", str(_defective(tmp_path)))
    assert code == 1
    assert "HS-002" in out
    assert "000.00.14.H56-260303-0002" in out
    assert "FAIL" in out


def test_json_format_shape(tmp_path: Path) -> None:
    """--format json gives profile, message count, each finding with its 0-based index, summary."""
    code, out, _err = _run("validate", str(_defective(tmp_path)), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["profile"] == "tt01-2018"
    assert document["messages"] == 5
    hs002 = [f for f in document["findings"] if f["rule"] == "HS-002"]
    assert hs002 == [
        {
            "rule": "HS-002",
            "severity": "error",
            "message": 4,
            "path": "$.data[0].MaHoSo",
            "value": "000.00.14.H56-260303-0002",
            "hint": hs002[0]["hint"],
        }
    ]
    assert document["summary"]["errors"] >= 1


def test_junit_format_has_a_failing_case_per_broken_rule(tmp_path: Path) -> None:
    """--format junit writes valid XML with HS-002 failed and an untouched rule passed."""
    output = tmp_path / "report.xml"
    code, _out, _err = _run(
        "validate", str(_defective(tmp_path)), "--format", "junit", "--output", str(output)
    )
    root = ET.parse(output).getroot()
    cases = {case.get("name", "").split(" ")[0]: case for case in root.iter("testcase")}
    assert code == 1
    assert cases["HS-002"].find("failure") is not None
    assert cases["TT-002"].find("failure") is None


def test_status_values_are_shown_with_vietnamese_labels(tmp_path: Path) -> None:
    """An illegal transition shows the status as '10 (Đã trả kết quả)'."""
    flow = clean_flow()
    flow.append(
        (
            "2026-03-02T09:10:00+07:00",
            message("capnhat", data_TrangThai="10", data_ThoiDiemXuLy="20260302091000"),
        )
    )
    code, out, _err = _run("validate", str(write_ndjson(tmp_path / "t.ndjson", flow)))
    assert code == 1
    assert "10 (Đã trả kết quả)" in out


def test_har_capture_is_read_with_entry_indexes(tmp_path: Path) -> None:
    """A HAR file is validated; finding indexes count every entry, GET page loads included."""
    flow = clean_flow()
    flow.append(
        ("2026-03-02T09:05:00+07:00", message("dongbo", data_MaHoSo="000.00.14.H56-260303-0002"))
    )
    har = write_har(tmp_path / "c.har", flow, pages=2)
    code, out, _err = _run("validate", str(har), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["messages"] == 5
    assert {f["message"] for f in document["findings"] if f["rule"] == "HS-002"} == {6}


def test_har_receive_times_drive_the_sync_delay_rule(tmp_path: Path) -> None:
    """startedDateTime is the receive time: a sync three hours late is flagged LC-007."""
    flow = [("2026-03-02T11:31:00+07:00", message("dongbo"))]
    code, out, _err = _run(
        "validate", str(write_har(tmp_path / "late.har", flow)), "--format", "json"
    )
    assert code == 0
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["LC-007"]


def test_sync_limit_option_changes_the_verdict(tmp_path: Path) -> None:
    """--sync-limit 4h accepts the three-hour delay that the default 1h flags."""
    flow = [("2026-03-02T11:31:00+07:00", message("dongbo"))]
    capture = write_ndjson(tmp_path / "late.ndjson", flow)
    _code, out, _err = _run("validate", str(capture), "--sync-limit", "4h", "--format", "json")
    assert json.loads(out)["findings"] == []


def test_malformed_entry_is_a_finding_and_the_rest_is_checked(tmp_path: Path) -> None:
    """A truncated body in a good capture is MSG-001 on that entry; later entries still count."""
    flow: list[tuple[str, object]] = list(clean_flow())
    flow.insert(1, ("2026-03-02T08:31:00+07:00", '{"service": "DongBoHoSoMC", "data": ['))
    code, out, _err = _run(
        "validate", str(write_ndjson(tmp_path / "m.ndjson", flow)), "--format", "json"
    )
    document = json.loads(out)
    assert code == 1
    assert document["messages"] == 5
    assert [(f["rule"], f["message"]) for f in document["findings"]] == [("MSG-001", 1)]


def test_journal_line_that_is_not_json_is_a_finding(tmp_path: Path) -> None:
    """A broken line of an NDJSON journal is MSG-001 on that entry."""
    capture = write_ndjson(tmp_path / "j.ndjson", clean_flow())
    capture.write_text(
        capture.read_text(encoding="utf-8") + '{"id": 9, "body": \n', encoding="utf-8"
    )
    code, out, _err = _run("validate", str(capture), "--format", "json")
    assert code == 1
    assert json.loads(out)["findings"][-1]["rule"] == "MSG-001"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (b"hello world\n", "neither HAR nor NDJSON"),
        (
            b'{"log": {"entries": [{"request": {"method": "POST", "postData": {"text": "{}"}}}, '
            b'{"req',
            "truncated HAR",
        ),
        (b'{"id": 1, "body": "{}"}\n{"id": 2, "body": "caf\xe9"}\n', "not UTF-8"),
        (b"[1, 2, 3]\n", "neither HAR nor NDJSON"),
    ],
    ids=["empty", "text", "truncated-har", "latin-1", "json-array"],
)
def test_unreadable_captures_exit_2_with_one_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    """A file that is not a usable capture: one line naming the file and the problem, exit 2."""
    capture = tmp_path / "bad.capture"
    capture.write_bytes(content)
    code, out, err = _run("validate", str(capture))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert str(capture) in err
    assert expected in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    """A missing capture is named in one line, exit 2."""
    code, _out, err = _run("validate", str(tmp_path / "nope.har"))
    assert code == 2
    assert "no such file" in err


def test_directory_exits_2(tmp_path: Path) -> None:
    """A directory given as capture exits 2."""
    code, _out, err = _run("validate", str(tmp_path))
    assert code == 2
    assert "directory" in err


def test_capture_without_messages_does_not_pass(tmp_path: Path) -> None:
    """A HAR with only page loads checked nothing: exit 2, never a pass."""
    code, _out, err = _run("validate", str(write_har(tmp_path / "pages.har", [], pages=3)))
    assert code == 2
    assert "no messages" in err


@pytest.mark.parametrize(
    "arguments",
    [
        ["--sync-limit", "soon"],
        ["--sync-limit", "0s"],
        ["--profile", "tt99"],
        ["--format", "yaml"],
        ["--catalogue", "/nonexistent/catalogue.json"],
    ],
)
def test_bad_options_exit_2(tmp_path: Path, arguments: list[str]) -> None:
    """Bad option values are usage errors: exit 2 with a message, no traceback."""
    capture = write_ndjson(tmp_path / "c.ndjson", clean_flow())
    code, _out, err = _run("validate", str(capture), *arguments)
    assert code == 2
    assert err.startswith("portalsim: error:")
    assert "Traceback" not in err


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    """--output into a missing folder is a usage error."""
    capture = write_ndjson(tmp_path / "c.ndjson", clean_flow())
    code, _out, err = _run("validate", str(capture), "--output", str(tmp_path / "no" / "r.json"))
    assert code == 2
    assert "cannot write" in err


def test_internal_error_exits_5_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug inside the tool is exit 5 with one line and a hint, not a traceback."""

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(validation, "read_capture", explode)
    code, _out, err = _run("validate", str(write_ndjson(tmp_path / "c.ndjson", clean_flow())))
    assert code == 5
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err


def test_rules_lists_every_rule_in_text_and_json() -> None:
    """`portalsim rules` lists ID, severity, kind, clause and both titles."""
    code, out, _err = _run("rules", "--format", "json")
    rules = json.loads(out)["rules"]
    assert code == 0
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["HS-002"]["clause"] == "TT 01/2018/TT-VPCP Điều 19"
    assert by_id["HS-002"]["severity"] == "error"
    assert by_id["LC-007"]["kind"] == "timeliness"
    code, out, _err = _run("rules")
    assert code == 0
    assert "Mã hồ sơ sai cấu trúc" in out
    assert f"{len(rules)} rules" in out
