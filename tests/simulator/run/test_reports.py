"""Reports of a portal database: JSON, JUnit and one self-contained HTML page, each a pure
function of the database."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import orjson
import pytest

from contracts.profiles import load as load_profile
from mock_portal._portal import Portal
from simulator.domain import bundled_catalogue
from simulator.reports import (
    build_report,
    render_html,
    render_json,
    render_junit,
    store_run_metadata,
    write_scorecard,
)
from simulator.reports.gate import parse_gate
from simulator.run import Desk, LoadOptions, UnitSession, publish_step
from simulator.synthetic import (
    DossierFactory,
    ProvinceProfile,
    build_pools,
    dong_bo_ho_so,
    load_profile_set,
    names_from_catalogue,
)
from simulator.synthetic.province import vietnam_now
from tests.mock_portal.conftest import TestClient
from tests.simulator.run._portal import PASSWORD, AsgiPoster, portal_for

HOSTILE = '<script>alert("x")</script>'
PROFILES = load_profile_set("field-reports")


def _factory(profile: ProvinceProfile, seed: int) -> DossierFactory:
    return DossierFactory(profile, seed, pools=build_pools(profile.code, seed, people=20))


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """A portal after Lâm Đồng's faulty dossiers, Thanh Hóa's clean ones, and one message
    whose phone number is a script."""
    database = f"sqlite:///{tmp_path_factory.mktemp('portal')}/portal.db"
    portal = portal_for(database, PROFILES)
    client = TestClient(portal)
    desk = Desk(LoadOptions(PROFILES, rate=0.0, time_factor=1e12), factory=_factory)
    poster = AsgiPoster(client)
    for code in ("68", "38"):
        province = desk.provinces[code]
        unit = UnitSession(poster, province.profile.unit, PASSWORD)
        for _ in range(15):
            dossier = province.submit(0.0)
            assert dossier is not None
            publish_step(unit, dossier)
    thanh_hoa = desk.provinces["38"]
    unit = UnitSession(poster, thanh_hoa.profile.unit, PASSWORD)
    plan = _factory(thanh_hoa.profile, 9).plan(999, published=vietnam_now())
    body = dong_bo_ho_so(
        plan, 0, [plan.steps[0].at], unit.token(), known=False,
        names=names_from_catalogue(plan, bundled_catalogue()),
    )  # fmt: skip
    body["data"][0]["SoDienThoai"] = HOSTILE
    unit.call("/api/dvcqg/integration", body)
    client.close()
    yield portal
    portal.close()


def test_rendering_twice_gives_the_same_bytes(portal: Portal) -> None:
    """The reports are a pure function of the database."""
    profile = load_profile()
    first, second = build_report(portal.store, profile), build_report(portal.store, profile)
    assert render_json(first) == render_json(second)
    assert render_junit(first) == render_junit(second)
    assert render_html(first) == render_html(second)


def test_json_has_every_province_and_the_findings_by_rule(portal: Portal) -> None:
    """34 scorecards; the summary's rules are those with findings; examples name the message."""
    report = build_report(portal.store, load_profile())
    document = orjson.loads(render_json(report))
    assert len(document["scorecards"]) == 34
    assert document["verdict"] == "pass"
    by_rule = document["summary"]["by_rule"]
    assert {"HS-002", "ID-003"} <= set(by_rule)
    lam_dong = next(c for c in document["scorecards"] if c["province"]["code"] == "68")
    assert lam_dong["examples"]["HS-002"][0]["journal_id"] > 0
    assert document["run"] is None


def test_junit_has_a_case_per_province_and_rule(portal: Portal) -> None:
    """34 suites × the profile's rules; a case fails when the province has error findings of
    its rule, is skipped when nothing of the province was subject to it."""
    report = build_report(portal.store, load_profile())
    root = ET.fromstring(render_junit(report))
    suites = root.findall("testsuite")
    rules = len(list(load_profile().rules))
    assert len(suites) == 34
    assert all(len(suite.findall("testcase")) == rules for suite in suites)
    lam_dong = next(s for s in suites if s.get("name", "").startswith("68 "))
    failed = {
        case.get("name", "").split()[0]
        for case in lam_dong.iter("testcase")
        if case.find("failure") is not None
    }
    card = next(c for c in report.scorecards if c["province"]["code"] == "68")
    assert failed == {
        line["rule"] for line in card["rules"] if line["findings"] and line["severity"] == "error"
    }
    silent = next(s for s in suites if s.get("name", "").startswith("04 "))
    assert silent.get("skipped") == str(rules)
    assert int(root.get("failures", "0")) == sum(int(s.get("failures", "0")) for s in suites)


def test_html_is_self_contained_and_escapes_what_provinces_sent(portal: Portal) -> None:
    """No script, no external asset; a script sent as a phone number shows as text."""
    store = portal.store
    store_run_metadata(store, {"profiles": {"name": HOSTILE}, "load": {"series": []}})
    try:
        html = render_html(build_report(store, load_profile()))
    finally:
        store.set_setting("run_metadata", "null")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)
    assert "<link" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<svg") == 4


def test_a_gate_and_the_console_table(portal: Portal) -> None:
    """A broken gate makes the verdict fail; the table has a row per province and families."""
    gate = parse_gate(["max-errors=0"])
    report = build_report(portal.store, load_profile(), gate=gate)
    assert report.verdict == "fail"
    assert [str(b).split(" (")[0] for b in report.breaches] == ["all provinces: max-errors=0"]
    out = io.StringIO()
    write_scorecard(report, out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("68  Lâm Đồng") for line in lines)
    assert "HS   TT   NG   ID   LC   SC" in lines[1]
    assert "\x1b[" not in out.getvalue()
    assert sum(1 for line in lines if re.match(r"\d\d  ", line)) == 34
