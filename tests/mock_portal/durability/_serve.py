"""`portalsim serve` as a child process the reliability tests can kill, restart and weigh.

The server runs in a session (process group) of its own, so a SIGKILL reaches every uvicorn
worker at once, as a crash of the machine's process would, and no orphan keeps the port.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

#: units of two provinces and a district; every test client logs in as one of them
UNITS = ("000.00.00.H56", "000.00.22.H56", "000.00.00.H26")
PASSWORD = "s3cret-reliability"
OPERATOR_TOKEN = "reliability-operator-token-0123456789"


def write_config(folder: Path) -> Path:
    """A lenient portal with the test units and a known operator token."""
    lines = ['mode = "lenient"', f'operator_token = "{OPERATOR_TOKEN}"']
    for code in UNITS:
        lines += ["[[units]]", f'code = "{code}"', f'name = "Đơn vị {code}"']
        lines.append(f'password = "{PASSWORD}"')
    path = folder / "portal.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServedPortal:
    """One `portalsim serve` on a free loopback port over `database`; start, kill, stop."""

    def __init__(self, database: str, config: Path, log: Path, *, workers: int = 1) -> None:
        self.database = database
        self._config = config
        self._log_path = log
        self._workers = workers
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self._process is not None, "not started"
        return self._process.pid

    def start(self, timeout: float = 120) -> str:
        """Start on a new port and wait until it answers; returns the base URL."""
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "simulator.cli",
            "serve",
            "--port",
            str(self.port),
            "--database",
            self.database,
            "--config",
            str(self._config),
            "--workers",
            str(self._workers),
        ]
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        self._wait_until_serving(timeout)
        return self.base_url

    def _wait_until_serving(self, timeout: float) -> None:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise AssertionError(f"portalsim serve exited early:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise AssertionError(f"portalsim serve did not listen within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would, and reap it."""
        process = self._process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self._process = None

    def stop(self) -> None:
        """Ask politely (SIGINT, as Ctrl-C), then kill if it lingers."""
        process = self._process
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
            return
        self._process = None

    def rss_bytes(self) -> int:
        """Resident memory of the server and its workers (Linux /proc)."""
        return sum(_rss_of(pid) for pid in _tree(self.pid))


def _tree(pid: int) -> list[int]:
    """The process and all its descendants, from /proc's children lists."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            pending.extend(int(child) for child in children)
    return found


def _rss_of(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
