"""`portalsim verify`: a whole portal database passes, a damaged one fails naming the damage,
and what is not a portal database is a clear error, on both backends."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from mock_portal._portal import Portal
from simulator.cli import run
from tests.mock_portal._client import INTEGRATION, body, login
from tests.mock_portal.conftest import TestClient

CODE = "000.00.14.H56-260302-0001"


def _verify(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["verify", *arguments], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _traffic(client: TestClient) -> None:
    session = login(client)
    assert client.post(INTEGRATION, json=body("dongbo", session)).status_code == 200
    answer = client.post(
        INTEGRATION,
        json=body("capnhat", session, data_TrangThai="4", data_ThoiDiemXuLy="20260302090000"),
    )
    assert answer.status_code == 200


def test_a_whole_database_passes(portal_client: tuple[Portal, TestClient]) -> None:
    portal, client = portal_client
    _traffic(client)
    code, out, _err = _verify("--database", portal.database_url)
    assert code == 0
    assert "nguyên vẹn / whole: 3 thông điệp / messages journaled, 1 hồ sơ / dossiers" in out
    assert out.rstrip().endswith("(exit 0)")


def test_a_damaged_database_fails_and_says_where(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """A dossier row changed behind the journal's back (a restore from the wrong backup)."""
    portal, client = portal_client
    _traffic(client)
    portal.store._db.execute("UPDATE dossiers SET status = '10' WHERE code = ?", (CODE,))
    code, out, _err = _verify("--database", portal.database_url)
    assert code == 1
    assert "KHÔNG nguyên vẹn / NOT whole" in out
    assert f"✗ dossier {CODE}: status is '10', the journal says '4'" in out
    assert out.rstrip().endswith("(exit 1)")


def test_no_such_file_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = _verify("--database", str(tmp_path / "missing.sqlite3"))
    assert (code, out) == (2, "")
    assert "missing.sqlite3: no such database file" in err


def test_a_database_that_is_not_a_portals_is_a_usage_error(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).close()
    code, _out, err = _verify("--database", str(other))
    assert code == 2
    assert "not a portalsim database of this version" in err
    assert "portalsim serve --database" in err


def test_a_url_of_no_known_database_is_a_usage_error() -> None:
    code, _out, err = _verify("--database", "mysql://portal@127.0.0.1/portal")
    assert code == 2
    assert "scheme 'mysql' is neither sqlite nor postgresql" in err


def test_an_unreachable_server_is_exit_4() -> None:
    code, _out, err = _verify("--database", "postgresql://portalsim@127.0.0.1:9/none")
    assert code == 4
    assert "127.0.0.1" in err
    assert "Traceback" not in err
