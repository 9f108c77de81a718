"""Bad input to `portalsim conform`: one line naming the problem and the documented exit code."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from simulator.cli import run
from simulator.conform.serving import ThreadedServer
from tests.simulator.conform._reference import free_port, write_config


def _conform(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["conform", *arguments], out, err)
    return code, out.getvalue(), err.getvalue()


def test_an_unreachable_target_exits_4_with_one_line(tmp_path: Path) -> None:
    """Nothing listens at the target: exit 4, one line naming the target, no traceback."""
    target = f"http://127.0.0.1:{free_port()}"
    path = write_config(tmp_path, portal_port=free_port(), target_port=free_port())
    code, out, err = _conform("--target", target, "--config", str(path))
    assert code == 4
    assert err.startswith(f"portalsim: error: target unreachable: {target}")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("omitted", "named"),
    [
        ("province.unit", "province.unit: required"),
        ("payment.hash_key_2", "payment.hash_key_2: required"),
        ("sso.redirect_uri", "sso.redirect_uri: required"),
    ],
)
def test_a_config_missing_a_required_key_exits_2_naming_it(
    tmp_path: Path, omitted: str, named: str
) -> None:
    """A missing key is exit 2 and one line naming the file and the key."""
    path = write_config(tmp_path, portal_port=free_port(), target_port=free_port(), omit=omitted)
    code, _out, err = _conform("--target", "http://127.0.0.1:9", "--config", str(path))
    assert code == 2
    assert err == f"portalsim: error: {path}: {named}\n"


def test_a_missing_config_file_exits_2(tmp_path: Path) -> None:
    """A configuration file that does not exist is named, exit 2."""
    code, _out, err = _conform(
        "--target", "http://127.0.0.1:9", "--config", str(tmp_path / "x.toml")
    )
    assert code == 2
    assert "no such configuration file" in err


async def _html(request: Request) -> HTMLResponse:
    return HTMLResponse("<!doctype html><html><body>Cổng thông tin</body></html>")


def test_a_target_answering_html_fails_naming_it(tmp_path: Path) -> None:
    """A web page where JSON was expected fails the cases, and the reason says HTML; exit 1."""
    app = Starlette(routes=[Route("/{path:path}", _html, methods=["GET", "POST", "PUT"])])
    path = write_config(tmp_path, portal_port=free_port(), target_port=free_port())
    with ThreadedServer(app) as target:
        code, _out, _err = _conform(
            "--target",
            target.url,
            "--config",
            str(path),
            "--json",
            str(tmp_path / "r.json"),
            "--only",
            "PUSH-001,PUSH-003,PAY-LOOK-002",
        )
    assert code == 1
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    cases = {case["case_id"]: case for case in document.get("result", document)["cases"]}
    assert cases["PUSH-001"]["outcome"] == "fail"
    assert "HTML" in cases["PUSH-001"]["reason"]
    assert "not JSON" in cases["PAY-LOOK-002"]["reason"]
    assert cases["PUSH-001"]["evidence"][0]["response_body"].startswith("<!doctype html>")


async def _refuse(request: Request) -> JSONResponse:
    return JSONResponse({"error_code": 1, "return_code": -1, "message": "từ chối"})


def test_a_target_that_refuses_everything_passes_no_refusal_case(tmp_path: Path) -> None:
    """Refusing the valid dossier fails PUSH-001, and the refusals of defective ones prove
    nothing: they are skipped, not passed."""
    app = Starlette(routes=[Route("/{path:path}", _refuse, methods=["GET", "POST"])])
    path = write_config(tmp_path, portal_port=free_port(), target_port=free_port())
    with ThreadedServer(app) as target:
        code, _out, _err = _conform(
            "--target",
            target.url,
            "--config",
            str(path),
            "--json",
            str(tmp_path / "r.json"),
            "--only",
            "PUSH-001,PUSH-003,PUSH-004,PUSH-005",
        )
    assert code == 1
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    cases = {case["case_id"]: case for case in document.get("result", document)["cases"]}
    assert cases["PUSH-001"]["outcome"] == "fail"
    assert {cases[c]["outcome"] for c in ("PUSH-003", "PUSH-004", "PUSH-005")} == {"skip"}
