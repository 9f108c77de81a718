"""The traffic model's totals reconcile with the annual volume; its API's ranges and errors."""

from __future__ import annotations

from datetime import date

import pytest

from simulator.domain import bundled_calendar
from simulator.planning import (
    FLOWS,
    NATIONAL_ANNUAL_DOSSIERS,
    Factors,
    ModelInputError,
    ProvinceNotFound,
    TrafficModel,
    parse_month,
)

VOLUME = 1_000_000.0
#: every factor neutral: traffic spread evenly over working days
NEUTRAL = Factors(
    peak_month=1, month_end=1, quarter_end=1, tet_lull=1, post_tet_rush=1, monday_morning=1
)


def working_days(year: int, month: int | None = None) -> int:
    calendar = bundled_calendar()
    first = date(year, month or 1, 1)
    last = date(year + (month or 12) // 12, (month or 12) % 12 + 1, 1)
    return sum(
        calendar.is_working_day(date.fromordinal(o))
        for o in range(first.toordinal(), last.toordinal())
    )


def test_year_total_is_the_annual_volume() -> None:
    """The dossier rates of a year add up to its annual volume, whatever the factors."""
    model = TrafficModel.from_province("49", VOLUME)
    year = model.arrival_rates(date(2026, 1, 1), date(2026, 12, 31))
    assert sum(year.dossiers) * 60 == pytest.approx(VOLUME, rel=1e-9)
    per_dossier = sum(model.mix.per_dossier.values())
    assert year.requests() == pytest.approx(VOLUME * per_dossier, rel=1e-9)


@pytest.mark.parametrize("month", ["2026-02", "2026-03", "2026-07", "2026-12"])
def test_month_total_is_its_share_of_working_days(month: str) -> None:
    """With neutral factors, a month gets volume × its working days / the year's."""
    model = TrafficModel.from_province("49", VOLUME, factors=NEUTRAL)
    year, number = parse_month(month)
    need = model.peak(month)
    expected = VOLUME * working_days(year, number) / working_days(year)
    assert need.working_days == working_days(year, number)
    assert need.dossiers == pytest.approx(expected, rel=1e-9)


def test_ordinary_month_near_its_share_with_default_factors() -> None:
    """With the default factors an ordinary month stays within 15 % of its working-day share."""
    model = TrafficModel.from_province("38", VOLUME)
    need = model.peak("2026-07")
    share = VOLUME * working_days(2026, 7) / working_days(2026)
    assert need.dossiers == pytest.approx(share, rel=0.15)


def test_default_volume_is_the_domain_share() -> None:
    """Without a volume, the model takes domain.md §10's national figure times the share."""
    model = TrafficModel.from_province("49")
    assert model.annual_volume == pytest.approx(NATIONAL_ANNUAL_DOSSIERS * model.province.share)
    assert 0 < model.province.share < 0.05


def test_rates_per_flow_per_minute() -> None:
    """arrival_rates covers every minute of the range; flows are the dossier rate × per dossier."""
    model = TrafficModel.from_province("48", VOLUME)
    series = model.arrival_rates(date(2026, 3, 2), date(2026, 3, 3))
    assert len(series) == 2 * 1440
    assert series.flows == FLOWS
    assert series.minute(0).isoformat() == "2026-03-02T00:00:00+07:00"
    index = 9 * 60
    for flow in FLOWS:
        expected = series.dossiers[index] * model.mix.per_dossier[flow]
        assert series.rates(flow)[index] == pytest.approx(expected)
    assert series.total()[index] == pytest.approx(sum(series.rates(f)[index] for f in FLOWS))


def test_deterministic() -> None:
    """Two models of the same inputs give the same rates, bit for bit."""
    first = TrafficModel.from_province("48", VOLUME).arrival_rates(
        date(2026, 2, 1), date(2026, 2, 28)
    )
    second = TrafficModel.from_province("48", VOLUME).arrival_rates(
        date(2026, 2, 1), date(2026, 2, 28)
    )
    assert first.dossiers == second.dossiers


def test_peak_need_fields() -> None:
    """PeakNeed names the minute, its rate across flows, the flows, the peak hour."""
    need = TrafficModel.from_province("49").peak("2026-03")
    assert need.province_name == "Quảng Nam"
    assert need.minute.isoformat() == "2026-03-30T09:00:00+07:00"
    assert need.weekday == "Thứ Hai"
    assert need.rate == pytest.approx(sum(need.flows.values()))
    assert 0 < need.hour_rate <= need.rate
    assert need.hour_start <= need.minute < need.hour_start.replace(hour=need.hour_start.hour + 1)
    assert set(need.to_dict()) >= {"peak_minute", "peak_rate_rps", "peak_hour_rate_rps"}


BAD_MONTHS = ["2026-3", "2026-13", "2026-00", "26-03", "2026/03", "March", "", "2026-03-01",
              "２０２６-03", "2019-12", "2101-01"]  # fmt: skip


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_bad_months_are_refused(month: str) -> None:
    """A malformed month or one outside the calendar's years is a ModelInputError."""
    with pytest.raises(ModelInputError):
        parse_month(month)


@pytest.mark.parametrize("code", ["99", "00", "abc", "H26", "-1", "1234", ""])
def test_unknown_province(code: str) -> None:
    """A code of no unit and no former province is refused."""
    with pytest.raises(ProvinceNotFound):
        TrafficModel.from_province(code)


@pytest.mark.parametrize("volume", [-1.0, 0.0, float("nan"), float("inf")])
def test_bad_volume(volume: float) -> None:
    """A volume that is not a positive finite number is refused."""
    with pytest.raises(ModelInputError):
        TrafficModel.from_province("48", volume)


def test_former_and_current_codes() -> None:
    """1 is Hà Nội (a unit); 49 is Quảng Nam, a former province now in Đà Nẵng."""
    assert TrafficModel.from_province("1").province.name == "Hà Nội"
    former = TrafficModel.from_province("49").province
    assert former.former
    assert "Đà Nẵng" in former.label
