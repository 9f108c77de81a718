"""Children of a run end with it: a `portalsim serve` whose parent is killed stops by itself."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mock_portal.lifeline import PARENT_VARIABLE, child_environment, follow_parent
from simulator.errors import InfrastructureError

ROOT = Path(__file__).resolve().parents[2]

#: a child that follows the parent its environment names, polling fast
FOLLOWER = textwrap.dedent(
    """
    import time
    from mock_portal.lifeline import follow_parent
    assert follow_parent(0.05) is not None
    time.sleep(60)
    """
)


def _gone(pid: int) -> bool:
    """No such process, or a zombie nobody has reaped yet (it has exited all the same)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_a_child_started_by_hand_follows_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    """`portalsim serve` started from a shell watches nothing."""
    monkeypatch.delenv(PARENT_VARIABLE, raising=False)
    assert follow_parent() is None


def test_the_child_environment_names_this_process() -> None:
    """The variable a child reads to know whom to follow."""
    environment = child_environment({"PATH": "/usr/bin"})
    assert environment == {"PATH": "/usr/bin", PARENT_VARIABLE: str(os.getpid())}


def test_a_child_whose_parent_is_alive_keeps_running() -> None:
    """No false alarm while the parent lives."""
    child = subprocess.Popen([sys.executable, "-c", FOLLOWER], env=child_environment(), cwd=ROOT)
    try:
        time.sleep(1.5)
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()


def test_a_child_whose_parent_is_gone_stops_itself_with_sigterm() -> None:
    """Named parent not its parent (it died before the child looked): SIGTERM at once."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # reaped: its pid is nobody's parent
    environment = {**os.environ, PARENT_VARIABLE: str(gone.pid)}
    child = subprocess.Popen([sys.executable, "-c", FOLLOWER], env=environment, cwd=ROOT)
    try:
        assert child.wait(timeout=30) == -signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_serve_stops_when_the_run_that_started_it_is_killed(tmp_path: Path) -> None:
    """The parent (as `portalsim run` does) starts serve, then dies by SIGKILL: serve shuts
    down by itself and frees its port."""
    port = _free_port()
    parent_code = textwrap.dedent(
        f"""
        import subprocess, sys, time
        from mock_portal.lifeline import child_environment
        serve = subprocess.Popen(
            [sys.executable, "-m", "simulator.cli", "serve", "--demo", "--host", "127.0.0.1",
             "--port", "{port}", "--database", {str(tmp_path / "portal.sqlite3")!r}],
            env=child_environment(), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        print(serve.pid, flush=True)
        time.sleep(120)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code], stdout=subprocess.PIPE, cwd=ROOT, text=True
    )
    assert parent.stdout is not None
    serve_pid = int(parent.stdout.readline())
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not start listening"
                assert not _gone(serve_pid), "serve exited at start"
                time.sleep(0.1)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 30
        while not _gone(serve_pid):
            assert time.monotonic() < deadline, "serve outlived the run that started it"
            time.sleep(0.1)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))  # the port is free again
    finally:
        parent.stdout.close()
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if not _gone(serve_pid):
            os.kill(serve_pid, signal.SIGKILL)


def test_the_run_and_the_probe_start_their_children_with_the_lifeline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`portalsim run`'s portal and `plan probe`'s load workers get this process as parent."""
    from simulator.cli import _plan_probe
    from simulator.run import portal

    started: list[dict[str, str]] = []

    class Recorded:
        def __init__(self, command: list[str], **options: object) -> None:
            environment = options.get("env")
            assert isinstance(environment, dict)
            started.append(environment)
            self.returncode = 0

        def poll(self) -> int:
            return 0

        def wait(self, timeout: float | None = None) -> int:
            return 0

    monkeypatch.setattr(portal.subprocess, "Popen", Recorded)
    monkeypatch.setattr(_plan_probe.subprocess, "Popen", Recorded)
    child = portal.PortalProcess(tmp_path / "portal.sqlite3", port=_free_port(), profiles=())
    with pytest.raises(InfrastructureError), child:
        pass  # the recorded child "exits" at once: that is all this test needs
    with _plan_probe._workers(2, port=_free_port()):
        pass
    assert [environment[PARENT_VARIABLE] for environment in started] == [str(os.getpid())] * 3
