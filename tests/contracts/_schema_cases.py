"""Schema cases as data, in the style of the JSON-Schema-Test-Suite.

A case file `cases/schemas/<kind>.json` holds `{"kind", "description", "tests": [...]}`; each test
has a `description`, the message `data`, whether it is `valid`, and for an invalid message the
`rules` its schema errors must include. The profile's schemas are loaded with
`SchemaSet.from_package`, which does not import the profile package (its rule modules are not
needed to judge a message against its schema).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from contracts._messages import MessageKind
from contracts._schemas import SchemaSet

PROFILE_PACKAGE = "contracts.profiles.tt01_2018"
CASES = Path(__file__).parent / "cases" / "schemas"


@dataclass(frozen=True)
class SchemaCase:
    kind: MessageKind
    description: str
    data: Any
    valid: bool
    rules: tuple[str, ...]

    @property
    def id(self) -> str:
        verdict = "valid" if self.valid else "invalid"
        return f"{self.kind.value}-{verdict}-{self.description}"


@cache
def schema_set() -> SchemaSet:
    return SchemaSet.from_package(PROFILE_PACKAGE)


def schema_files() -> list[Path]:
    """The profile's schema documents as files (common.json included), without importing it."""
    folder = resources.files("contracts.profiles").joinpath("tt01_2018").joinpath("schemas")
    return sorted(Path(str(folder)).glob("*.json"))


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.json"))


def load_cases() -> list[SchemaCase]:
    cases = []
    for case_file in case_files():
        document = json.loads(case_file.read_text(encoding="utf-8"))
        kind = MessageKind(document["kind"])
        for test in document["tests"]:
            cases.append(
                SchemaCase(
                    kind=kind,
                    description=test["description"],
                    data=test["data"],
                    valid=test["valid"],
                    rules=tuple(test.get("rules", ())),
                )
            )
    return cases


def walk(node: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every JSON value under `node` (itself first) with its JSON path."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")
