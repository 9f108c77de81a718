"""The national scorecard as a table for the terminal, coloured by band when `colour` is on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from simulator.reports.model import Report, family_counts

__all__ = ["BASE_FAMILIES", "write_scorecard"]

#: the rule families always shown; others appear when they have findings
BASE_FAMILIES = ("HS", "TT", "NG", "ID", "LC", "SC")
#: 256-colour terminal codes of the bands
_ANSI = {"xanh": "38;5;34", "vàng": "38;5;220", "cam": "38;5;208", "đỏ": "38;5;196"}


def _paint(text: str, band: str) -> str:
    code = _ANSI.get(band)
    return f"\x1b[{code}m{text}\x1b[0m" if code else text


def write_scorecard(report: Report, out: TextIO, *, colour: bool = False) -> None:
    """One row per province: code, name, dossiers, messages, payments succeeded ("—": none
    created, not connected), findings per family, score, band; then totals and bands."""
    summary = report.summary()
    families = list(BASE_FAMILIES) + [
        f for f in report.families() if f in summary["by_family"] and f not in BASE_FAMILIES
    ]
    paint: Callable[[str, str], str] = _paint if colour else (lambda text, band: text)
    width = max(
        [len("tỉnh, thành / province")] + [len(c["province"]["name"]) for c in report.scorecards]
    )
    head = (
        f"{'mã':<3} {'tỉnh, thành / province':<{width}} {'hồ sơ':>6} {'t.điệp':>7} {'t.toán':>6} "
        + " ".join(f"{f:>4}" for f in families)
        + f" {'điểm':>6}  mức / band"
    )
    out.write(f"Bảng điểm quốc gia / national scorecard — {report.profile}\n{head}\n")
    out.write("─" * (len(head) + 6) + "\n")
    for card in report.scorecards:
        counts = family_counts(card)
        score = "—" if card["score"] is None else f"{card['score']:.1f}"
        cells = " ".join(f"{counts[f] or '·':>4}" for f in families)
        payments = card["payments"]
        paid = str(payments["succeeded"]) if payments["connected"] else "—"
        out.write(
            f"{card['province']['code']:<3} {card['province']['name']:<{width}} "
            f"{card['dossiers']['synced']:>6} {card['messages']:>7} {paid:>6} {cells} {score:>6}  "
            f"{paint(card['band'], card['band'])}\n"
        )
    bands = ", ".join(
        paint(f"{band} {count}", band) for band, count in summary["by_band"].items() if count
    )
    findings = summary["findings"]
    out.write(
        f"\n{summary['provinces']} tỉnh, thành / provinces: {bands}\n"
        f"{summary['messages']} thông điệp / messages, {summary['dossiers']} hồ sơ / dossiers; "
        f"phát hiện / findings: {findings['error']} lỗi (errors), "
        f"{findings['warning']} cảnh báo (warnings), {findings['info']} thông tin (info)\n"
    )
