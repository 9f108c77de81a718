"""A started mock portal in-process, and a `Poster` to it, for driving the load code without
Locust: the same publishes, over Starlette's ASGI app instead of a socket."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from mock_portal._portal import Portal
from mock_portal.config import PortalConfig, SsoClient, UnitConfig
from simulator.run import HEADERS, Answer, parse_answer
from simulator.run.sso import Reply, sso_client
from simulator.synthetic import ProvinceProfile
from tests.mock_portal.conftest import TestClient

PASSWORD = "mật-khẩu-thử"
SSO_SECRET = "bí-mật-của-tỉnh-cho-sso"


def portal_for(database: str, profiles: Iterable[ProvinceProfile]) -> Portal:
    """A lenient portal knowing each province's unit, password `PASSWORD`, and its one-stop
    system as an SSO client (secret `SSO_SECRET`); started."""
    chosen = list(profiles)
    units = tuple(
        UnitConfig(profile.unit, profile.people_committee, PASSWORD, profile.unit)
        for profile in chosen
    )
    clients = tuple(
        SsoClient(c.client_id, c.client_secret, c.unit, (c.redirect_uri,))
        for c in (sso_client(profile, SSO_SECRET) for profile in chosen)
    )
    config = PortalConfig(mode="lenient", units=units, sso_clients=clients)
    portal = Portal(database, config)
    portal.start()
    return portal


class AsgiPoster:
    """`simulator.run.Poster` over the portal's ASGI app; counts what it posted, by name."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.names: list[str] = []

    def post(self, path: str, body: dict[str, Any], name: str, *, read: bool = True) -> Answer:
        self.names.append(name)
        response = self.client.post(path, content=orjson.dumps(body), headers=HEADERS)
        return parse_answer(response.status_code, response.content)

    def exchange(
        self,
        method: str,
        path: str,
        name: str,
        *,
        query: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        self.names.append(name)
        response = self.client.request(
            method,
            path,
            params=dict(query or {}),
            data=dict(form or {}),
            headers=dict(headers or {}),
        )
        return Reply(response.status_code, response.headers.get("location"), response.content)
