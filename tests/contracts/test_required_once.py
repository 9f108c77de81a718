"""A message missing several required fields gets one SC-001 per missing field, not one per
missing field for each of them (jsonschema raises an error per missing property)."""

from __future__ import annotations

from contracts import CheckContext, Message, MessageKind, Validator
from contracts.profiles import load
from simulator.domain import bundled_agencies, bundled_calendar, bundled_catalogue


def test_each_missing_field_is_reported_once() -> None:
    context = CheckContext(bundled_catalogue(), bundled_agencies(), bundled_calendar())
    validator = Validator(load(), context)
    body = {"service": "TraCuuHoSo", "mahoso": "000.00.00.H56-260302-0001"}
    findings = validator.check(Message(0, MessageKind.TRA_CUU_HO_SO, body))
    assert [(f.rule, f.path) for f in findings] == [
        ("SC-001", "$.session"),
        ("SC-001", "$.madonvi"),
    ]
