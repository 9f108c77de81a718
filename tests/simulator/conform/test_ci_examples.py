"""The CI examples of docs/conformance.md stay true: the `portalsim conform` and `portalsim
report` commands of the GitHub Actions workflow and the GitLab CI jobs are read out of the doc
and run as written, the first against the reference target (profile `clean`), the second over a
portal database made by the test, with the example waiver and gate files of
examples/conformance/. Lines ending in `&` start services (the mock portal, the vendor's system)
that the test provides itself; the vendor's own scripts are not portalsim's to run."""

from __future__ import annotations

import datetime as dt
import io
import os
import shlex
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.cli import run
from simulator.conform.serving import ThreadedServer
from simulator.reports.waivers import today_in_vietnam
from tests.simulator.conform._reference import free_port, load, reference_server, write_config
from tests.simulator.gate._database import make_database

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "conformance.md"
EXAMPLES = ROOT / "examples" / "conformance"


def _yaml_block(heading: str) -> Any:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(f"\n### {heading}\n") :]
    start = section.index("```yaml\n") + len("```yaml\n")
    return yaml.safe_load(section[start : section.index("\n```", start)])


def _portalsim_lines(scripts: list[str]) -> list[str]:
    lines = [line.strip() for script in scripts for line in script.splitlines()]
    return [line for line in lines if line.startswith("portalsim ") and not line.endswith("&")]


def github_commands() -> list[str]:
    workflow = _yaml_block("GitHub Actions")
    steps = workflow["jobs"]["conformance"]["steps"]
    return _portalsim_lines([step["run"] for step in steps if "run" in step])


def gitlab_commands() -> list[str]:
    pipeline = _yaml_block("GitLab CI")
    return _portalsim_lines([line for job in pipeline.values() for line in job["script"]])


def test_the_examples_are_valid_and_publish_junit_and_html() -> None:
    """Both examples parse; each runs conform and report --gate, and publishes JUnit and HTML."""
    for commands in (github_commands(), gitlab_commands()):
        assert [shlex.split(command)[1] for command in commands] == ["conform", "report"]
    steps = _yaml_block("GitHub Actions")["jobs"]["conformance"]["steps"]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    assert uses["mikepenz/action-junit-report"]["with"]["report_paths"] == "reports/*/junit.xml"
    assert uses["actions/upload-artifact"]["with"]["path"] == "reports/"
    gitlab = _yaml_block("GitLab CI")
    assert gitlab["conformance"]["artifacts"]["reports"]["junit"] == (
        "reports/conformance/junit.xml"
    )
    assert gitlab["traffic-gate"]["artifacts"]["reports"]["junit"] == "reports/traffic/junit.xml"


def _expires(path: Path) -> dt.date:
    """The earliest expiry of the waivers of an example file."""
    dates = [entry["expires"] for entry in tomllib.loads(path.read_text("utf-8"))["waiver"]]
    return min(dates)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A repository as the examples expect it (conformance/, portal.sqlite3) and the URL of a
    reference target with the clean profile."""
    folder = tmp_path_factory.mktemp("repository")
    (folder / "conformance").mkdir()
    portal_port, target_port = free_port(), free_port()
    config = write_config(folder / "conformance", portal_port=portal_port, target_port=target_port)
    for name in ("waivers.toml", "gate.toml"):
        shutil.copy(EXAMPLES / name, folder / "conformance" / name)
    make_database(folder / "portal.sqlite3", ha_noi=False)
    server: ThreadedServer = reference_server(
        load(config), "clean", f"http://127.0.0.1:{portal_port}", target_port
    )
    server.start()
    try:
        yield folder, f"http://127.0.0.1:{target_port}"
    finally:
        server.stop()


def test_the_commands_of_both_examples_run_as_written(
    workspace: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """conform passes against the clean reference target, report --gate passes over a database
    whose one error is waived by the example gate; both write JUnit and HTML where the examples
    publish them. (After the example waivers' expiry both exit 1, naming the expired waiver.)"""
    folder, url = workspace
    monkeypatch.chdir(folder)
    monkeypatch.setenv("PROVINCE_URL", url)
    commands = github_commands()
    assert {tuple(shlex.split(c)) for c in gitlab_commands()} == {
        tuple(shlex.split(c)) for c in commands
    }
    valid = {
        "conform": today_in_vietnam() <= _expires(EXAMPLES / "waivers.toml"),
        "report": today_in_vietnam() <= _expires(EXAMPLES / "gate.toml"),
    }
    for command in commands:
        arguments = shlex.split(os.path.expandvars(command))[1:]
        out, err = io.StringIO(), io.StringIO()
        code = run(arguments, stdout=out, stderr=err)
        output = out.getvalue() + err.getvalue()
        if valid[arguments[0]]:
            assert code == 0, output
        else:
            assert code == 1, output
            assert "expired" in output
    conform = folder / "reports" / "conformance"
    traffic = folder / "reports" / "traffic"
    for report in (conform, traffic):
        assert (report / "junit.xml").is_file()
        assert (report / "report.html").is_file()
    assert (conform / "results.json").is_file()
    assert "PUSH-001" in (conform / "junit.xml").read_text(encoding="utf-8")
    assert '<testsuite name="gate"' in (traffic / "junit.xml").read_text(encoding="utf-8")
