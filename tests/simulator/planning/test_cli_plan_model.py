"""`portalsim plan model`: what it prints, the files it writes, and how it refuses bad input."""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import unicodedata
from pathlib import Path

import pytest

from simulator.cli._main import run
from simulator.errors import EXIT_USAGE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def plan_model(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["plan", "model", *arguments], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def quang_nam_text(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("text")
    code, out, err = plan_model("--province", "49", "--month", "2026-03", "--output", str(folder))
    assert (code, err) == (0, "")
    return out, folder


@pytest.fixture(scope="module")
def quang_nam_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    folder = tmp_path_factory.mktemp("json")
    code, out, err = plan_model(
        "--province", "49", "--month", "2026-03", "--output", str(folder), "--format", "json"
    )
    assert (code, err) == (0, "")
    return json.loads(out), folder


def test_text_names_the_peak(quang_nam_text: tuple[str, Path]) -> None:
    """The text names the province in Vietnamese, the peak minute, its weekday, the rates."""
    out, _ = quang_nam_text
    assert unicodedata.is_normalized("NFC", out)
    assert "Quảng Nam (49, tỉnh cũ, nay thuộc thành phố Đà Nẵng)" in out
    assert "peak minute        Thứ Hai 30/03/2026 09:00 (UTC+7)" in out
    assert re.search(r"peak-minute rate   \d+\.\d{3} requests/s", out)
    assert re.search(r"peak hour          \d\d:\d\d-\d\d:\d\d, \d+\.\d{3} requests/s", out)
    assert "working days       22" in out
    for flow in ("dossier_sync", "progress", "lookup", "payment", "sso_login"):
        assert f"    {flow}" in out
    assert "peak_month" in out
    assert "quarter_end" in out


def test_json_fields(quang_nam_json: tuple[dict[str, object], Path]) -> None:
    """JSON carries the peak minute, rates, working days, flows and the files written."""
    document, folder = quang_nam_json
    assert document["province"] == "49"
    assert document["province_name"] == "Quảng Nam"
    assert document["month"] == "2026-03"
    assert document["peak_minute"] == "2026-03-30T09:00:00+07:00"
    assert document["peak_weekday"] == "Thứ Hai"
    assert document["working_days"] == 22
    assert document["annual_volume_source"] == "domain.md §10"
    flows = document["peak_flows_rps"]
    assert isinstance(flows, dict)
    assert sum(flows.values()) == pytest.approx(document["peak_rate_rps"])
    assert 0 < document["peak_hour_rate_rps"] <= document["peak_rate_rps"]  # type: ignore[operator]
    assert document["files"] == {
        "png": str(folder / "plan-model-49-2026-03.png"),
        "html": str(folder / "plan-model-49-2026-03.html"),
    }


def test_png_is_a_valid_png(quang_nam_text: tuple[str, Path]) -> None:
    """The plot is a PNG: signature, an IHDR chunk of a sensible size, an IEND."""
    _, folder = quang_nam_text
    data = (folder / "plan-model-49-2026-03.png").read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    length, kind = struct.unpack(">I4s", data[8:16])
    width, height = struct.unpack(">II", data[16:24])
    assert (length, kind) == (13, b"IHDR")
    assert width >= 600
    assert height >= 400
    assert data.endswith(b"IEND\xaeB`\x82")


def test_html_is_self_contained(quang_nam_text: tuple[str, Path]) -> None:
    """The page inlines the same PNG and fetches nothing."""
    _, folder = quang_nam_text
    page = (folder / "plan-model-49-2026-03.html").read_text(encoding="utf-8")
    png = (folder / "plan-model-49-2026-03.png").read_bytes()
    assert f"data:image/png;base64,{base64.b64encode(png).decode()}" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page
    assert "<script" not in page
    assert "Quảng Nam" in page
    assert "Thứ Hai 30/03/2026 09:00" in page


BAD = [
    ("unknown province", ["--province", "99", "--month", "2026-03"], "province 99"),
    ("not a code", ["--province", "Quang Nam", "--month", "2026-03"], "GSO code"),
    ("month outside", ["--province", "49", "--month", "2101-03"], "calendar's years"),
    ("month before", ["--province", "49", "--month", "2019-12"], "calendar's years"),
    ("malformed month", ["--province", "49", "--month", "2026-3"], "YYYY-MM"),
    ("month 13", ["--province", "49", "--month", "2026-13"], "YYYY-MM"),
    ("negative volume", ["--province", "49", "--month", "2026-03", "--volume", "-1"], "--volume"),
    ("bad peak months", ["--province", "49", "--month", "2026-03", "--peak-months", "13"], "1-12"),
    ("no calendar", ["--province", "49", "--month", "2026-03", "--calendar", "/no"], "calendar"),
    ("no config", ["--province", "49", "--month", "2026-03", "--config", "/no.toml"], "config"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "arguments", "needle"), BAD, ids=[c for c, _, _ in BAD])
def test_bad_input_exit_2_nothing_written(
    tmp_path: Path, case: str, arguments: list[str], needle: str
) -> None:
    """Bad input: one line naming the problem, exit 2, no file written."""
    folder = tmp_path / "out"
    code, out, err = plan_model(*arguments, "--output", str(folder))
    assert code == EXIT_USAGE
    assert out == ""
    assert err.startswith("portalsim: error: ")
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert not folder.exists()


def test_config_file_overrides(tmp_path: Path) -> None:
    """A config file sets the volume and factors; an unknown factor is refused by name."""
    config = tmp_path / "model.toml"
    config.write_text("annual_volume = 120000\n[factors]\npeak_month = 2.0\n", encoding="utf-8")
    code, out, _ = plan_model(
        "--province", "49", "--month", "2026-03", "--config", str(config),
        "--output", str(tmp_path / "a"), "--format", "json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["annual_volume"] == 120000
    assert document["annual_volume_source"] == f"--config {config}"
    assert document["peak_day_factors"]["peak_month"] == 2.0
    config.write_text("[factors]\npeak_moth = 2.0\n", encoding="utf-8")
    code, _, err = plan_model(
        "--province", "49", "--month", "2026-03", "--config", str(config),
        "--output", str(tmp_path / "b"),
    )  # fmt: skip
    assert code == EXIT_USAGE
    assert "peak_moth" in err
    assert not (tmp_path / "b").exists()


def test_calendar_file_moves_the_peak(tmp_path: Path) -> None:
    """A calendar override making Monday 30/3/2026 a day off moves the peak elsewhere."""
    calendar = tmp_path / "calendar.toml"
    calendar.write_text(
        'format = 1\n[years.2026]\ndays_off = [2026-03-30]\nsource = "test"\n',
        encoding="utf-8",
    )
    code, out, err = plan_model(
        "--province", "49", "--month", "2026-03", "--calendar", str(calendar),
        "--output", str(tmp_path / "out"), "--format", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["working_days"] == 21
    assert not document["peak_minute"].startswith("2026-03-30")
