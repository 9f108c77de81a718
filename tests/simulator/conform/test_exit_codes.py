"""`portalsim conform` end to end through the in-process CLI, against the reference target
(profile `accepts-defective-pushes`, which accepts the defective dossier of PUSH-004): each exit
code of DESIGN §4, waivers applied, expired and refused, and a run where nothing ran."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema

from simulator.cli import run
from simulator.conform.serving import ThreadedServer
from simulator.reports.waivers import today_in_vietnam
from tests.simulator.conform._reference import free_port, load, reference_server, write_config

SCHEMA = Path(__file__).parent / "data" / "junit.xsd"
WAIVER = """
[[waiver]]
case = "PUSH-004"
rule = "HS-001"
province = "38"
owner = "Đỗ Minh Khoa <khoa@vendor.example>"
reason = "kiểm tra mã hồ sơ theo Điều 19 có ở bản 5.0"
expires = {expires}
"""


class Target:
    def __init__(self, url: str, config: Path) -> None:
        self.url = url
        self.config = config


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    folder = tmp_path_factory.mktemp("target")
    portal_port, target_port = free_port(), free_port()
    config = write_config(folder, portal_port=portal_port, target_port=target_port)
    server: ThreadedServer = reference_server(
        load(config), "accepts-defective-pushes", f"http://127.0.0.1:{portal_port}", target_port
    )
    server.start()
    try:
        yield Target(f"http://127.0.0.1:{target_port}", config)
    finally:
        server.stop()


def _conform(target: Target, *arguments: str, config: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        [
            "conform",
            "--target",
            target.url,
            "--config",
            str(config or target.config),
            *arguments,
        ],
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def _waivers(tmp_path: Path, expires: dt.date) -> Path:
    path = tmp_path / "waivers.toml"
    path.write_text(WAIVER.format(expires=expires.isoformat()), encoding="utf-8")
    return path


def test_a_waived_failure_exits_0_and_is_reported_as_waived(target: Target, tmp_path: Path) -> None:
    """PUSH-004 fails, under a valid waiver: exit 0; every output says it is waived."""
    waivers = _waivers(tmp_path, today_in_vietnam() + dt.timedelta(days=30))
    reports = tmp_path / "reports"
    code, out, _err = _conform(
        target, "--only", "PUSH-004", "--waivers", str(waivers), "--reports", str(reports)
    )
    assert code == 0, out
    assert "~ PUSH-004" in out
    assert "ĐẠT / PASS, 1 miễn trừ / waived (exit 0)" in out
    junit = (reports / "junit.xml").read_text(encoding="utf-8")
    xmlschema.validate(junit, str(SCHEMA))
    assert re.search(r'<skipped message="miễn trừ / waived: waived until [^"]*Đỗ Minh Khoa', junit)
    assert '"status": "waived"' in (reports / "results.json").read_text(encoding="utf-8")
    assert "Đỗ Minh Khoa" in (reports / "report.html").read_text(encoding="utf-8")


def test_an_expired_waiver_fails_the_gate_and_says_so(target: Target, tmp_path: Path) -> None:
    """The same waiver, expired yesterday: exit 1, naming the waiver and its expiry."""
    yesterday = today_in_vietnam() - dt.timedelta(days=1)
    code, out, _err = _conform(
        target, "--only", "PUSH-004", "--waivers", str(_waivers(tmp_path, yesterday))
    )
    assert code == 1
    assert "✗ PUSH-004" in out
    assert f"waiver expired on {yesterday.isoformat()}" in out
    assert "miễn trừ hết hạn / waiver expired" in out


def test_an_invalid_waiver_file_exits_2_with_one_line(target: Target, tmp_path: Path) -> None:
    """An unknown case ID: one line naming the file, the entry and the ID; nothing runs."""
    path = tmp_path / "waivers.toml"
    path.write_text(
        WAIVER.format(expires="2030-01-01").replace("PUSH-004", "PUSH-404"), encoding="utf-8"
    )
    code, out, err = _conform(target, "--waivers", str(path))
    assert code == 2
    assert out == ""
    assert err == (
        f"portalsim: error: {path}, waiver 1 (PUSH-404): unknown case ID 'PUSH-404' "
        "(not in the plan)\n"
    )


def test_a_run_where_nothing_ran_exits_1(target: Target, tmp_path: Path) -> None:
    """Without a [payment] table the payment case is skipped: nothing ran, which never passes."""
    text = target.config.read_text(encoding="utf-8")
    config = tmp_path / "province.toml"
    config.write_text(re.sub(r"\[payment\]\n(?:[a-z_0-9]+ = .*\n)+", "", text), encoding="utf-8")
    code, out, _err = _conform(target, "--only", "PAY-CONF-002", config=config)
    assert code == 1, out
    assert "không ca nào chạy / no case ran (1 skipped)" in out
    assert "nothing ran (exit 1)" in out


def test_an_unreachable_target_exits_4(tmp_path: Path, target: Target) -> None:
    """Nothing listens on the target's port: exit 4, one line."""
    closed = Target(f"http://127.0.0.1:{free_port()}", target.config)
    code, _out, err = _conform(closed, "--only", "PUSH-004")
    assert code == 4
    assert err.startswith("portalsim: error: target unreachable")
    assert err.count("\n") == 1


def test_an_internal_error_exits_5_with_one_line(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in portalsim itself: exit 5, one line and a hint, no traceback."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("simulator.cli._conform.load_conform_config", broken)
    code, _out, err = _conform(target)
    assert code == 5
    assert err.startswith("portalsim: internal error: RuntimeError: simulated bug\n")
    assert "Traceback" not in err
