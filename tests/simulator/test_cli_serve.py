"""`portalsim serve` cannot start: one line and the documented exit code."""

from __future__ import annotations

import io
import socket
from pathlib import Path

from simulator.cli import run


def _run(*arguments: str) -> tuple[int, str]:
    err = io.StringIO()
    code = run(list(arguments), stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


def test_port_in_use_exits_2(tmp_path: Path) -> None:
    """A taken port is named before anything starts: exit 2."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = _run("serve", "--port", str(port), "--database", str(tmp_path / "p.db"))
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_demo_refuses_a_public_address(tmp_path: Path) -> None:
    """--demo with its public password will not listen beyond loopback: exit 2."""
    code, err = _run("serve", "--demo", "--host", "0.0.0.0", "--database", str(tmp_path / "p.db"))
    assert code == 2
    assert "refusing to listen on 0.0.0.0" in err


def test_bad_configuration_names_file_and_key(tmp_path: Path) -> None:
    """A unit with a malformed agency code: one line naming the file and key, exit 2."""
    config = tmp_path / "portal.toml"
    config.write_text('[[units]]\ncode = "H56"\npassword = "x"\n', encoding="utf-8")
    code, err = _run("serve", "--config", str(config), "--database", str(tmp_path / "p.db"))
    assert code == 2
    assert "portal.toml: units[0].code" in err


def test_missing_configuration_file_exits_2(tmp_path: Path) -> None:
    """A --config that does not exist is a usage error."""
    code, err = _run("serve", "--config", str(tmp_path / "nope.toml"))
    assert code == 2
    assert "no such file" in err


def test_unreachable_database_exits_4(tmp_path: Path) -> None:
    """A PostgreSQL server that does not answer is exit 4, with the password masked."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    url = f"postgresql://portal:hunter2@127.0.0.1:{closed_port}/portal"
    code, err = _run("serve", "--database", url, "--port", str(closed_port))
    assert code == 4
    assert "hunter2" not in err
    assert "cannot connect" in err
