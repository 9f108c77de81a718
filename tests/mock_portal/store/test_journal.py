"""Streaming the journal and exporting it in the documented NDJSON format."""

from __future__ import annotations

import base64
import io
import json
import unicodedata

import pytest

from mock_portal.store import Store, entry_to_json, journal_body

from ._factories import T0, finding, record

KEYS = [
    "id", "received_at", "unit", "province", "kind", "method", "path", "headers", "body",
    "status", "response", "accepted", "fault", "findings",
]  # fmt: skip


def test_iter_journal_pages_keep_findings(store: Store) -> None:
    """Paging in small batches yields every entry once, each with its own findings."""
    ids = store.write_batch([record(findings=[finding(f"R-{i}")] * (i % 3)) for i in range(7)])
    entries = list(store.iter_journal(batch=2))
    assert [entry.id for entry in entries] == ids
    for i, entry in enumerate(entries):
        assert [row.rule for row in entry.findings] == [f"R-{i}"] * (i % 3)
        assert entry.finding_count == i % 3
        assert all(row.journal_id == entry.id for row in entry.findings)


def test_iter_journal_since_id(store: Store) -> None:
    """since_id resumes after a given entry."""
    ids = store.write_batch([record() for _ in range(5)])
    assert [entry.id for entry in store.iter_journal(since_id=ids[2])] == ids[3:]


def test_iter_journal_rejects_empty_batches(store: Store) -> None:
    """A batch size below one is a usage error."""
    with pytest.raises(ValueError, match="batch"):
        list(store.iter_journal(batch=0))


def test_export_ndjson_format(store: Store) -> None:
    """Each line is one JSON object with the documented keys, in order, matching the entry."""
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An").encode()
    store.write_batch(
        [
            record(body=b'{"ChuHoSo":"' + nfd + b'"}', findings=[finding(value=[1, "x"])]),
            record(fault="drop", accepted=False, response="upstream timeout"),
        ]
    )
    out = io.BytesIO()
    assert store.export_ndjson(out) == 2
    lines = out.getvalue().decode("utf-8").splitlines()
    first, second = (json.loads(line) for line in lines)
    assert list(first) == KEYS
    assert first["received_at"] == "2026-03-02T08:15:00.123456+07:00"
    assert journal_body(first) == b'{"ChuHoSo":"' + nfd + b'"}'
    assert first["response"] == {"error_code": 0}
    assert first["findings"] == [
        {
            "rule": "HS-001",
            "severity": "error",
            "path": "$.data[0].MaHoSo",
            "value": [1, "x"],
            "hint": "dùng mã hồ sơ theo Điều 19",
        }
    ]
    assert (second["response"], second["fault"], second["accepted"]) == (
        "upstream timeout",
        "drop",
        False,
    )
    entries = list(store.iter_journal())
    assert [first, second] == [json.loads(json.dumps(entry_to_json(e))) for e in entries]


def test_export_of_non_utf8_body_uses_base64(store: Store) -> None:
    """A body that is not UTF-8 is exported as null plus body_base64, which restores it."""
    raw = b"\xc0\xafbad\xff"
    store.write_batch([record(body=raw)])
    out = io.BytesIO()
    store.export_ndjson(out)
    obj = json.loads(out.getvalue())
    assert list(obj)[8:10] == ["body", "body_base64"]
    assert obj["body"] is None
    assert base64.b64decode(obj["body_base64"]) == raw
    assert journal_body(obj) == raw


def test_export_since_id(store: Store) -> None:
    """Export can resume after an id, for incremental copies."""
    ids = store.write_batch([record(), record(), record()])
    out = io.BytesIO()
    assert store.export_ndjson(out, since_id=ids[0]) == 2
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ids[1:]


def test_entry_received_at_is_vietnam_time(store: Store) -> None:
    """Journal times come back as the same instant, in Asia/Ho_Chi_Minh."""
    store.write_batch([record()])
    [entry] = store.iter_journal()
    assert entry.received_at == T0
    assert entry.received_at.utcoffset() == T0.utcoffset()
