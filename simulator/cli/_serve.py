"""`portalsim serve`: the mock National Portal on a local port."""

from __future__ import annotations

from pathlib import Path

import click

from mock_portal.config import MODES, ConfigError
from mock_portal.server import ServeSettings, serve
from mock_portal.store import StoreError
from simulator.errors import InfrastructureError, UsageError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--database",
    default="portal.sqlite3",
    show_default=True,
    help="SQLite file, sqlite:///PATH, or a postgresql:// URL.",
)
@click.option("--mode", type=click.Choice(MODES), help="strict rejects, lenient records (default).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--config", type=click.Path(path_type=Path), help="TOML configuration file.")
@click.option("--demo", is_flag=True, help="One account per province unit, password 'demo'.")
def serve_command(
    host: str,
    port: int,
    database: str,
    mode: str | None,
    workers: int,
    config: Path | None,
    demo: bool,
) -> int:
    """Serve the mock portal: point a province system's DVCQG base URL here.

    \b
    Exit 2: bad option, configuration or port in use · 4: database unreachable.
    """
    settings = ServeSettings(
        host=host,
        port=port,
        database=database,
        mode=mode,
        workers=workers,
        config=config,
        demo=demo,
    )
    try:
        serve(settings)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    except StoreError as error:
        raise InfrastructureError(str(error)) from None
    return 0
