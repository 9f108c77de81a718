"""Fixtures for the mock portal: a portal on SQLite and on PostgreSQL, and clients to it.

`portal_client` runs the app in-process through httpx's ASGI transport, on an event loop of
its own, with the portal started as the app's lifespan would (the group-commit writer runs).
Units: Thanh Hóa's province unit `000.00.00.H56` and one of its district units
`000.00.22.H56`, and Hà Nội `000.00.00.H26`, all with password `secret`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from mock_portal._portal import Portal
from mock_portal.app import create_app
from mock_portal.config import PortalConfig, UnitConfig
from mock_portal.store import VIETNAM
from tests._postgres import fresh_schema, postgres_url_or_skip

PASSWORD = "secret"
UNITS = (
    UnitConfig("000.00.00.H56", "UBND tỉnh Thanh Hóa", PASSWORD, "000.00.00.H56"),
    UnitConfig("000.00.22.H56", "UBND huyện (đơn vị cấp 2) Thanh Hóa", PASSWORD, "000.00.22.H56"),
    UnitConfig("000.00.00.H26", "UBND thành phố Hà Nội", PASSWORD, "000.00.00.H26"),
)
#: the portal's clock in tests: just after the template dossier's receipt (2026-03-02 08:30:15)
TEST_NOW = datetime(2026, 3, 2, 8, 31, tzinfo=VIETNAM)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('portal')}/portal.db"
        return
    with fresh_schema(postgres_url_or_skip()) as url:
        yield url


class Clock:
    """A settable clock for the portal, so receive times (and sync delays) are deterministic."""

    def __init__(self, now: datetime = TEST_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


class TestClient:
    """A synchronous httpx client over the ASGI app, for plain (non-async) tests."""

    __test__ = False  # not a test class

    def __init__(self, portal: Portal) -> None:
        self._loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=create_app(portal))
        self._client = httpx.AsyncClient(transport=transport, base_url="http://portal.test")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, url, **kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


PortalFactory = Callable[..., tuple[Portal, TestClient]]


@pytest.fixture
def make_portal(database_url: str, clock: Clock) -> Iterator[PortalFactory]:
    """Builds a started portal (mode and config overridable) and a client to it."""
    opened: list[tuple[Portal, TestClient]] = []

    def factory(mode: str = "lenient", **config: object) -> tuple[Portal, TestClient]:
        settings = PortalConfig(mode=mode, units=UNITS, **config)  # type: ignore[arg-type]
        portal = Portal(database_url, settings, clock=clock)
        portal.start()
        client = TestClient(portal)
        opened.append((portal, client))
        return portal, client

    yield factory
    for portal, client in opened:
        client.close()
        portal.close()


@pytest.fixture
def portal_client(make_portal: PortalFactory) -> tuple[Portal, TestClient]:
    """A lenient portal and a client to it."""
    return make_portal()
