"""The shared HTML components: escaping, highlighting, Vietnamese numbers and dates."""

from __future__ import annotations

from datetime import UTC, datetime

from mock_portal.ui import (
    band_badge,
    format_datetime,
    format_number,
    format_vnd,
    json_view,
    page,
    parse_path,
    resolves,
    scorecard_table,
    status_label,
)

SCRIPT = "<script>alert(1)</script>"


def test_numbers_and_dates_in_vietnamese_conventions() -> None:
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(1234567) == "1.234.567"
    assert format_number(1234.5, 1, lang="en") == "1,234.5"
    assert format_number(None) == "—"
    assert format_vnd(500000) == "500.000 ₫"
    assert format_datetime(datetime(2026, 3, 2, 1, 5, tzinfo=UTC)) == "02/03/2026 08:05"


def test_json_view_highlights_the_path_and_escapes_everything() -> None:
    """The node at the finding's path is marked; keys and values are text."""
    document = {"data": [{"MaHoSo": SCRIPT, SCRIPT: 1}], "n": None}
    html = str(json_view(document, ["$.data[0].MaHoSo"]))
    assert "<script>" not in html
    assert '<mark class="hl" data-path="$.data[0].MaHoSo">' in html
    assert html.count("<mark") == 1
    assert "&lt;script&gt;" in html


def test_paths() -> None:
    assert parse_path("$.data[0].MaHoSo") == ("data", 0, "MaHoSo")
    assert parse_path("$") == ()
    assert parse_path("data.x") is None
    assert resolves({"a": [1, {"b": 2}]}, "$.a[1].b")
    assert not resolves({"a": [1]}, "$.a[3]")
    # a path that does not resolve marks nothing (and breaks nothing)
    assert "<mark" not in str(json_view({"a": 1}, ["$.b", "not a path"]))


def test_scorecard_table_escapes_names_and_carries_sort_keys() -> None:
    card = {
        "province": {"code": "38", "agency_code": "H56", "name": SCRIPT},
        "score": 95.5,
        "band": "xanh",
        "scored": 10,
        "messages": 10,
        "dossiers": {"synced": 1234},
        "late_status_updates": 0,
        "wrong_dossier_codes": 2,
        "wrong_procedure_codes": 0,
        "payments": {"connected": True, "transactions": 3, "succeeded": 2, "paid_amount": 1},
        "rules": [],
        "sso": {"exchanges": 4, "failed": 1},
    }
    html = str(scorecard_table([card], province_href=lambda code: f"/p/{code}"))
    assert "<script>" not in html
    assert 'data-band="xanh"' in html
    assert 'data-sort="95.5">95,5<' in html
    assert ">1.234<" in html
    assert ">2 / 3<" in html  # payments: paid of created
    assert ">3 / 4<" in html  # SSO: exchanges without an error of all
    assert '<a href="/p/38">' in html


def test_badges_labels_and_the_page_shell() -> None:
    assert 'class="band band-red"' in str(band_badge("đỏ"))
    assert "đỏ (red)" in str(band_badge("đỏ", "en"))
    assert status_label("6") == "Yêu cầu thực hiện nghĩa vụ tài chính"
    document = str(page(SCRIPT, "<p>x</p>"))
    assert "<title>&lt;script&gt;" in document
    assert "<style>" in document  # single-file pages inline the stylesheet
    linked = str(page("t", "", stylesheet_href="/s.css"))
    assert '<link rel="stylesheet" href="/s.css">' in linked
