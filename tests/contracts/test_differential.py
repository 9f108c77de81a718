"""The fast engine (jsonschema-rs) and the detailed one (jsonschema) agree on every message.

`Validator.check` trusts the fast path to say "valid" and asks the detailed engine only to
explain an invalid message; if the two disagreed, a bad message would pass unexplained or a good
one would be refused with no reason. The cases are checked as written, then mutated at random.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts._messages import MessageKind
from tests.contracts._schema_cases import SchemaCase, load_cases, schema_set, walk

CASES = load_cases()
VALID = [case for case in CASES if case.valid]

#: values a mutation puts in place of a field: wrong types, edge numbers, look-alike strings
REPLACEMENTS: list[Any] = [
    0,
    1,
    -1,
    2**70,
    1.5,
    1.0,
    True,
    False,
    None,
    [],
    {},
    "",
    " ",
    "x",
    "١٢",
    "٢٠٢٠٠٢٠٣٠٨٣٠١٥",
    "True",
    "10",
    "11",
    "2.000815",
    "000.00.14.H56-200203-0118",
    "20200203083015",
    "Nguyễn Văn An",
    ["2"],
    {"MaHoSo": "000.00.14.H56-200203-0118"},
]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
STRING_EDITS = [
    lambda text: text + "\n",
    lambda text: "\n" + text,
    lambda text: " " + text,
    lambda text: text.lower(),
    lambda text: text[:-1],
    lambda text: text + text,
    lambda text: text.translate(ARABIC_INDIC),
]


def _agree(kind: MessageKind, body: Any) -> None:
    schemas = schema_set()
    fast = schemas.is_valid(kind, body)
    detailed = schemas.is_valid_detailed(kind, body)
    violations = list(schemas.iter_violations(kind, body))
    assert fast is detailed, f"jsonschema-rs says {fast}, jsonschema says {detailed}"
    assert (violations == []) is detailed, f"valid={detailed} but violations={violations}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_engines_agree_on_case(case: SchemaCase) -> None:
    """Both engines and the violation list agree on every case as written."""
    _agree(case.kind, case.data)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[MessageKind, Any]:
    """A valid case with one to three fields deleted, replaced or edited."""
    case = draw(st.sampled_from(VALID))
    body = copy.deepcopy(case.data)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [path for path, _ in _locations(body)]
        if not paths:
            break
        parent, key = dict(_locations(body))[draw(st.sampled_from(paths))]
        value = parent[key]
        action = draw(st.sampled_from(["delete", "replace", "edit"]))
        if action == "delete":
            del parent[key]
        elif action == "edit" and isinstance(value, str):
            parent[key] = draw(st.sampled_from(STRING_EDITS))(value)
        else:
            parent[key] = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
    return case.kind, body


def _locations(body: Any) -> list[tuple[str, tuple[Any, Any]]]:
    """Every value below the root, keyed by JSON path, with the container and key holding it."""
    found: list[tuple[str, tuple[Any, Any]]] = []
    for path, node in walk(body):
        if isinstance(node, dict):
            found.extend((f"{path}.{key}", (node, key)) for key in node)
        elif isinstance(node, list):
            found.extend((f"{path}[{index}]", (node, index)) for index in range(len(node)))
    return found


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_engines_agree_on_mutations(message: tuple[MessageKind, Any]) -> None:
    """Mutated messages get the same verdict from both engines; findings appear iff invalid."""
    kind, body = message
    _agree(kind, body)


@given(st.sampled_from(VALID), st.sampled_from(REPLACEMENTS))
@settings(max_examples=60, deadline=None)
def test_engines_agree_on_non_object_bodies(case: SchemaCase, body: Any) -> None:
    """A body that is not an object at all is judged alike by both engines."""
    _agree(case.kind, copy.deepcopy(body))
