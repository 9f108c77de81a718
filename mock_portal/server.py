"""Running the portal under uvicorn, in one process or several over one database.

Worker processes are started by uvicorn from an import string, so their settings travel in
environment variables (`PORTALSIM_SERVE_*`); each worker builds its own `Portal` over the same
database, with the in-process dossier cache off (another worker may change a dossier).
"""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette

from mock_portal._portal import DEMO_PASSWORD, Portal
from mock_portal.app import create_app
from mock_portal.config import ConfigError, PortalConfig, UnitConfig, load_config
from mock_portal.lifeline import follow_parent
from simulator.domain import PROVINCES_2025

_ENV_PREFIX = "PORTALSIM_SERVE_"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    database: str = "portal.sqlite3"
    mode: str | None = None
    workers: int = 1
    config: Path | None = None
    demo: bool = False

    def to_environment(self) -> dict[str, str]:
        return {
            f"{_ENV_PREFIX}DATABASE": self.database,
            f"{_ENV_PREFIX}MODE": self.mode or "",
            f"{_ENV_PREFIX}CONFIG": str(self.config) if self.config else "",
            f"{_ENV_PREFIX}DEMO": "1" if self.demo else "",
            f"{_ENV_PREFIX}WORKERS": str(self.workers),
        }

    @classmethod
    def from_environment(cls) -> ServeSettings:
        env = os.environ
        config = env.get(f"{_ENV_PREFIX}CONFIG") or None
        return cls(
            database=env.get(f"{_ENV_PREFIX}DATABASE", "portal.sqlite3"),
            mode=env.get(f"{_ENV_PREFIX}MODE") or None,
            workers=int(env.get(f"{_ENV_PREFIX}WORKERS", "1")),
            config=Path(config) if config else None,
            demo=bool(env.get(f"{_ENV_PREFIX}DEMO")),
        )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def demo_units() -> tuple[UnitConfig, ...]:
    """One account per province unit: `000.00.00.Hxx`, password `demo`."""
    return tuple(
        UnitConfig(
            code=province.province_agency,
            name=province.people_committee,
            password=DEMO_PASSWORD,
            username=province.province_agency,
        )
        for province in PROVINCES_2025
    )


def portal_config(settings: ServeSettings) -> PortalConfig:
    config = load_config(settings.config) if settings.config else PortalConfig()
    config = config.with_mode(settings.mode)
    if settings.demo:
        if not is_loopback(settings.host):
            raise ConfigError(
                f"--demo uses the public password 'demo': refusing to listen on {settings.host}; "
                "use 127.0.0.1 or give real credentials in --config"
            )
        config = config.with_units(demo_units())
    return config


def build_portal(settings: ServeSettings) -> Portal:
    return Portal(settings.database, portal_config(settings), cache_dossiers=settings.workers == 1)


def app_from_environment() -> Starlette:
    """The factory uvicorn calls in each worker process."""
    app = create_app(build_portal(ServeSettings.from_environment()))
    _tune_collector()
    return app


#: allocations between young-generation collections (CPython's default is 700)
YOUNG_COLLECTION_THRESHOLD = 20_000


def _tune_collector() -> None:
    """Keep the cyclic garbage collector off what lives as long as the worker, and rarer.

    The code and the reference data (catalogue, calendar, agency registry, schemas) are most of
    the heap, and a full collection walked all of it with the event loop stopped: 70-90 ms, a
    few times a minute under load, which made the portal's p99 latency. Frozen objects are
    never walked again nor collected, which costs nothing for what is never garbage.

    A request allocates hundreds of containers that reference counting frees as it ends, yet
    every 700 allocations the collector walked the young ones: about 6 % of the event loop's
    time under load (perf). Collecting every 20,000 allocations instead gave 1-5 % more
    requests per second, the p99 unchanged within the noise (docs/benchmarks.md); the few
    cycles a request leaves wait a little longer, a few megabytes at most.
    """
    gc.collect()
    gc.freeze()
    _generation0, generation1, generation2 = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, generation1, generation2)


def check_port_free(host: str, port: int) -> None:
    """Refuse early and clearly when the port is taken, before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def serve(settings: ServeSettings) -> None:
    """Start the portal and block until interrupted."""
    import uvicorn

    check_port_free(settings.host, settings.port)
    follow_parent()  # started by `portalsim run`: do not outlive it
    # Provision, migrate and make the operator token once, before any worker starts.
    portal = build_portal(settings)
    portal.operator_token(announce=sys.stderr)
    units = len(portal.store.list_units())
    database = portal.store.url
    mode = portal.config.mode
    portal.close()
    sys.stderr.write(
        f"portalsim: mock portal on http://{settings.host}:{settings.port} "
        f"(mode {mode}, {units} units, database {database}, {settings.workers} worker(s)); "
        "API docs at /docs\n"
    )
    os.environ.update(settings.to_environment())
    uvicorn.run(
        "mock_portal.server:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers if settings.workers > 1 else None,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
