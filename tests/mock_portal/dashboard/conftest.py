"""Fixtures of the dashboard tests: a seeded portal served over a real socket, and Chromium.

The browser is Debian's `chromium` (installed by `.ci/run`), driven by Playwright without any
browser download. Without it the browser tests skip with the reason, except under CI=true,
where they fail: CI must not pass without having looked at the pages.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from mock_portal._portal import Portal
from mock_portal.app import create_app
from mock_portal.config import PortalConfig, UnitConfig
from tests.mock_portal.dashboard._seed import PLAN, seed, unit_of

OPERATOR_TOKEN = "operator-token-for-the-dashboard"
VIEWER_TOKEN = "viewer-token-for-the-dashboard"
CHROMIUM = "/usr/bin/chromium"
#: where the browser tests leave their screenshots (CI uploads this folder)
SCREENSHOTS = Path(__file__).parents[3] / "reports" / "screenshots"


def portal_config() -> PortalConfig:
    units = tuple(
        UnitConfig(unit_of(code), f"UBND {code}", "secret-password", unit_of(code)) for code in PLAN
    )
    return PortalConfig(units=units, operator_token=OPERATOR_TOKEN, viewer_token=VIEWER_TOKEN)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServedPortal:
    """A portal on a real port, in a thread of the test process."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.portal = Portal(database_url, portal_config())
        self.portal.operator_token()
        seed(self.portal.store)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            create_app(self.portal),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServedPortal:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise AssertionError("the portal did not start listening")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedPortal]:
    folder = tmp_path_factory.mktemp("dashboard")
    with ServedPortal(f"sqlite:///{folder}/portal.db") as served:
        yield served


def _missing_browser(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the dashboard must be checked in a real browser)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system (`apt-get install chromium`)."""
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if executable is None:
        _missing_browser("chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
