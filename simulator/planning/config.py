"""A planner's overrides of the traffic model, from a TOML file (`plan model --config`).

```toml
annual_volume = 1_500_000       # dossiers a year (default: domain.md §10 share)
peak_months = [3, 6, 9, 12]     # the whole province's peak months (default: bundled table)

[factors]                       # any of simulator.planning.Factors, the rest keep defaults
peak_month = 1.5
quarter_end_days = 5
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.planning.factors import Factors
from simulator.planning.province import parse_months

__all__ = ["ModelConfig", "load_model_config"]


@dataclass(frozen=True, slots=True)
class ModelConfig:
    annual_volume: float | None = None
    peak_months: frozenset[int] | None = None
    factors: Factors = field(default_factory=Factors)


def _factors(table: object, where: str) -> Factors:
    if not isinstance(table, dict):
        raise ValueError(f"{where}: [factors] must be a table")
    names = Factors.names()
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise ValueError(f"{where}: unknown factors {unknown} (known: {', '.join(names)})")
    values: dict[str, Any] = dict(table)
    try:
        return Factors(**values)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def load_model_config(path: str | Path) -> ModelConfig:
    """The overrides in `path`; ValueError naming the file and the problem."""
    where = str(path)
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{where}: cannot read ({error.strerror or error})") from error
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{where}: not valid TOML ({error})") from error
    unknown = sorted(set(document) - {"annual_volume", "peak_months", "factors"})
    if unknown:
        raise ValueError(f"{where}: unknown keys {unknown}")
    volume = document.get("annual_volume")
    if volume is not None and (
        isinstance(volume, bool) or not isinstance(volume, int | float) or volume <= 0
    ):
        raise ValueError(f"{where}: annual_volume must be a number > 0")
    months = document.get("peak_months")
    peak_months = None if months is None else parse_months(months, f"{where}: peak_months")
    factors = _factors(document.get("factors", {}), where)
    return ModelConfig(None if volume is None else float(volume), peak_months, factors)
