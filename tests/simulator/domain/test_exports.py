"""The package front door and its layering."""

from __future__ import annotations

import subprocess
import sys

import simulator.domain as domain
from simulator.domain import agencies, calendar, catalogue, population, provinces


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (ruff's RUF022 "isort-style" order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_importable() -> None:
    """`__all__` is sorted (constants, classes, functions) and every name in it exists."""
    assert domain.__all__ == sorted(domain.__all__, key=_isort_key)
    assert all(hasattr(domain, name) for name in domain.__all__)


def test_all_is_complete() -> None:
    """Every public name of the data modules, and every generator, is re-exported."""
    expected = {*provinces.__all__, *agencies.__all__, *catalogue.__all__, *calendar.__all__}
    expected |= set(population.__all__)
    expected -= {"WORKING_DAY_UNITS"}  # a detail of the catalogue, reachable from its module
    expected |= {name for name in dir(domain.identifiers) if name.startswith("generate_")}
    assert expected == set(domain.__all__)


def test_domain_imports_nothing_above_it() -> None:
    """Importing the domain core pulls in no web framework, portal, CLI or load tool."""
    code = (
        "import sys, simulator.domain; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "{'mock_portal', 'scenarios', 'starlette', 'locust', 'gevent', 'click', 'httpx'} "
        "or (m.startswith('simulator.') and not m.startswith('simulator.domain'))]; "
        "print(','.join(sorted(bad)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
