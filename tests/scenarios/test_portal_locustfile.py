"""scenarios/portal.py under Locust's own command line, in a subprocess (importing Locust
patches the standard library), against `portalsim serve` on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_portal.store import Store
from simulator.run.payments import payment_client
from simulator.synthetic import load_profile_set

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mật-khẩu-locust"
SSO_SECRET = "bí-mật-sso-của-các-tỉnh"
PAYMENT_SECRET = "bí-mật-thanh-toán"
PROFILES = """
name = "two-clean"
units = "2025"
[provinces."38"]
share = 0.6
[provinces."52"]
share = 0.4
"""
CONFIG = f"""
mode = "lenient"
[[units]]
code = "000.00.00.H56"
name = "UBND tỉnh Thanh Hóa"
password = "{PASSWORD}"
[[units]]
code = "000.00.00.H09"
name = "UBND tỉnh Gia Lai"
password = "{PASSWORD}"
[[sso_clients]]
client_id = "portalsim-h56"
client_secret = "{SSO_SECRET}"
unit = "000.00.00.H56"
redirect_uris = ["https://motcua-h56.portalsim.test/sso/callback"]
[[sso_clients]]
client_id = "portalsim-h09"
client_secret = "{SSO_SECRET}"
unit = "000.00.00.H09"
redirect_uris = ["https://motcua-h09.portalsim.test/sso/callback"]
"""


def _payment_clients(callback_port: int) -> str:
    """The [[payment_clients]] of Thanh Hóa and Gia Lai, as the scenarios derive their keys."""
    lines = []
    for code in ("38", "52"):
        profile = load_profile_set("clean").get(code)
        assert profile is not None
        client = payment_client(profile, PAYMENT_SECRET, f"http://127.0.0.1:{callback_port}")
        lines += [
            "[[payment_clients]]",
            f'client_id = "{client.client_id}"',
            f'unit = "{client.unit}"',
            f'hash_key_1 = "{client.hash_key_1}"',
            f'hash_key_2 = "{client.hash_key_2}"',
            f'callback_url = "{client.callback_url}"',
        ]
    return "\n".join(lines) + "\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def callback_port() -> int:
    return _free_port()


@pytest.fixture
def served(tmp_path: Path, callback_port: int) -> Iterator[tuple[str, Path]]:
    """(base URL, database file) of a `portalsim serve` knowing Thanh Hóa and Gia Lai, their
    SSO clients, and their payment clients (confirmations to `callback_port`)."""
    config = tmp_path / "portal.toml"
    config.write_text(CONFIG + _payment_clients(callback_port), encoding="utf-8")
    database = tmp_path / "portal.sqlite3"
    port = _free_port()
    command = [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port)]
    command += ["--database", str(database), "--config", str(config)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not listen"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", database
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _locust(
    host: str, tmp_path: Path, *options: str, callback_port: int = 0
) -> subprocess.CompletedProcess[str]:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(PROFILES, encoding="utf-8")
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "scenarios" / "portal.py")]
    command += ["--host", host, "--headless", "--stop-timeout", "10", "--only-summary"]
    command += [*options, "--time-factor", "1e7", "--dossier-rate", "8"]
    environment = {
        **os.environ,
        "PORTALSIM_PROFILES": str(profiles),
        "PORTALSIM_PASSWORD": PASSWORD,
        "PORTALSIM_SSO_SECRET": SSO_SECRET,
        "PORTALSIM_SEED": "4",
        "PORTALSIM_PAYMENT_SECRET": PAYMENT_SECRET if callback_port else "",
        "PORTALSIM_CALLBACK_PORT": str(callback_port),
    }
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=tmp_path, env=environment,
        check=False,
    )  # fmt: skip


def _journal(database: Path) -> Counter[str]:
    with Store.open(str(database)) as store:
        return Counter(entry.kind for entry in store.iter_journal())


def test_locust_runs_the_scenarios_headless(
    served: tuple[str, Path], tmp_path: Path, callback_port: int
) -> None:
    """`locust -f scenarios/portal.py --headless -u 12 -r 12 -t 5s`: exit 0, every flow
    reached the portal (publishes, catalogue reads, SSO logins, payments confirmed to the load
    process), no finding for a clean set."""
    host, database = served
    completed = _locust(
        host, tmp_path, "-u", "12", "-r", "12", "-t", "5s", callback_port=callback_port
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    kinds = _journal(database)
    for kind in ("login", "TraCuuHoSo", "LayThuTuc", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"):
        assert kinds[kind] > 0, kinds
    assert kinds["LayDanhSachTTHC"] + kinds["LayDVC"] + kinds["LayDanhMucCoQuan"] > 0
    assert kinds["sso-authorize"] == kinds["sso-token"] == kinds["sso-userinfo"] > 0
    assert kinds["pay-createtransaction"] > 0
    with Store.open(str(database)) as store:
        assert store.findings(limit=5) == []
        assert {summary.province for summary in store.province_summary()} == {"38", "52"}
        paid = store.payments.paid_by_province()
    assert sum(succeeded for _, succeeded, _ in paid.values()) == kinds["pay-createtransaction"]
    assert "DongBoHoSoMC" in completed.stderr  # Locust's own summary table


def test_locust_processes_never_collide(served: tuple[str, Path], tmp_path: Path) -> None:
    """`--processes 2`: two workers share the portal; their dossier codes never collide (no
    HS-004, no other finding) and both sent dossiers."""
    host, database = served
    completed = _locust(host, tmp_path, "--processes", "2", "-u", "20", "-r", "20", "-t", "5s")
    assert completed.returncode == 0, completed.stderr[-3000:]
    with Store.open(str(database)) as store:
        assert store.findings(limit=5) == []
        codes = store.dossier_status_counts()
    assert sum(codes.values()) >= 10
