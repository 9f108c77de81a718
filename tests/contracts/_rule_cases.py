"""Rule conformance cases as data: each case is a sequence of messages and a verdict per rule.

A case file (`cases/rules/*.json`) holds `{"rule": ID, "cases": [...]}`; each case lists
messages, built from a template of `cases/rules/_templates.json` with `set` (dotted paths, list
indexes as numbers) and `delete`, and says whether the rule must `pass` (no finding of that rule
anywhere) or `fail` (a finding of that rule on the message at index `at`, default the last).
"""

from __future__ import annotations

import copy
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from contracts import Message, MessageKind, StaticPaymentKeys, classify

CASES = Path(__file__).parent / "cases" / "rules"
TEMPLATES: dict[str, Any] = json.loads((CASES / "_templates.json").read_text(encoding="utf-8"))
#: the payment platform's keys of the templates' client (`paycreate`, `paydetail` are signed
#: with its hash_key_1)
PAYMENT_KEYS = StaticPaymentKeys(
    {"H56_MOTCUA": (b"rule-cases-hash-key-1", b"rule-cases-hash-key-2")}
)


@dataclass(frozen=True)
class RuleCase:
    rule: str
    description: str
    messages: list[Message]
    must: str
    at: int
    path: str | None

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.must}-{self.description}"


def load_cases() -> list[RuleCase]:
    cases = []
    for case_file in sorted(CASES.glob("[!_]*.json")):
        document = json.loads(case_file.read_text(encoding="utf-8"))
        for case in document["cases"]:
            messages = [_message(index, spec) for index, spec in enumerate(case["messages"])]
            cases.append(
                RuleCase(
                    rule=case.get("rule") or document["rule"],
                    description=case["description"],
                    messages=messages,
                    must=case["must"],
                    at=case.get("at", len(messages) - 1),
                    path=case.get("path"),
                )
            )
    return cases


def _message(index: int, spec: dict[str, Any]) -> Message:
    body = (
        copy.deepcopy(spec["body"])
        if "body" in spec
        else copy.deepcopy(TEMPLATES[spec["template"]])
    )
    for dotted, value in spec.get("set", {}).items():
        _assign(body, dotted, value)
    for dotted in spec.get("delete", []):
        _delete(body, dotted)
    if spec.get("nfd"):
        body = _to_nfd(body)
    received = spec.get("received_at", "2026-03-02T08:31:00+07:00")  # null: no receive time
    raw = json.dumps(body, ensure_ascii=False)
    return Message(
        index=index,
        kind=MessageKind(spec["kind"]) if "kind" in spec else classify(body, spec.get("path")),
        body=body,
        received_at=datetime.fromisoformat(received) if received else None,
        path=spec.get("path"),
        unit=spec.get("unit"),
        raw=raw,
    )


def _walk(body: Any, dotted: str) -> tuple[Any, str | int]:
    parts: list[str | int] = [int(part) if part.isdigit() else part for part in dotted.split(".")]
    node = body
    for part in parts[:-1]:
        node = node[part]
    return node, parts[-1]


def _assign(body: Any, dotted: str, value: Any) -> None:
    node, last = _walk(body, dotted)
    node[last] = value


def _delete(body: Any, dotted: str) -> None:
    node, last = _walk(body, dotted)
    del node[last]


def _to_nfd(node: Any) -> Any:
    if isinstance(node, str):
        return unicodedata.normalize("NFD", node)
    if isinstance(node, dict):
        return {key: _to_nfd(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_to_nfd(value) for value in node]
    return node
