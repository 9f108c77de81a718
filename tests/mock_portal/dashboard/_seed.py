"""A portal database with known traffic: four provinces, one in each band, the rest silent.

Each province sends ten DongBoHoSoMC messages; some carry an error finding. The score is the
share of messages without one, so the bands follow from the plan alone: 10 clean → 100 (xanh),
8 → 80 (vàng), 6 → 60 (cam), 2 → 20 (đỏ). Đà Nẵng's bad messages carry a script in their
dossier code, the value their finding blames.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import orjson

from contracts import DossierState, Finding, Severity
from mock_portal.store import VIETNAM, MessageRecord, Store
from simulator.domain import bundled_provinces

T0 = datetime(2026, 3, 2, 8, 15, tzinfo=VIETNAM)
MESSAGES = 10
#: GSO code → messages with an error finding (of MESSAGES)
PLAN = {"38": 0, "01": 2, "79": 4, "48": 8}
EXPECTED_BANDS = {"38": "xanh", "01": "vàng", "79": "cam", "48": "đỏ"}
NO_DATA = "chưa có dữ liệu"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
HOSTILE_PROVINCE = "48"
FINDING_PATH = "$.data[0].MaHoSo"
HINT = "dùng mã hồ sơ theo Điều 19"


def unit_of(province: str) -> str:
    found = bundled_provinces().by_code(province)
    assert found is not None
    return f"000.00.00.{found.agency_code}"


def body(unit: str, number: int, dossier_code: str | None = None) -> dict[str, Any]:
    return {
        "madonvi": unit,
        "service": "DongBoHoSoMC",
        "data": [
            {
                "MaHoSo": dossier_code or f"{unit}-260302-{number:04d}",
                "MaTTHC": "2.000815",
                "ChuHoSo": "Nguyễn Văn An",
                "TrangThaiHoSo": "2",
            }
        ],
    }


def message(
    province: str,
    number: int,
    *,
    bad: bool,
    rule: str = "HS-001",
    at: datetime | None = None,
) -> MessageRecord:
    unit = unit_of(province)
    hostile = bad and province == HOSTILE_PROVINCE
    code = HOSTILE if hostile else (f"{unit}-2603-{number}" if bad else None)
    document = body(unit, number, code)
    findings = (
        [Finding(rule, Severity.ERROR, 0, FINDING_PATH, document["data"][0]["MaHoSo"], HINT)]
        if bad
        else []
    )
    good_code = f"{unit}-260302-{number:04d}"
    states = (
        []
        if bad
        else [
            DossierState(
                code=good_code,
                unit=unit,
                status="2" if number % 2 else "4",
                procedure="2.000815",
                applicant="Nguyễn Văn An",
                received_at=T0,
                due_at=T0 + timedelta(days=3),
                last_event_at=T0,
                has_extension=False,
            )
        ]
    )
    return MessageRecord(
        received_at=at or T0 + timedelta(seconds=number * 7),
        unit=unit,
        province=province,
        kind="DongBoHoSoMC",
        method="POST",
        path="/api/dvcqg/integration",
        headers={"content-type": "application/json"},
        body=orjson.dumps(document),
        status_code=200,
        response='{"error_code":0}',
        accepted=not bad,
        fault="latency:120ms" if number == 3 else None,
        findings=findings,
        dossier_states=states,
    )


def seed(store: Store) -> None:
    """The plan's messages, in one batch per province."""
    for province, bad in PLAN.items():
        store.write_batch(
            [message(province, number, bad=number < bad) for number in range(MESSAGES)]
        )
