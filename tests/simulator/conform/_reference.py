"""Shared setup of the tests that run the plan against the reference target."""

from __future__ import annotations

import socket
from pathlib import Path

from simulator.conform.config import ConformConfig, load_conform_config
from simulator.conform.serving import ThreadedServer
from simulator.reference.app import create_reference_app
from simulator.reference.profiles import reference_profile

UNIT = "000.00.00.H56"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def write_config(
    folder: Path, *, portal_port: int, target_port: int, omit: str | None = None
) -> Path:
    """A province configuration for the reference target on `target_port`, with short limits;
    `omit` ("payment.hash_key_2") leaves one key out."""
    tables: dict[str, dict[str, object]] = {
        "province": {"unit": UNIT, "password": "mat-khau-tinh-thanh-hoa"},
        "endpoints": {
            "push": "/dvcqg/hoso",
            "payment_confirm": "/kpdvcqg/paymentconfirm",
            "payment_lookup": "/kpdvcqg/dptracuuthanhtoanhs",
            "sso_login": "/sso/login",
            "sso_session": "/sso/session",
        },
        "payment": {
            "client_id": "PS_H56",
            "hash_key_1": "khoa-bi-mat-thu-nhat-h56",
            "hash_key_2": "khoa-bi-mat-thu-hai-h56",
        },
        "sso": {
            "client_id": "motcua-h56",
            "client_secret": "bi-mat-cua-ung-dung-motcua",
            "redirect_uri": f"http://127.0.0.1:{target_port}/sso/callback",
        },
        "portal": {"port": portal_port},
        "limits": {"status_sync": "2s", "trigger": "15s", "settle": "200ms", "request": "10s"},
        "triggers.SYNC": {"http": "POST /conformance/sync"},
        "triggers.PAY-CONF": {"http": "POST /conformance/payment?MaHoSo={dossier}"},
    }
    if omit is not None:
        table, key = omit.rsplit(".", 1)
        del tables[table][key]
    lines = []
    for table, entries in tables.items():
        lines.append(f"[{table}]")
        for key, value in entries.items():
            shown = str(value) if isinstance(value, int) else f'"{value}"'
            lines.append(f"{key} = {shown}")
    path = folder / "province.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def reference_server(
    config: ConformConfig, profile: str, portal_url: str, port: int
) -> ThreadedServer:
    app = create_reference_app(config, reference_profile(profile), portal_url)
    return ThreadedServer(app, port=port)


def load(path: Path) -> ConformConfig:
    return load_conform_config(path)
