"""The package's front door: every name in `__all__` exists, once (ruff RUF022 keeps it sorted)."""

from __future__ import annotations

import mock_portal.store as package


def test_all_names_resolve_once() -> None:
    """Every exported name resolves and none is listed twice."""
    assert len(set(package.__all__)) == len(package.__all__)
    for name in package.__all__:
        assert hasattr(package, name), name
