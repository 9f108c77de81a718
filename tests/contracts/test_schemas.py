"""The JSON Schema documents of profile tt01-2018, judged on cases as data."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from contracts._messages import MessageKind
from tests.contracts._schema_cases import (
    PROFILE_PACKAGE,
    SchemaCase,
    case_files,
    load_cases,
    schema_files,
    schema_set,
    walk,
)

CASES = load_cases()
KINDS = sorted(set(MessageKind) - {MessageKind.UNKNOWN})
ID_BASE = "https://portalsim.local/contracts/tt01-2018/"
RULE_ID = re.compile(r"^[A-Z]{2,3}-[0-9]{3}$")
#: if/then/else branches only narrow fields already declared (and described) beside them
CONDITIONALS = (".if", ".then", ".else")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_case(case: SchemaCase) -> None:
    """Both engines give the case's verdict, and an invalid case is blamed on its rules."""
    schemas = schema_set()
    assert schemas.is_valid(case.kind, case.data) is case.valid
    assert schemas.is_valid_detailed(case.kind, case.data) is case.valid
    found = {violation.rule for violation in schemas.iter_violations(case.kind, case.data)}
    if case.valid:
        assert found == set()
    else:
        assert set(case.rules) <= found, f"expected {sorted(case.rules)}, found {sorted(found)}"


def test_every_message_kind_has_a_document() -> None:
    """Each MessageKind except UNKNOWN has exactly one schema document, and nothing else does."""
    assert schema_set().kinds() == frozenset(KINDS)


def test_every_kind_has_valid_and_invalid_cases() -> None:
    """Each document is exercised by at least one valid and one invalid message."""
    covered = {(case.kind, case.valid) for case in CASES}
    for kind in KINDS:
        assert (kind, True) in covered, f"{kind.value} has no valid case"
        assert (kind, False) in covered, f"{kind.value} has no invalid case"


def test_invalid_cases_name_their_rules() -> None:
    """Every invalid case lists the rule IDs it expects, and every valid case lists none."""
    for case in CASES:
        assert bool(case.rules) is not case.valid, case.id
        assert all(RULE_ID.match(rule) for rule in case.rules), case.id


def test_case_files_are_named_after_their_kind() -> None:
    """`cases/schemas/<kind>.json` holds the cases of that kind."""
    for path in case_files():
        assert json.loads(path.read_text(encoding="utf-8"))["kind"] == path.stem


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_document_is_a_valid_2020_12_schema(kind: MessageKind) -> None:
    """The folded document passes the 2020-12 metaschema."""
    Draft202012Validator.check_schema(schema_set().document(kind))


@pytest.mark.parametrize("path", schema_files(), ids=lambda path: path.name)
def test_file_is_a_valid_2020_12_schema(path: Path) -> None:
    """Each file as written (common.json included) passes the 2020-12 metaschema."""
    Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_document_header(kind: MessageKind) -> None:
    """A document declares 2020-12, its own $id, a bilingual title and a description."""
    document = schema_set().document(kind)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"{ID_BASE}{kind.value}.json"
    assert " — " in document["title"]
    assert document["description"].strip()


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_every_property_is_described(kind: MessageKind) -> None:
    """Every property carries a description (they feed the OpenAPI document)."""
    undescribed = [
        f"{path}.{name}"
        for path, node in walk(schema_set().document(kind))
        if isinstance(node, dict) and isinstance(node.get("properties"), dict)
        for name, subschema in node["properties"].items()
        if not path.endswith(CONDITIONALS) and "description" not in subschema
    ]
    assert undescribed == []


def test_rule_annotations_are_well_formed() -> None:
    """Each `x-rule` is a rule ID with an `x-hint` beside it, and sits next to a keyword."""
    keywords = {"pattern", "enum", "const", "minLength", "required", "type"}
    for path in schema_files():
        for where, node in walk(json.loads(path.read_text(encoding="utf-8"))):
            if isinstance(node, dict) and "x-rule" in node:
                assert RULE_ID.match(node["x-rule"]), f"{path.name} {where}"
                assert node.get("x-hint"), f"{path.name} {where} has no x-hint"
                assert keywords & node.keys(), f"{path.name} {where} annotates no keyword"


def test_patterns_use_ascii_classes() -> None:
    """No pattern uses \\d, \\w or \\s, which the two engines read differently."""
    for path in schema_files():
        for where, node in walk(json.loads(path.read_text(encoding="utf-8"))):
            if isinstance(node, dict) and isinstance(node.get("pattern"), str):
                assert not re.search(r"\\[dDwWsS]", node["pattern"]), f"{path.name} {where}"


def test_messages_stay_open() -> None:
    """No document forbids extra fields: real clients add their own."""
    for path in schema_files():
        for where, node in walk(json.loads(path.read_text(encoding="utf-8"))):
            if isinstance(node, dict):
                assert node.get("additionalProperties") is not False, f"{path.name} {where}"
                assert node.get("unevaluatedProperties") is not False, f"{path.name} {where}"


@pytest.mark.parametrize("path", schema_files() + case_files(), ids=lambda path: path.name)
def test_json_files_are_canonical(path: Path) -> None:
    """Schema and case files are 2-space-indented UTF-8 JSON in Unicode NFC."""
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    assert unicodedata.is_normalized("NFC", text)


def test_loading_schemas_does_not_import_the_profile() -> None:
    """SchemaSet.from_package reads the schema folder without running the profile's __init__."""
    code = (
        "import sys\n"
        "from contracts._schemas import SchemaSet\n"
        f"SchemaSet.from_package({PROFILE_PACKAGE!r})\n"
        f"assert {PROFILE_PACKAGE!r} not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
