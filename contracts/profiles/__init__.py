"""Conformance profiles, one subpackage each; a later one (e.g. Circular 03/2025) sits beside."""

from __future__ import annotations

import importlib
from functools import cache

from contracts._engine import Profile

#: profile name → module that builds it (its `PROFILE` attribute)
_PROFILE_MODULES = {
    "tt01-2018": "contracts.profiles.tt01_2018",
}

DEFAULT_PROFILE = "tt01-2018"


def available() -> list[str]:
    return sorted(_PROFILE_MODULES)


@cache
def load(name: str = DEFAULT_PROFILE) -> Profile:
    """The profile called `name`; KeyError names the known ones."""
    try:
        module_name = _PROFILE_MODULES[name]
    except KeyError:
        raise KeyError(f"unknown profile {name!r}; known: {', '.join(available())}") from None
    profile: Profile = importlib.import_module(module_name).PROFILE
    return profile
