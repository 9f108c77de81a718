"""How much group commit buys: messages stored per second with batches of 1 and of 100.

Each message is a journal row with 2 findings and 1 dossier upsert (and 1 status event), the
shape of a typical DongBoHoSoMC. Both backends are measured in one run, rounds interleaved so
machine noise hits every configuration alike; the ratios are what to compare across machines.

    .venv/bin/python benchmarks/store_write.py [--messages 3000] [--postgres URL] [--no-postgres]

PostgreSQL defaults to PORTALSIM_TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/test;
the benchmark works in a scratch schema it drops afterwards, and skips PostgreSQL if unreachable.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contracts import DossierState, Finding, Severity
from mock_portal.store import VIETNAM, DossierEvent, MessageRecord, Store

BATCH_SIZES = (1, 100)
T0 = datetime(2026, 3, 2, 8, 15, tzinfo=VIETNAM)


def message(n: int) -> MessageRecord:
    code = f"000.00.00.H56-260302-{n % 10_000:04d}"
    at = T0 + timedelta(milliseconds=n)
    body = (
        '{"session":"s","madonvi":"000.00.00.H56","service":"DongBoHoSoMC","data":[{"MaHoSo":"'
        + code
        + '","ChuHoSo":"Nguyễn Văn An","TrangThaiHoSo":"2"}]}'
    ).encode()
    return MessageRecord(
        received_at=at,
        unit="000.00.00.H56",
        province="38",
        kind="DongBoHoSoMC",
        method="POST",
        path="/api/dvcqg/integration",
        headers={"content-type": "application/json", "charset": "utf-8", "dstcode": "H56"},
        body=body,
        status_code=200,
        response='{"error_code":0,"message":"Thành công"}',
        accepted=True,
        findings=[
            Finding("HS-002", Severity.WARNING, 0, "$.data[0].NgayHenTra", "", "thiếu ngày hẹn"),
            Finding("TL-001", Severity.ERROR, 0, "$.data[0]", n, "đồng bộ trễ quá 1 giờ"),
        ],
        dossier_states=[
            DossierState(code, "000.00.00.H56", "2", "2.000635", "Nguyễn Văn An", at, at, at)
        ],
        events=[DossierEvent(code, "2", at)],
    )


def measure(url: str, batch: int, count: int) -> float:
    """Messages per second writing `count` messages in batches of `batch` into a fresh store."""
    records = [message(n) for n in range(count)]
    with Store.open(url) as store:
        store.migrate()
        store.reset()
        start = time.perf_counter()
        for i in range(0, count, batch):
            store.write_batch(records[i : i + batch])
        elapsed = time.perf_counter() - start
        assert store.journal_count() == count
    return count / elapsed


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgres_url(base: str) -> Iterator[str]:
    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000, help="messages per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median kept)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("PORTALSIM_TEST_POSTGRES_URL")
        or "postgresql://postgres@127.0.0.1:5432/test",
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    backends: dict[str, Callable[[], AbstractContextManager[str]]] = {"sqlite": sqlite_url}
    if not args.no_postgres:
        try:
            psycopg.connect(args.postgres, connect_timeout=3).close()
            backends["postgresql"] = lambda: postgres_url(args.postgres)
        except psycopg.Error as error:
            print(f"PostgreSQL skipped: {error}".strip())

    results: dict[tuple[str, int], list[float]] = {}
    for _ in range(args.rounds):
        for name, make_url in backends.items():
            with make_url() as url:
                for batch in BATCH_SIZES:
                    # batch 1 pays a commit per message: fewer messages keep it quick
                    count = args.messages if batch > 1 else max(args.messages // 5, 100)
                    results.setdefault((name, batch), []).append(measure(url, batch, count))

    print(f"{'backend':<11} {'batch':>5} {'messages/s':>11}   (median of {args.rounds} rounds)")
    for (name, batch), rates in results.items():
        print(f"{name:<11} {batch:>5} {statistics.median(rates):>11,.0f}")
    for name in backends:
        one = statistics.median(results[(name, 1)])
        hundred = statistics.median(results[(name, 100)])
        print(f"{name}: batch 100 is {hundred / one:.1f}x batch 1")
    if "postgresql" in backends:
        ratio = statistics.median(results[("sqlite", 100)]) / statistics.median(
            results[("postgresql", 100)]
        )
        print(f"batch 100: sqlite/postgresql = {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
