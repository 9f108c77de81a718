"""How a conformance run reads the portal's journal (`PortalJournal`), against a stubbed
operator API: a mark is one small request, not a read of the journal so far."""

from __future__ import annotations

import httpx
import orjson
import pytest
import respx

from simulator.conform.journal import PortalJournal
from simulator.errors import InfrastructureError

PORTAL = "http://127.0.0.1:18080"


def _row(journal_id: int, kind: str = "DongBoHoSoMC") -> bytes:
    return orjson.dumps(
        {
            "id": journal_id,
            "kind": kind,
            "unit": "000.00.00.H56",
            "body": "{}",
            "status": 200,
            "accepted": True,
            "fault": None,
            "findings": [],
            "response": {"error_code": 0},
        }
    )


@respx.mock(base_url=PORTAL, assert_all_called=False)
def test_a_mark_asks_for_the_last_id_only(respx_mock: respx.MockRouter) -> None:
    last_id = respx_mock.get("/admin/journal/last-id").respond(json={"last_id": 120_000})
    export = respx_mock.get("/admin/journal").respond(content=b"")
    with httpx.Client() as client:
        journal = PortalJournal(client, PORTAL, "operator-token")
        assert journal.mark() == 120_000
    assert last_id.call_count == 1
    assert last_id.calls[0].request.headers["Authorization"] == "Bearer operator-token"
    assert export.call_count == 0  # a long journal is not downloaded to find its end


@respx.mock(base_url=PORTAL)
def test_wait_reads_what_came_after_the_mark(respx_mock: respx.MockRouter) -> None:
    answers = iter([_row(121), _row(121) + b"\n" + _row(122, "CapNhatTienDoHoSoMC")])
    export = respx_mock.get("/admin/journal", params={"since_id": "120"}).mock(
        side_effect=lambda request: httpx.Response(200, content=next(answers))
    )
    with httpx.Client() as client:
        journal = PortalJournal(client, PORTAL, "t")
        found, rows = journal.wait(120, lambda rows: len(rows) == 2, limit_s=5)
    assert found
    assert [row.id for row in rows] == [121, 122]
    assert export.call_count == 2


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (httpx.Response(200, json={"last": 3}), "gave no last journal id"),
        (httpx.Response(200, content=b"<html>"), "gave no last journal id"),
        (httpx.Response(200, json={"last_id": True}), "gave no last journal id"),
        (httpx.Response(401), "refused the operator token"),
        (httpx.Response(500), r"journal \(/admin/journal/last-id\) answered HTTP 500"),
    ],
)
def test_a_portal_that_gives_no_mark_is_an_infrastructure_error(
    answer: httpx.Response, problem: str
) -> None:
    with respx.mock(base_url=PORTAL) as stub, httpx.Client() as client:
        stub.get("/admin/journal/last-id").mock(return_value=answer)
        with pytest.raises(InfrastructureError, match=problem):
            PortalJournal(client, PORTAL, "t").mark()


@respx.mock(base_url=PORTAL)
def test_a_portal_without_the_route_is_read_to_its_end(respx_mock: respx.MockRouter) -> None:
    """A portal of an older portalsim answers 404: the mark is the last row of its journal."""
    respx_mock.get("/admin/journal/last-id").respond(404, json={"error_code": 3})
    respx_mock.get("/admin/journal", params={"since_id": "0"}).respond(
        content=_row(7) + b"\n" + _row(9) + b"\n"
    )
    with httpx.Client() as client:
        assert PortalJournal(client, PORTAL, "t").mark() == 9
