"""Kill `portalsim serve` mid-stream, restart it on the same database, and check what it kept.

One crash round: clients drive OpenCPS-shaped load; once the portal has acknowledged a seeded,
random number of messages, the whole server process group gets SIGKILL while requests are still
in flight (the group-commit writer is busy with a batch); the clients lose the connection. Then,
before anything else touches the database:

- every acknowledged message of every round so far is in the journal, accepted, byte for byte
  as sent but for the session token (masked `"***"`, it is a credential);
  every acknowledged login is journaled;
- the store passes `mock_portal.replay.verify_store`: the database's integrity check, and every
  dossier row and status event equal to the replay of the journal.

Then the portal is restarted on the same database: the migrations are not applied again (the
schema_version rows are untouched), and the next round's clients keep the sessions of their
acknowledged logins, so a session lost in the crash would show as refused messages. After the
last round the journal is exported over the operator API while serving, and the export must be
NDJSON that `portalsim validate` reads.
"""

from __future__ import annotations

import asyncio
import io
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from mock_portal.replay import verify_store
from mock_portal.store import Store
from simulator.cli import run
from tests.mock_portal.durability._load import INTEGRATION, Ack, OpenCpsLoad
from tests.mock_portal.durability._serve import (
    OPERATOR_TOKEN,
    UNITS,
    ServedPortal,
    write_config,
)

#: the kill comes after this many acknowledged messages in the round (seeded draw)
KILL_AFTER = (40, 600)
#: a round that never reaches its kill point within this many seconds fails
ROUND_LIMIT_S = 60.0


@dataclass
class KillPoint:
    round: int
    acked_before_kill: int
    in_flight_at_kill: int
    acked_total: int
    journal_rows: int
    missing: int
    problems: list[str]
    restart_s: float


@dataclass
class CrashFigures:
    backend: str
    workers: int
    clients: int
    seed: int
    kills: list[KillPoint] = field(default_factory=list)
    acked_messages: int = 0
    acked_logins: int = 0
    stored_of_acked: int = 0
    journal_rows: int = 0
    dossiers: int = 0
    export_lines: int = 0
    validate_exit: int = -1
    refused: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "workers": self.workers,
            "clients": self.clients,
            "seed": self.seed,
            "kills": [vars(kill) for kill in self.kills],
            "acked_messages": self.acked_messages,
            "acked_logins": self.acked_logins,
            "stored_of_acked": self.stored_of_acked,
            "journal_rows": self.journal_rows,
            "dossiers": self.dossiers,
            "export_lines": self.export_lines,
            "validate_exit": self.validate_exit,
            "refused": self.refused,
        }


def run_crash_rounds(
    database: str,
    folder: Path,
    *,
    backend: str,
    rounds: int,
    seed: int,
    clients: int = 24,
    workers: int = 1,
) -> CrashFigures:
    """`rounds` kill-and-restart rounds over one database; asserts after each, returns figures."""
    rng = random.Random(seed)
    portal = ServedPortal(database, write_config(folder), folder / "serve.log", workers=workers)
    figures = CrashFigures(backend, workers, clients, seed)
    acked: list[Ack] = []
    logins = 0
    sessions: dict[int, str] = {}
    portal.start()
    try:
        versions = _schema_versions(database)
        for round_ in range(rounds):
            kill_after = rng.randint(*KILL_AFTER)
            load = OpenCpsLoad(
                portal.base_url,
                clients=clients,
                seed=rng.randrange(1 << 30),
                round_=round_,
                sessions=sessions,
            )
            stats = asyncio.run(_until_killed(load, portal, kill_after))
            assert stats.ack_count() >= kill_after, f"round {round_}: never reached its kill point"
            # Refusals before the kill mean the portal lost something (e.g. a session).
            assert stats.refused == 0, f"round {round_}: refused {stats.refusals}"
            figures.refused += stats.refused
            acked += stats.acked
            logins += stats.logins_acked
            sessions = load.sessions
            missing, journal_rows, problems = check_store(database, acked, logins)
            started = time.monotonic()
            portal.start()
            restart_s = time.monotonic() - started
            figures.kills.append(
                KillPoint(
                    round=round_,
                    acked_before_kill=stats.ack_count(),
                    in_flight_at_kill=stats.in_flight_at_kill,
                    acked_total=len(acked) + logins,
                    journal_rows=journal_rows,
                    missing=len(missing),
                    problems=problems,
                    restart_s=round(restart_s, 2),
                )
            )
            assert not missing, f"round {round_}: acknowledged but not stored: {missing[:3]}"
            assert problems == [], f"round {round_}: {problems}"
            assert _schema_versions(database) == versions, "the restart migrated again"
            _check_served_state(portal.base_url, sessions, acked)
        figures.export_lines, figures.validate_exit = _check_export(portal.base_url, folder)
    finally:
        portal.kill()
    with Store.open(database) as store:
        assert verify_store(store) == []
        figures.journal_rows = store.journal_count()
        figures.dossiers = sum(store.dossier_status_counts().values())
    figures.acked_messages, figures.acked_logins = len(acked), logins
    figures.stored_of_acked = len(acked) - len(check_store(database, acked, logins)[0])
    return figures


