"""A finding's two JSON forms: what the portal shows (`to_payload`) and what `portalsim validate`
writes (`to_dict`), keys in their documented order, Vietnamese kept as is."""

from __future__ import annotations

import orjson

from contracts import Finding, Severity

FINDING = Finding(
    rule="HS-002",
    severity=Severity.ERROR,
    message=4,
    path="$.data[0].MaTTHC",
    value="1.00l309",
    hint="mã thủ tục phải có trong danh mục",
)


def test_the_portal_shows_a_finding_without_its_message_index() -> None:
    """Refusal bodies, the journal export and the payment admin all carry this shape."""
    assert (
        orjson.dumps(FINDING.to_payload())
        == (
            '{"rule":"HS-002","severity":"error","path":"$.data[0].MaTTHC","value":"1.00l309",'
            '"hint":"mã thủ tục phải có trong danh mục"}'
        ).encode()
    )


def test_validate_writes_the_message_index_after_the_severity() -> None:
    assert list(FINDING.to_dict()) == ["rule", "severity", "message", "path", "value", "hint"]
    assert FINDING.to_dict()["message"] == 4
