"""`portalsim serve` over a real socket, driven by a client shaped exactly like OpenCPS."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_portal.store import Store
from tests._postgres import fresh_schema, postgres_url_or_skip
from tests.mock_portal._opencps import OpenCPSClient
from tests.simulator._captures import TEMPLATES

CONFIG = """
mode = "lenient"
[[units]]
code = "000.00.00.H56"
name = "UBND tỉnh Thanh Hóa"
password = "s3cret-thanh-hoa"
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"serve exited early: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("serve did not start listening")


def _serve(database: str, tmp_path: Path, *extra: str) -> Iterator[str]:
    config = tmp_path / "portal.toml"
    config.write_text(CONFIG, encoding="utf-8")
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "simulator.cli",
        "serve",
        "--port",
        str(port),
        "--database",
        database,
        "--config",
        str(config),
        *extra,
    ]
    process = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite-2-workers"]
)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of a running `portalsim serve`."""
    if request.param == "postgresql":
        with fresh_schema(postgres_url_or_skip()) as url:
            for base in _serve(url, tmp_path):
                yield base, url
        return
    database = f"sqlite:///{tmp_path}/portal.db"
    extra = ("--workers", "2") if request.param.endswith("workers") else ()
    for base in _serve(database, tmp_path, *extra):
        yield base, database


def _dossier() -> tuple[dict[str, str], dict[str, str]]:
    dossier = dict(TEMPLATES["dongbo"]["data"][0])
    for key in (
        "TaiLieuNop",
        "DanhSachLePhi",
        "DanhSachTepDinhKemKhac",
        "DanhSachHoSoBoSung",
        "DanhSachGiayToKetQua",
    ):
        dossier[key] = []  # type: ignore[assignment]
    progress = dict(TEMPLATES["capnhat"]["data"][0], TrangThai="2", ThoiDiemXuLy="20260302083015")
    return dossier, progress


def test_an_opencps_client_works_unchanged(served: tuple[str, str]) -> None:
    """Login, TraCuuHoSo, LayThuTuc, DongBoHoSoMC, CapNhatTienDoHoSoMC, then a re-publish."""
    base, database = served
    client = OpenCPSClient(base, "000.00.00.H56", "s3cret-thanh-hoa", "000.00.00.H56")
    dossier, progress = _dossier()
    assert client.publish(dossier, progress) is False
    dossier["TrangThaiHoSo"] = "4"
    progress.update(TrangThai="4", ThoiDiemXuLy="20260302090000")
    assert client.publish(dossier, progress) is True
    with Store.open(database) as store:
        stored = store.get_dossier(dossier["MaHoSo"])
        assert stored is not None
        assert stored.status == "4"
        kinds = [entry.kind for entry in store.iter_journal()]
    assert kinds == [
        "login",
        *["TraCuuHoSo", "LayThuTuc", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"] * 2,
    ]


def test_the_journal_keeps_what_the_client_sent_byte_for_byte(served: tuple[str, str]) -> None:
    """Each journaled body equals the bytes the client put on the wire, but for the session
    token, a live credential, which the journal keeps as `"***"`."""
    base, database = served
    client = OpenCPSClient(base, "000.00.00.H56", "s3cret-thanh-hoa", "000.00.00.H56")
    client.publish(*_dossier())
    assert client.session is not None
    token = f'"{client.session}"'.encode()
    with Store.open(database) as store:
        bodies = [entry.body for entry in store.iter_journal() if entry.kind != "login"]
    assert all(token in sent for sent in client.sent[1:])
    assert bodies == [sent.replace(token, b'"***"') for sent in client.sent[1:]]
