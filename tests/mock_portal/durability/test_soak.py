"""Soak: `portalsim serve` under steady OpenCPS-shaped load, memory flat and no errors.

Marked `slow` and `soak`: not in the default run. `pytest -m soak` runs it for
`PORTALSIM_SOAK_SECONDS` (default 600, ten minutes) on each backend, SQLite and PostgreSQL (a
fresh schema on the test server); CI runs each for 60 seconds (`.ci/run`).
The load is paced at `PORTALSIM_SOAK_RATE` messages per second (default 60) over 8 clients on
loopback, each dossier walked through its lifecycle, so the store, the dossier cache and the
journal all grow the whole time, as in a long CI run.

Every interval (a sixtieth of the run, at least 5 s) the server's resident memory and the
interval's answers, refusals and p99 latency are sampled. Pass: every message answered with
success (no refusal, no lost connection, in any interval), the load held (the whole run within
20 % of the rate, every interval with answers), and resident memory at the end no more than
20 % above what it was after the warm-up (the first fifth of the run, at least 10 s), which a
leak per message would exceed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mock_portal.replay import verify_store
from mock_portal.store import Store
from tests._figures import record_figures
from tests._postgres import fresh_schema, postgres_url_or_skip
from tests.mock_portal.durability._load import LoadStats, OpenCpsLoad
from tests.mock_portal.durability._serve import ServedPortal, write_config

SECONDS = float(os.environ.get("PORTALSIM_SOAK_SECONDS", "600"))
RATE = float(os.environ.get("PORTALSIM_SOAK_RATE", "60"))
CLIENTS = 8
MAX_RSS_GROWTH = 0.20
MIN_RATE_SHARE = 0.8


@dataclass
class Sample:
    at_s: float
    rss_mib: float
    answers: int
    refused: int
    unanswered: int
    p99_ms: float


def _p99(latencies: list[float]) -> float:
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


async def _soak(
    portal: ServedPortal, seconds: float, interval: float
) -> tuple[LoadStats, list[Sample]]:
    load = OpenCpsLoad(portal.base_url, clients=CLIENTS, seed=8, rate=RATE)
    samples: list[Sample] = []

    async def sample() -> None:
        stats = load.stats
        seen_latencies = seen_refused = seen_unanswered = 0
        started = time.monotonic()
        while True:
            await asyncio.sleep(interval)
            latencies = stats.latencies[seen_latencies:]
            samples.append(
                Sample(
                    at_s=round(time.monotonic() - started, 1),
                    rss_mib=round(portal.rss_bytes() / 2**20, 1),
                    answers=len(latencies),
                    refused=stats.refused - seen_refused,
                    unanswered=stats.unanswered - seen_unanswered,
                    p99_ms=round(_p99(latencies), 1),
                )
            )
            seen_latencies += len(latencies)
            seen_refused, seen_unanswered = stats.refused, stats.unanswered

    sampler = asyncio.create_task(sample())
    try:
        stats = await load.run(seconds)
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
    return stats, samples


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/portal.db"
        return
    with fresh_schema(postgres_url_or_skip()) as url:
        yield url


@pytest.mark.slow
@pytest.mark.soak
def test_soak_holds_steady_load_with_flat_memory(tmp_path: Path, database: str) -> None:
    portal = ServedPortal(database, write_config(tmp_path), tmp_path / "serve.log")
    interval = max(5.0, SECONDS / 60)
    portal.start()
    try:
        stats, samples = asyncio.run(_soak(portal, SECONDS, interval))
    finally:
        portal.stop()
    with Store.open(database) as store:
        backend = store.backend
        problems = verify_store(store)
        journal_rows = store.journal_count()
        dossiers = sum(store.dossier_status_counts().values())

    warm_up = max(10.0, SECONDS / 5)
    after_warm_up = next(sample for sample in samples if sample.at_s >= warm_up)
    end_rss = max(sample.rss_mib for sample in samples[-3:])
    growth = (end_rss - after_warm_up.rss_mib) / after_warm_up.rss_mib
    figures: dict[str, Any] = {
        "seconds": SECONDS,
        "target_rate": RATE,
        "clients": CLIENTS,
        "sent": stats.sent,
        "acked": stats.ack_count(),
        "refused": stats.refused,
        "unanswered": stats.unanswered,
        "p99_ms": round(_p99(stats.latencies), 1),
        "rss_start_mib": samples[0].rss_mib,
        "rss_after_warm_up_mib": after_warm_up.rss_mib,
        "rss_end_mib": end_rss,
        "rss_growth_after_warm_up": round(growth, 4),
        "journal_rows": journal_rows,
        "dossiers": dossiers,
        "samples": [vars(sample) for sample in samples],
    }
    record_figures("soak", {backend: figures})

    assert stats.refused == 0, stats.refusals
    assert stats.unanswered == 0
    assert all(sample.refused == 0 and sample.unanswered == 0 for sample in samples)
    # The load held: the run as a whole at the rate, and no interval without answers (a stall).
    # One slow interval is no failure: on a shared machine a neighbour can take the CPU.
    assert stats.sent / SECONDS >= RATE * MIN_RATE_SHARE, f"load not held: {samples}"
    assert all(sample.answers > 0 for sample in samples), f"the portal stalled: {samples}"
    assert growth < MAX_RSS_GROWTH, f"RSS grew {growth:.1%} after warm-up: {samples}"
    assert problems == []
