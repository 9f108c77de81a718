"""`portalsim province serve`: the reference target — a virtual province as an HTTP server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from simulator.conform.config import load_conform_config
from simulator.errors import UsageError
from simulator.reference.profiles import PROFILES


@click.group("province")
def province_group() -> None:
    """The reference province system (the conformance plan's reference target)."""


@province_group.command("serve")
@click.option("--profile", "profile_name", required=True, type=click.Choice(sorted(PROFILES)))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--portal",
    "portal_url",
    default="http://127.0.0.1:8080",
    show_default=True,
    help="The (mock) portal's base URL: where it logs in, syncs, pays, and its SSO.",
)
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The province configuration: unit, password, payment and SSO credentials.",
)
@click.pass_context
def serve_province(
    context: click.Context,
    profile_name: str,
    host: str,
    port: int,
    portal_url: str,
    config_path: Path,
) -> int:
    """Serve a virtual province's one-stop system with the defects of a profile.

    \b
    Prints the [endpoints] and [triggers] lines of a conformance configuration for it, and the
    case IDs the profile must fail. Exit 2: bad option or configuration, port in use.
    """
    import uvicorn

    from mock_portal.config import ConfigError
    from mock_portal.server import check_port_free
    from simulator.reference.app import ENDPOINTS, TRIGGERS, create_reference_app

    err = (context.obj or {}).get("stderr") or sys.stderr
    config = load_conform_config(config_path)
    if config.password is None:
        raise UsageError(f"{config_path}: province.password: required to log in to the portal")
    profile = PROFILES[profile_name]
    try:
        check_port_free(host, port)
        app = create_reference_app(config, profile, portal_url)
    except (ConfigError, ValueError) as error:
        raise UsageError(str(error)) from None
    expected = ", ".join(sorted(profile.expected_failures)) or "none"
    err.write(
        f"portalsim: reference province {config.unit} (profile {profile.name}) on "
        f"http://{host}:{port}, portal {portal_url}\n"
        f"  must fail: {expected}\n  [endpoints]\n"
        + "".join(f'  {key} = "{path}"\n' for key, path in ENDPOINTS.items())
        + "".join(f'  [triggers.{case}]\n  http = "{value}"\n' for case, value in TRIGGERS.items())
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0