async def _until_killed(load: OpenCpsLoad, portal: ServedPortal, kill_after: int) -> Any:
    """Run the load; at the kill point, SIGKILL the server from a thread while clients send."""
    loop = asyncio.get_running_loop()
    killing: list[asyncio.Future[None]] = []

    def on_ack(stats: Any) -> None:
        if not killing and stats.ack_count() >= kill_after:
            stats.in_flight_at_kill = stats.in_flight
            killing.append(loop.run_in_executor(None, portal.kill))

    load.on_ack = on_ack
    stats = await load.run(ROUND_LIMIT_S)
    if killing:
        await killing[0]
    else:
        portal.kill()
    return stats


def check_store(database: str, acked: list[Ack], logins: int) -> tuple[list[Ack], int, list[str]]:
    """(acknowledged messages not in the journal as accepted, journal rows, store problems)."""
    with Store.open(database) as store:
        accepted_bodies: set[bytes] = set()
        accepted_logins = rows = 0
        for entry in store.iter_journal():
            rows += 1
            if not entry.accepted:
                continue
            if entry.kind == "login":
                accepted_logins += 1
            else:
                accepted_bodies.add(entry.body)
        problems = verify_store(store)
    missing = [ack for ack in acked if ack.body not in accepted_bodies]
    if accepted_logins < logins:
        problems.append(f"{logins} logins acknowledged, {accepted_logins} journaled")
    return missing, rows, problems


def _schema_versions(database: str) -> list[tuple[Any, ...]]:
    with Store.open(database) as store:
        return store._db.query("SELECT version, name, applied_at FROM schema_version ORDER BY 1")


def _check_served_state(base_url: str, sessions: dict[int, str], acked: list[Ack]) -> None:
    """After the restart, an old session still works and lookups answer the stored status."""
    by_unit = {UNITS[index % len(UNITS)]: session for index, session in sessions.items()}
    codes = {ack.dossier for ack in acked if ack.kind == "DongBoHoSoMC" and ack.dossier}
    sample = sorted(codes)[:: max(1, len(codes) // 10)][:10]
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for code in sample:
            unit = code.split("-", 1)[0]
            if unit not in by_unit:
                continue
            lookup = {"madonvi": unit, "session": by_unit[unit], "service": "TraCuuHoSo"}
            reply = http.post(INTEGRATION, json={**lookup, "mahoso": code})
            assert reply.status_code == 200, f"{code}: {reply.status_code} {reply.text}"
            result = reply.json()["result"]
            assert len(result) == 1, f"{code}: acknowledged, but the restarted portal lacks it"


def _check_export(base_url: str, folder: Path) -> tuple[int, int]:
    """The journal over the operator API is NDJSON that `portalsim validate` reads (exit 0/1)."""
    export = folder / "journal.ndjson"
    with (
        httpx.Client(base_url=base_url, timeout=60) as http,
        http.stream(
            "GET", "/admin/journal", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        ) as reply,
    ):
        assert reply.status_code == 200
        with export.open("wb") as out:
            for chunk in reply.iter_bytes():
                out.write(chunk)
    lines = export.read_bytes().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids == sorted(set(ids)), "export ids not strictly increasing"
    out = io.StringIO()
    code = run(["validate", str(export), "--format", "json"], stdout=out, stderr=io.StringIO())
    # 0: no error finding, 1: some (the lenient load sends a few bad statuses); 2 is unreadable
    assert code in (0, 1), out.getvalue()[:500]
    assert json.loads(out.getvalue())["messages"] == len(lines)
    return len(lines), code
