"""SIGKILL in the middle of a group-commit batch, at the worst moment: every row of the batch
written, the COMMIT not yet sent, eight writers waiting (`_batch_child`).

What must hold on both backends: every record whose future resolved (the portal would have
answered success) is stored with its finding; no record of the interrupted batch is (a batch is
all or nothing, and none of it was acknowledged); the database passes its integrity check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mock_portal.replay import verify_store
from mock_portal.store import Store
from tests._figures import record_figures
from tests._postgres import fresh_schema, postgres_url_or_skip

ROOT = Path(__file__).resolve().parents[3]
#: the batch (of two records or more) at whose COMMIT the child stops
PAUSE_AT_BATCH = 5


def _kill_in_batch(url: str) -> tuple[set[str], list[str]]:
    """(markers acknowledged, markers of the interrupted batch)."""
    acked: set[str] = set()
    batch: list[str] = []
    deadline = time.monotonic() + 120
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.mock_portal.durability._batch_child",
            url,
            str(PAUSE_AT_BATCH),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as child:
        try:
            assert child.stdout is not None
            for raw in child.stdout:
                word, *markers = raw.decode().split()
                if word == "ACK":
                    acked.update(markers)
                elif word == "BATCH":
                    batch = markers
                    break
                assert time.monotonic() < deadline, "the child never reached the batch"
        finally:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        stderr = child.stderr.read().decode() if child.stderr else ""
    assert batch, f"the child ended before its batch: {stderr}"
    return acked, batch


def _check(url: str, backend: str) -> None:
    acked, batch = _kill_in_batch(url)
    with Store.open(url) as store:
        stored = {entry.body.decode(): entry.finding_count for entry in store.iter_journal()}
        problems = verify_store(store)
        findings = len(store.findings(limit=1_000_000))
    record_figures(
        "batch_kill",
        {
            backend: {
                "acknowledged": len(acked),
                "interrupted_batch": len(batch),
                "stored": len(stored),
                "findings": findings,
            }
        },
    )
    assert len(batch) >= 2
    assert acked, "nothing was acknowledged before the interrupted batch"
    assert acked <= stored.keys(), f"acknowledged but lost: {sorted(acked - stored.keys())[:5]}"
    assert not set(batch) & stored.keys(), "a record of the uncommitted batch was stored"
    assert not set(batch) & acked, "a record was acknowledged before its batch committed"
    assert all(count == 1 for count in stored.values())
    assert findings == len(stored)
    assert problems == []


def test_sqlite_batch_interrupted_before_commit(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path}/portal.db", "sqlite")


@pytest.mark.postgres
def test_postgresql_batch_interrupted_before_commit() -> None:
    with fresh_schema(postgres_url_or_skip()) as url:
        _check(url, "postgresql")
