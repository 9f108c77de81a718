"""The dashboard in a real headless Chromium: what an operator sees, live, and nothing runs
that a province sent. Each test leaves a screenshot in reports/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from mock_portal.store import Store
from tests.mock_portal.dashboard._seed import (
    EXPECTED_BANDS,
    FINDING_PATH,
    HOSTILE,
    HOSTILE_PROVINCE,
    NO_DATA,
    message,
)
from tests.mock_portal.dashboard.conftest import VIEWER_TOKEN, ServedPortal

TIMEOUT_MS = 10_000
#: the hostile dossier code as the JSON view shows it
AS_JSON = orjson.dumps(HOSTILE).decode()


@pytest.fixture
def page(browser: Any, served: ServedPortal) -> Iterator[Any]:
    """A fresh browser context logged in with the viewer token; every dialog is recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{served.url}/?token={VIEWER_TOKEN}")
    page.wait_for_url(f"{served.url}/")
    page.wait_for_selector("table#scorecards tbody tr")
    try:
        yield page
    finally:
        context.close()


def _shot(page: Any, folder: Path, name: str) -> None:
    path = folder / f"dashboard-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")  # noqa: T201 - the artifact's path, for whoever reads the log


def test_national_view_lists_34_provinces_with_the_bands_of_the_data(
    page: Any, screenshots: Path
) -> None:
    """34 rows; the four provinces with traffic in the bands their messages imply, the rest
    without data; the token left the address bar."""
    rows = page.locator("table#scorecards tbody tr")
    assert rows.count() == 34
    bands = dict(
        page.eval_on_selector_all(
            "table#scorecards tbody tr",
            "rows => rows.map(r => [r.dataset.province, r.querySelector('.band').dataset.band])",
        )
    )
    assert len(bands) == 34
    assert {code: band for code, band in bands.items() if band != NO_DATA} == EXPECTED_BANDS
    assert VIEWER_TOKEN not in page.url
    _shot(page, screenshots, "national")


def test_national_view_sorts_and_filters(page: Any) -> None:
    """A click on the score heading sorts (twice: best first); typing a name without its
    accents and picking a band filter the rows."""
    score = page.locator("table#scorecards th[data-key=score]")
    score.click()
    score.click()
    assert score.get_attribute("aria-sort") == "descending"
    first = page.locator("table#scorecards tbody tr").first
    assert first.get_attribute("data-province") == "38"
    page.fill("#filter-text", "da nang")
    visible = page.locator("table#scorecards tbody tr:visible")
    assert visible.count() == 1
    assert visible.first.get_attribute("data-province") == "48"
    page.fill("#filter-text", "")
    page.select_option("#filter-band", "vàng")
    assert [row.get_attribute("data-province") for row in visible.all()] == ["01"]


def test_province_page_highlights_the_offending_field_and_runs_nothing(
    page: Any, served: ServedPortal, screenshots: Path
) -> None:
    """Đà Nẵng's HS-001 finding: its clause and hint, and the message with the dossier code
    highlighted; the script in that code is shown as text and never runs."""
    page.click(f"table#scorecards a[href='/dashboard/provinces/{HOSTILE_PROVINCE}']")
    page.wait_for_selector("section#rule-HS-001")
    section = page.locator("section#rule-HS-001")
    assert "Điều" in section.locator("dl").inner_text()  # the rule's clause
    mark = section.locator("details[open] mark.hl").first
    assert mark.get_attribute("data-path") == FINDING_PATH
    assert mark.inner_text() == AS_JSON
    assert mark.is_visible()
    assert page.locator("#lifecycle tr[data-status='2']").count() == 1
    assert "Được tiếp nhận" in page.locator("#lifecycle").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("main img").count() == 0
    assert page.dialogs == []
    _shot(page, screenshots, "province")

    page.click("section#rule-HS-001 h3 a")
    page.wait_for_selector("#rule-provinces")
    failing = page.eval_on_selector_all(
        "#rule-provinces tbody tr.fail", "rows => rows.map(r => r.dataset.province)"
    )
    assert sorted(failing) == ["01", "48", "79"]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    _shot(page, screenshots, "rule")

    page.goto(f"{served.url}/dashboard/messages/{_hostile_message(served)}")
    assert page.locator("mark.hl").first.inner_text() == AS_JSON
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    _shot(page, screenshots, "message")


def _hostile_message(served: ServedPortal) -> int:
    rows = served.portal.store.findings(province=HOSTILE_PROVINCE, limit=1)
    return rows[0].journal_id


def test_english_toggle(page: Any, screenshots: Path) -> None:
    """The language link switches the page to English (and keeps it), and back."""
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "34 tỉnh" in page.locator("h1").inner_text()
    page.click("#language")
    page.wait_for_selector("html[lang=en]")
    assert "34 provinces" in page.locator("h1").inner_text()
    assert "xanh (green)" in page.locator("table#scorecards").inner_text()
    page.goto(page.url.split("?")[0])  # the choice is remembered without ?lang
    assert page.locator("html").get_attribute("lang") == "en"
    _shot(page, screenshots, "national-en")
    page.click("#language")
    page.wait_for_selector("html[lang=vi]")


def test_login_form(browser: Any, served: ServedPortal) -> None:
    """Without a token the dashboard asks for one; a wrong one is refused, a viewer's opens."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{served.url}/")
        page.fill("input[name=token]", "not-a-token-at-all")
        page.click("button[type=submit]")
        page.wait_for_selector("#login-error")
        page.fill("input[name=token]", VIEWER_TOKEN)
        page.click("form[action='/dashboard/login'] button[type=submit]")
        page.wait_for_selector("table#scorecards")
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        session = cookies["portalsim_dashboard"]
        assert session["httpOnly"] is True
        assert session["sameSite"] == "Strict"
        assert page.evaluate("document.cookie").find("portalsim_dashboard") < 0
    finally:
        context.close()


def test_live_update_shows_a_new_finding_without_a_reload(
    page: Any, served: ServedPortal, screenshots: Path
) -> None:
    """Thanh Hóa's page has no findings; a message with a TT-001 finding arrives and its
    section appears, on the same document (no reload)."""
    page.goto(f"{served.url}/dashboard/provinces/38")
    page.wait_for_selector("#no-findings")
    page.wait_for_selector("#live-status.on")
    page.evaluate("window.__sameDocument = 'yes'")
    writer = Store.open(served.database_url)
    try:
        writer.write_batch([message("38", 99, bad=True, rule="TT-001")])
    finally:
        writer.close()
    page.wait_for_selector("section#rule-TT-001 mark.hl")
    assert page.evaluate("window.__sameDocument") == "yes"
    assert page.locator("#no-findings").count() == 0
    _shot(page, screenshots, "live")
