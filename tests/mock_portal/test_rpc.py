"""The integration RPC as a province sees it: answers, storage, strict and lenient checking."""

from __future__ import annotations

import io
import json
from pathlib import Path

from mock_portal._portal import Portal
from simulator.cli import run
from tests.mock_portal._client import INTEGRATION, SHARE, body, login
from tests.mock_portal.conftest import PortalFactory, TestClient


def test_dossier_sync_is_acknowledged_with_numeric_zero(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """A valid DongBoHoSoMC answers error_code 0 as a number and the dossier is stored."""
    portal, client = portal_client
    session = login(client)
    response = client.post(INTEGRATION, json=body("dongbo", session))
    assert response.status_code == 200
    assert response.json()["error_code"] == 0
    assert not response.content.startswith(b"\xef\xbb\xbf")
    stored = portal.store.get_dossier("000.00.14.H56-260302-0001")
    assert stored is not None
    assert stored.status == "2"
    assert stored.unit == "000.00.00.H56"


def test_lookup_answers_from_stored_state(portal_client: tuple[Portal, TestClient]) -> None:
    """TraCuuHoSo: an empty array before the sync, the dossier with its status after."""
    _portal, client = portal_client
    session = login(client)
    before = client.post(INTEGRATION, json=body("tracuu", session)).json()
    client.post(INTEGRATION, json=body("dongbo", session))
    client.post(INTEGRATION, json=body("capnhat", session))
    after = client.post(INTEGRATION, json=body("tracuu", session)).json()
    assert before["error_code"] == 0
    assert before["result"] == []
    assert after["result"][0]["MaHoSo"] == "000.00.14.H56-260302-0001"
    assert after["result"][0]["TrangThaiHoSo"] == "4"


def test_procedure_lookup_on_the_integration_endpoint(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """LayThuTuc with key maTTHC answers a record with a non-empty LINHVUCTHUCHIEN."""
    _portal, client = portal_client
    session = login(client)
    answer = client.post(INTEGRATION, json=body("laythutuc", session)).json()
    record = answer["result"][0]
    assert answer["error_code"] == 0
    assert record["TENTTHC"].startswith("Chứng thực bản sao")
    assert record["LINHVUCTHUCHIEN"][0]["MALINHVUC"]


def test_unknown_procedure_is_a_numeric_refusal(portal_client: tuple[Portal, TestClient]) -> None:
    """LayThuTuc for a code nobody published answers a numeric non-zero error_code."""
    _portal, client = portal_client
    session = login(client)
    answer = client.post(INTEGRATION, json=body("laythutuc", session, maTTHC="9.999999")).json()
    assert isinstance(answer["error_code"], int)
    assert answer["error_code"] != 0


def test_catalogue_services_on_the_share_endpoint(portal_client: tuple[Portal, TestClient]) -> None:
    """Each catalogue service answers error_code 0 with its list from the catalogue in use."""
    _portal, client = portal_client
    session = login(client)
    envelope = {"session": session, "madonvi": "000.00.00.H56"}
    answers = {
        service: client.post(SHARE, json={**envelope, "service": service}).json()
        for service in ("LayDanhSachTTHC", "LayDanhMucCoQuan", "LayDanhMucLinhVuc", "LayDVC")
    }
    assert all(answer["error_code"] == 0 for answer in answers.values())
    assert any(p["MATTHC"] == "2.000815" for p in answers["LayDanhSachTTHC"]["result"])
    agencies = {a["MADONVI"] for a in answers["LayDanhMucCoQuan"]["result"]}
    assert "000.00.00.H56" in agencies
    assert all(code.endswith(".H56") for code in agencies)
    assert answers["LayDVC"]["result"]["data"][0]["MADVC"].endswith(".000.00.00.H56")


def test_lenient_mode_stores_and_records_findings(portal_client: tuple[Portal, TestClient]) -> None:
    """Lenient: a wrong dossier-code date is accepted, stored, and its finding kept."""
    portal, client = portal_client
    session = login(client)
    wrong = body("dongbo", session, data_MaHoSo="000.00.14.H56-260303-0007")
    response = client.post(INTEGRATION, json=wrong)
    assert response.json()["error_code"] == 0
    assert portal.store.get_dossier("000.00.14.H56-260303-0007") is not None
    assert [row.rule for row in portal.store.findings(rule="HS-002")] == ["HS-002"]


def test_strict_mode_refuses_naming_rule_path_and_value(make_portal: PortalFactory) -> None:
    """Strict: the same message is refused with each rule, path and value; nothing is stored."""
    portal, client = make_portal(mode="strict")
    session = login(client)
    wrong = body("dongbo", session, data_MaHoSo="000.00.14.H56-260303-0007")
    answer = client.post(INTEGRATION, json=wrong).json()
    assert answer["error_code"] == 1
    assert {"rule": "HS-002", "path": "$.data[0].MaHoSo", "value": "000.00.14.H56-260303-0007"} in [
        {key: finding[key] for key in ("rule", "path", "value")} for finding in answer["findings"]
    ]
    assert portal.store.get_dossier("000.00.14.H56-260303-0007") is None
    assert portal.store.journal_count(accepted=False) == 1
    assert [row.rule for row in portal.store.findings(rule="HS-002")] == ["HS-002"]


def test_strict_mode_accepts_a_correct_flow_with_warnings(make_portal: PortalFactory) -> None:
    """Strict mode refuses only error-severity findings: the OpenCPS flow goes through."""
    portal, client = make_portal(mode="strict")
    session = login(client)
    for message in (
        body("tracuu", session),
        body("laythutuc", session),
        body("dongbo", session),
        body("capnhat", session, data_TrangThai="2", data_ThoiDiemXuLy="20260302083015"),
    ):
        assert client.post(INTEGRATION, json=message).json()["error_code"] == 0
    assert portal.store.findings() == []


def test_progress_update_right_after_sync_sees_the_dossier(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """Group commit never hides a dossier from the next message: no LC-001 for a quick update."""
    portal, client = portal_client
    session = login(client)
    client.post(INTEGRATION, json=body("dongbo", session))
    client.post(INTEGRATION, json=body("capnhat", session))
    assert portal.store.findings(rule="LC-001") == []
    assert portal.store.dossier_status_counts() == {"4": 1}


def test_journal_keeps_bodies_byte_exact(portal_client: tuple[Portal, TestClient]) -> None:
    """The journal stores the body as sent, NFD Vietnamese included; validate reads the export."""
    portal, client = portal_client
    session = login(client)
    message = body("dongbo", session, data_ChuHoSo="Nguye\u0302\u0303n Va\u0306n An")
    raw = json.dumps(message, ensure_ascii=False).encode("utf-8")
    client.post(INTEGRATION, content=raw, headers={"Content-Type": "application/json"})
    entries = list(portal.store.iter_journal())
    # …but the session, a credential, is masked (tests/mock_portal/security/test_secrets.py)
    assert entries[-1].body == raw.replace(session.encode(), b"***")
    assert [row.rule for row in portal.store.findings(rule="ID-005")] == ["ID-005"]


def test_journal_export_validates_to_the_same_findings(
    portal_client: tuple[Portal, TestClient], tmp_path: object
) -> None:
    """The NDJSON export is a capture `portalsim validate` reads, with the portal's findings."""
    portal, client = portal_client
    session = login(client)
    client.post(INTEGRATION, json=body("dongbo", session))
    client.post(INTEGRATION, json=body("capnhat", session, data_TrangThai="10"))
    export = tmp_path / "journal.ndjson"  # type: ignore[operator]
    with export.open("wb") as handle:
        portal.store.export_ndjson(handle)
    out = io.StringIO()
    code = run(["validate", str(export), "--format", "json"], stdout=out, stderr=io.StringIO())
    offline = sorted(f["rule"] for f in json.loads(out.getvalue())["findings"])
    online = sorted(row.rule for row in portal.store.findings())
    assert code == 1
    assert offline == online == ["LC-004"]


def _schema_case(kind: str) -> dict[str, object]:
    cases = json.loads(
        (Path(__file__).parents[1] / "contracts" / "cases" / "schemas" / f"{kind}.json").read_text(
            encoding="utf-8"
        )
    )
    valid: dict[str, object] = next(test["data"] for test in cases["tests"] if test["valid"])
    return valid


def test_status_of_a_portal_filed_dossier_and_monthly_ratings_are_accepted(
    portal_client: tuple[Portal, TestClient],
) -> None:
    """DongBoTrangThaiHoSo and DongBoDanhGia answer error_code 0 and are journaled."""
    portal, client = portal_client
    session = login(client)
    for kind in ("DongBoTrangThaiHoSo", "DongBoDanhGia"):
        message = dict(_schema_case(kind), session=session)
        assert client.post(INTEGRATION, json=message).json()["error_code"] == 0
    assert portal.store.journal_count(kind="DongBoDanhGia") == 1
    assert portal.store.journal_count(kind="DongBoTrangThaiHoSo") == 1
