"""The contract's JSON Schemas as OpenAPI components, each definition once under a unique name.

The profile's documents are self-contained (the loader folds `common.json` into each), which
suits validators but not an API document: embedded as they are, every shared definition would
be repeated once per message, and their `#/$defs/X` references would no longer resolve once the
documents lose the `$id` that made each one its own resource. So the definitions are hoisted:

- a definition that every document of the profile holds unchanged (one of `common.json`) becomes
  the component `common.<name>`, once;
- a definition of one message kind becomes `<kind>.<name>` (e.g. `DongBoHoSoMC.dossier`);
- the message itself is the component `<kind>`.

References are rewritten to `#/components/schemas/<component>`; `$schema` and `$id` are dropped
(the OpenAPI document declares the 2020-12 dialect once). Everything else, titles,
descriptions, patterns and the `x-rule`/`x-hint` annotations, is kept as the contract has it:
the contract stays the one source of truth. Only components reachable from the documented kinds
are included.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from contracts import MessageKind, Profile

SCHEMAS_POINTER = "#/components/schemas/"
COMMON = "common"
#: what OpenAPI allows as a component name
_COMPONENT_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_LOCAL_DEFS = "#/$defs/"
_TEXT_KEYS = frozenset({"title", "description"})


def schema_ref(name: str) -> dict[str, str]:
    """A reference to the component `name`."""
    return {"$ref": SCHEMAS_POINTER + name}


def contract_components(
    profile: Profile, kinds: Iterable[MessageKind]
) -> dict[str, dict[str, Any]]:
    """Components for the messages `kinds` and every definition they reach, in a stable order."""
    schemas = profile.schemas
    common = _common_names([schemas.document(kind) for kind in schemas.kinds()])
    candidates: dict[str, dict[str, Any]] = {}
    roots: list[str] = []
    for kind in sorted(set(kinds), key=lambda k: k.value):
        document = copy.deepcopy(schemas.document(kind))
        definitions: dict[str, Any] = document.pop("$defs", {})
        document.pop("$schema", None)
        document.pop("$id", None)
        candidates[kind.value] = _rewrite(document, kind, common)
        roots.append(kind.value)
        for name, definition in definitions.items():
            candidates[_component_name(kind, name, common)] = _rewrite(definition, kind, common)
    for name in candidates:
        if not _COMPONENT_NAME.match(name):
            raise ValueError(f"{name!r} cannot name an OpenAPI component")
    reached = _reachable(candidates, roots)
    return {name: candidates[name] for name in sorted(reached)}


def _component_name(kind: MessageKind, definition: str, common: frozenset[str]) -> str:
    return f"{COMMON}.{definition}" if definition in common else f"{kind.value}.{definition}"


def _common_names(documents: list[dict[str, Any]]) -> frozenset[str]:
    """Definitions every document holds unchanged and whose references are common too.

    The second condition matters only if a message overrides a shared definition that another
    shared one references: the referencing one would then mean different things per message.
    """
    if not documents:
        return frozenset()
    first, *others = (document.get("$defs", {}) for document in documents)
    names = {
        name
        for name, definition in first.items()
        if all(other.get(name) == definition for other in others)
    }
    changed = True
    while changed:
        changed = False
        for name in sorted(names):
            if any(target not in names for target in _local_targets(first[name])):
                names.discard(name)
                changed = True
    return frozenset(names)


def _local_targets(node: Any) -> Iterator[str]:
    for ref in _refs(node):
        if ref.startswith(_LOCAL_DEFS):
            yield ref.removeprefix(_LOCAL_DEFS).split("/", 1)[0]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _rewrite(node: Any, kind: MessageKind, common: frozenset[str]) -> Any:
    """`node` with references pointing at components and its prose in NFC."""
    if isinstance(node, list):
        return [_rewrite(item, kind, common) for item in node]
    if not isinstance(node, dict):
        return node
    rewritten: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            rewritten[key] = _target(value, kind, common)
        elif key in _TEXT_KEYS and isinstance(value, str):
            rewritten[key] = unicodedata.normalize("NFC", value)
        else:
            rewritten[key] = _rewrite(value, kind, common)
    return rewritten


def _target(ref: str, kind: MessageKind, common: frozenset[str]) -> str:
    if ref.startswith(_LOCAL_DEFS):
        name, slash, rest = ref.removeprefix(_LOCAL_DEFS).partition("/")
        return SCHEMAS_POINTER + _component_name(kind, name, common) + slash + rest
    if ref == "#" or ref.startswith("#/"):
        return SCHEMAS_POINTER + kind.value + ref.removeprefix("#")
    raise ValueError(f"{kind.value}: reference {ref!r} leaves the contract's documents")


def _reachable(candidates: dict[str, dict[str, Any]], roots: list[str]) -> set[str]:
    reached: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        if name not in candidates:
            raise ValueError(f"a reference names {name!r}, which the contract does not define")
        reached.add(name)
        for ref in _refs(candidates[name]):
            pending.append(ref.removeprefix(SCHEMAS_POINTER).split("/", 1)[0])
    return reached
