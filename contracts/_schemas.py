"""The JSON Schema documents of a profile, with a compiled fast path and detailed errors.

Each message kind has one document, `<kind>.json`, beside a `common.json` whose `$defs` they
reference as `common.json#/$defs/NAME`. On load the common definitions are folded into every
document (references rewritten to `#/$defs/NAME`), so each document is self-contained for both
engines and for the OpenAPI document.

Two engines judge every document: jsonschema-rs answers "valid?" fast for the common valid
case; pure-Python jsonschema explains an invalid message with every error. A differential test
keeps the two in agreement.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs

from contracts._messages import MessageKind

COMMON_DOCUMENT = "common.json"
_COMMON_PREFIX = COMMON_DOCUMENT + "#/$defs/"

#: Rule IDs of schema errors by JSON Schema keyword, unless the failing subschema names its own
#: rule with the annotation `x-rule` (and its hint with `x-hint`).
KEYWORD_RULES: dict[str, str] = {
    "required": "SC-001",
    "type": "SC-002",
    "pattern": "SC-003",
    "enum": "SC-004",
    "const": "SC-004",
}
FALLBACK_RULE = "SC-005"


@dataclass(frozen=True, slots=True)
class SchemaViolation:
    rule: str
    path: str
    value: Any
    hint: str


def json_path(parts: Any) -> str:
    """`$.data[0].MaHoSo` from a jsonschema error path (deque of keys and indexes)."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


class SchemaSet:
    """Compiled schemas of one profile, keyed by message kind."""

    def __init__(self, documents: dict[MessageKind, dict[str, Any]]) -> None:
        self._documents = documents
        self._kinds = frozenset(documents)
        self._fast = {kind: jsonschema_rs.validator_for(doc) for kind, doc in documents.items()}
        self._detailed = {kind: _DetailedValidator(doc) for kind, doc in documents.items()}

    @classmethod
    def from_package(cls, package: str) -> SchemaSet:
        """Load `<package>/schemas/*.json`, folding `common.json` into each document.

        The folder is reached from the parent package, so `package` itself is not imported:
        a profile's `__init__` (which imports its rule modules) need not load for its schemas.
        """
        parent, _, name = package.rpartition(".")
        base = resources.files(parent).joinpath(name) if parent else resources.files(package)
        folder = base.joinpath("schemas")
        common = json.loads(folder.joinpath(COMMON_DOCUMENT).read_text(encoding="utf-8"))
        documents: dict[MessageKind, dict[str, Any]] = {}
        for entry in folder.iterdir():
            if not entry.name.endswith(".json") or entry.name == COMMON_DOCUMENT:
                continue
            kind = MessageKind(entry.name.removesuffix(".json"))
            document = json.loads(entry.read_text(encoding="utf-8"))
            documents[kind] = fold_common(document, common)
        for document in documents.values():
            jsonschema.Draft202012Validator.check_schema(document)
        return cls(documents)

    def kinds(self) -> frozenset[MessageKind]:
        return self._kinds

    def document(self, kind: MessageKind) -> dict[str, Any]:
        return self._documents[kind]

    def is_valid(self, kind: MessageKind, body: Any) -> bool:
        """The fast path: True when the body conforms (no detail)."""
        try:
            return bool(self._fast[kind].is_valid(body))
        except UnicodeEncodeError:
            # A lone surrogate cannot cross into Rust; the reference engine judges it instead.
            return self.is_valid_detailed(kind, body)

    def is_valid_detailed(self, kind: MessageKind, body: Any) -> bool:
        """The same question answered by the reference engine (for the differential test)."""
        return bool(self._detailed[kind].is_valid(body))

    def iter_violations(self, kind: MessageKind, body: Any) -> Iterator[SchemaViolation]:
        """Every schema error of the body, each attributed to a rule."""
        for error in self._detailed[kind].iter_errors(body):
            yield from _violations_of(error)


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """`pattern` as ECMA-262 (and jsonschema-rs) reads it: `$` is the end of the string only.

    Python's `$` also matches before a final newline, so without this "20200203083015\\n"
    would pass `^[0-9]{14}$` here and fail on the fast path.
    """
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` with every unescaped `$` outside a character class read as `\\Z`."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out))


_DetailedValidator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _ecma_pattern}
)


def _violations_of(error: jsonschema.ValidationError) -> Iterator[SchemaViolation]:
    subschema = error.schema if isinstance(error.schema, dict) else {}
    keyword = str(error.validator)
    rule = subschema.get("x-rule") or KEYWORD_RULES.get(keyword, FALLBACK_RULE)
    if keyword == "required" and isinstance(error.instance, dict):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [name for name in required if name not in error.instance]
        # jsonschema raises one error per missing property, naming it in the message: report
        # that one only, or each missing property would be reported once per missing property.
        named = [name for name in missing if error.message == f"{name!r} is a required property"]
        for name in named or missing:
            yield SchemaViolation(
                rule=subschema.get("x-rule") or KEYWORD_RULES["required"],
                path=json_path([*error.absolute_path, name]),
                value=None,
                hint=f"thêm trường bắt buộc '{name}' / add the required field '{name}'",
            )
        return
    hint = subschema.get("x-hint") or error.message
    if len(hint) > 300:
        hint = hint[:297] + "..."
    yield SchemaViolation(
        rule=rule,
        path=json_path(error.absolute_path),
        value=_short(error.instance),
        hint=hint,
    )


def _short(value: Any) -> Any:
    """Keep findings small: a container is summarised, a long string cut."""
    if isinstance(value, dict):
        return f"<object with {len(value)} keys>"
    if isinstance(value, list):
        return f"<array of {len(value)} items>"
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value


def fold_common(document: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    """A self-contained copy of `document` with common definitions under its own `$defs`."""
    folded: dict[str, Any] = _rewrite_refs(copy.deepcopy(document))
    definitions = folded.setdefault("$defs", {})
    for name, definition in common.get("$defs", {}).items():
        definitions.setdefault(name, _rewrite_refs(copy.deepcopy(definition)))
    return folded


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_COMMON_PREFIX):
                node[key] = "#/$defs/" + value.removeprefix(_COMMON_PREFIX)
            else:
                _rewrite_refs(value)
    elif isinstance(node, list):
        for item in node:
            _rewrite_refs(item)
    return node
