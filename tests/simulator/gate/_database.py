"""A small portal database with known findings, made through the portal itself (in-process):
Thanh Hóa (38) publishes one dossier correctly and one whose dossier code has the wrong date
(HS-002, error); Hà Nội (01) publishes one dossier whose dossier code names an agency the
registry lacks (HS-005, info) and a wrong date (HS-002)."""

from __future__ import annotations

from pathlib import Path

from mock_portal._portal import Portal
from mock_portal.config import PortalConfig
from tests.mock_portal._client import INTEGRATION, login
from tests.mock_portal.conftest import UNITS, Clock, TestClient
from tests.simulator._captures import clean_flow, message


def make_database(path: Path, *, ha_noi: bool = True) -> Path:
    """The SQLite database at `path` (made once; returned as it is when it exists); without
    Hà Nội's message when `ha_noi` is false."""
    if path.exists():
        return path
    portal = Portal(f"sqlite:///{path}", PortalConfig(mode="lenient", units=UNITS), clock=Clock())
    portal.start()
    client = TestClient(portal)
    try:
        session = login(client)
        bodies = [body for _received, body in clean_flow()]
        bodies.append(message("dongbo", data_MaHoSo="000.00.14.H56-260303-0002"))
        for body in bodies:
            answer = client.post(INTEGRATION, json={**body, "session": session})
            assert answer.status_code == 200, answer.text
        if ha_noi:
            other = login(client, "000.00.00.H26")
            body = message(
                "dongbo", madonvi="000.00.00.H26", data_MaHoSo="000.00.99.H26-260303-0001"
            )
            answer = client.post(INTEGRATION, json={**body, "session": other})
            assert answer.status_code == 200, answer.text
    finally:
        client.close()
        portal.close()
    return path
