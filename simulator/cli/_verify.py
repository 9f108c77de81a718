"""`portalsim verify --database URL`: is a portal database whole, after whatever happened to it?"""

from __future__ import annotations

import click

from mock_portal.replay import check_store
from simulator.cli._database import open_portal_database
from simulator.cli._streams import stdout
from simulator.errors import EXIT_GATE_FAILED, EXIT_PASS

__all__ = ["verify_command"]


@click.command("verify")
@click.option(
    "--database",
    required=True,
    help="The portal's database: a SQLite file, sqlite:///PATH, or a postgresql:// URL.",
)
def verify_command(database: str) -> int:
    """Check a portal database: the database's own integrity check, every journal entry's
    findings, and every dossier row and status event against a replay of the journal.

    \b
    For after a crash, a full disk or a restore: every message the portal acknowledged is
    in the journal, and the dossiers are what the journal says they are.
    Exit 0: whole · 1: problems found (listed) · 2: no such file, or not a portalsim database of
    this version · 4: the database cannot be reached or read.
    """
    out = stdout()
    with open_portal_database(database) as store:
        problems, replay = check_store(store)
        shown = store.url
    if problems or replay is None:
        out.write(f"portalsim verify — {shown}: KHÔNG nguyên vẹn / NOT whole\n")
        for problem in problems:
            out.write(f"  ✗ {problem}\n")
        out.write("Kết quả / result: KHÔNG ĐẠT / FAIL (exit 1)\n")
        return EXIT_GATE_FAILED
    out.write(
        f"portalsim verify — {shown}: nguyên vẹn / whole: {replay.entries} thông điệp / "
        f"messages journaled, {len(replay.dossiers)} hồ sơ / dossiers agree with them (exit 0)\n"
    )
    return EXIT_PASS
