"""The embedded mock portal of `portalsim run`: `portalsim serve` in a child process.

A child process keeps the portal (uvicorn, asyncio, its writer thread) out of the load
generator's process, which Locust's gevent monkey-patching changes under it. The child listens
on a loopback port, stores into a SQLite file, runs lenient, and knows the run's provinces as
its units and their one-stop systems as SSO clients (a configuration file with generated
secrets, readable by the user only, deleted when the portal stops).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from mock_portal.lifeline import child_environment
from simulator.errors import InfrastructureError
from simulator.run.payments import payment_client
from simulator.run.sso import sso_client
from simulator.synthetic import ProvinceProfile

__all__ = ["PortalProcess", "free_port", "portal_config", "remove_database"]

_START_TIMEOUT = 60.0
_STOP_TIMEOUT = 20.0


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def portal_config(
    profiles: Iterable[ProvinceProfile],
    password: str,
    sso_secret: str | None = None,
    payments: tuple[str, str] | None = None,
    viewer_token: str | None = None,
) -> str:
    """The portal's TOML: lenient, one unit per province (`000.00.00.Hxx`, its people's
    committee), every unit with `password`; with `sso_secret`, every SSO-integrated province's
    one-stop system as a client of the SSO provider (`simulator.run.sso.sso_client`); with
    `payments` (secret, callback base URL), every connected province as a client of the payment
    platform (`simulator.run.payments.payment_client`); with `viewer_token`, the token that
    opens the operator dashboard read-only (docs/dashboard.md)."""
    lines = ['mode = "lenient"', ""]
    if viewer_token is not None:
        lines[1:1] = [f"viewer_token = {_toml(viewer_token)}"]
    chosen = list(profiles)
    for profile in chosen:
        lines += [
            "[[units]]",
            f"code = {_toml(profile.unit)}",
            f"name = {_toml(profile.people_committee)}",
            f"password = {_toml(password)}",
            "",
        ]
    for profile in chosen:
        if sso_secret and profile.sso_integrated:
            client = sso_client(profile, sso_secret)
            lines += [
                "[[sso_clients]]",
                f"client_id = {_toml(client.client_id)}",
                f"client_secret = {_toml(client.client_secret)}",
                f"unit = {_toml(client.unit)}",
                f"redirect_uris = [{_toml(client.redirect_uri)}]",
                "",
            ]
    for profile in chosen:
        if payments is not None and profile.payment_connected:
            payer = payment_client(profile, *payments)
            lines += [
                "[[payment_clients]]",
                f"client_id = {_toml(payer.client_id)}",
                f"unit = {_toml(payer.unit)}",
                f"hash_key_1 = {_toml(payer.hash_key_1)}",
                f"hash_key_2 = {_toml(payer.hash_key_2)}",
                f"callback_url = {_toml(payer.callback_url)}",
                "",
            ]
    if payments is not None:
        lines += ["[payments]", "callback_attempts = 3", 'callback_backoff = "1s"', ""]
    return "\n".join(lines)


def remove_database(path: Path) -> None:
    """Delete a SQLite database and its WAL files: every run starts on an empty portal."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


class PortalProcess:
    """`portalsim serve` on `host:port` over `database`; a context manager that stops it."""

    def __init__(
        self,
        database: Path,
        profiles: Iterable[ProvinceProfile],
        *,
        port: int,
        host: str = "127.0.0.1",
        log: Path | None = None,
        callback_port: int | None = None,
    ) -> None:
        self.database = database
        self.host, self.port = host, port
        self.password = secrets.token_urlsafe(18)
        self.sso_secret = secrets.token_urlsafe(24)
        self.payment_secret = secrets.token_urlsafe(24)
        #: opens the portal's dashboard read-only while the run goes on
        self.viewer_token = secrets.token_urlsafe(24)
        #: where the load answers the payment platform's confirmations; None: no payments
        self.callback_port = callback_port
        payments = (
            (self.payment_secret, f"http://{host}:{callback_port}") if callback_port else None
        )
        self._workdir = tempfile.TemporaryDirectory(prefix="portalsim-run-")
        self._config = Path(self._workdir.name) / "portal.toml"
        descriptor = os.open(self._config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(
                portal_config(profiles, self.password, self.sso_secret, payments, self.viewer_token)
            )
        self.log = log or Path(self._workdir.name) / "portal.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def dashboard_url(self) -> str:
        """The live dashboard, opened with the run's viewer token (docs/dashboard.md)."""
        return f"{self.url}/?token={self.viewer_token}"

    def start(self) -> None:
        """Start the child and wait until it listens; `InfrastructureError` (exit 4) if not."""
        command = [
            sys.executable,
            "-m",
            "simulator.cli",
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--database",
            str(self.database),
            "--config",
            str(self._config),
            "--mode",
            "lenient",
        ]
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**child_environment(), "PYTHONUNBUFFERED": "1"},
            )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise InfrastructureError(
                    f"the mock portal did not start (exit {self._process.returncode}): "
                    f"{self._last_log_line()}"
                )
            try:
                socket.create_connection((self.host, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise InfrastructureError(
            f"the mock portal did not listen on {self.url} within {_START_TIMEOUT:.0f} s"
        )

    def _last_log_line(self) -> str:
        try:
            lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return lines[-1] if lines else "(no output)"

    def stop(self) -> None:
        """Interrupt the child (it flushes its last batch and closes the database) and wait."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._workdir.cleanup()

    def __enter__(self) -> PortalProcess:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
