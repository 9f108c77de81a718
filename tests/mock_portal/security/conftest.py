"""The security suite publishes what it tried once the session ends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mock_portal.security._tally import publish


@pytest.fixture(scope="package", autouse=True)
def _publish_figures() -> Iterator[None]:
    yield
    publish()
