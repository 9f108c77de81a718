"""Each package's curated front door exports exactly its public names, sorted."""

from __future__ import annotations

import importlib
import inspect

import pytest

FRONT_DOORS = ["contracts", "simulator.domain", "mock_portal.store", "simulator.planning"]


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions: the order ruff's RUF022 keeps."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


@pytest.mark.parametrize("module_name", FRONT_DOORS)
def test_all_is_sorted_and_complete(module_name: str) -> None:
    """`__all__` is sorted and lists every public name the module defines or re-exports."""
    module = importlib.import_module(module_name)
    exported = list(module.__all__)
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert exported == sorted(exported, key=_isort_key)
    assert set(exported) == public
