"""A closed-model Locust user for the honesty check (`test_honesty.py`), run by `locust -f`:
one province unit reading the catalogue as the open model's `catalogue` flow does (the same
`UnitSession`, the same services in turn), at most PORTALSIM_CLOSED_RATE reads a second, each
sent only when the previous one has been answered. When Locust quits, its own statistics of the
reads go to the JSON file PORTALSIM_CLOSED_STATS."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import gevent
import orjson
from locust import FastHttpUser, constant_throughput, events, task

from simulator.run.publish import CATALOGUE_SERVICES, HEADERS, Answer, UnitSession, parse_answer

NAME = "catalogue"


class _Poster:
    def __init__(self, user: FastHttpUser) -> None:
        self._client = user.client

    def post(self, path: str, body: dict[str, Any], name: str, *, read: bool = True) -> Answer:
        label = "login" if name == "login" else NAME
        response = self._client.post(path, data=orjson.dumps(body), headers=HEADERS, name=label)
        status = int(response.status_code or 0)
        return parse_answer(status, response.content if status else None)


class CatalogueReader(FastHttpUser):
    wait_time = constant_throughput(float(os.environ.get("PORTALSIM_CLOSED_RATE", "40")))
    concurrency = 1

    def on_start(self) -> None:
        unit = os.environ["PORTALSIM_UNIT"]
        self.session = UnitSession(_Poster(self), unit, os.environ["PORTALSIM_PASSWORD"])
        self.session.token()
        self.turn = 0

    @task
    def read(self) -> None:
        service = CATALOGUE_SERVICES[self.turn % len(CATALOGUE_SERVICES)]
        self.turn += 1
        self.session.catalogue(service, self.session.username)


@events.init.add_listener
def _fresh_clock(**_: Any) -> None:
    """Locust's --run-time timer counts from gevent's cached loop time, stale by however long
    the imports took on a busy machine (the run would end at once): refresh it first."""
    gevent.get_hub().loop.update_now()


@events.quitting.add_listener
def _statistics(environment: Any, **_: Any) -> None:
    entry = environment.stats.get(NAME, "POST")
    figures = {
        "count": entry.num_requests,
        "failures": entry.num_failures,
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p90_ms": entry.get_response_time_percentile(0.9),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": entry.max_response_time,
    }
    Path(os.environ["PORTALSIM_CLOSED_STATS"]).write_text(json.dumps(figures), encoding="utf-8")
