"""A started mock portal in-process, and a `Poster` to it, for driving the load code without
Locust: the same publishes, over Starlette's ASGI app instead of a socket."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from mock_portal._portal import Portal
from mock_portal.config import PortalConfig, UnitConfig
from simulator.run import HEADERS, Answer, parse_answer
from simulator.synthetic import ProvinceProfile
from tests.mock_portal.conftest import TestClient

PASSWORD = "mật-khẩu-thử"


def portal_for(database: str, profiles: Iterable[ProvinceProfile]) -> Portal:
    """A lenient portal knowing each province's unit, password `PASSWORD`; started."""
    units = tuple(
        UnitConfig(profile.unit, profile.people_committee, PASSWORD, profile.unit)
        for profile in profiles
    )
    portal = Portal(database, PortalConfig(mode="lenient", units=units))
    portal.start()
    return portal


class AsgiPoster:
    """`simulator.run.Poster` over the portal's ASGI app; counts what it posted, by name."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.names: list[str] = []

    def post(self, path: str, body: dict[str, Any], name: str) -> Answer:
        self.names.append(name)
        response = self.client.post(path, content=orjson.dumps(body), headers=HEADERS)
        return parse_answer(response.status_code, response.content)
