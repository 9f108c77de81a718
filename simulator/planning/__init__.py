"""Capacity planning: the traffic a province's portal link must take, minute by minute.

The traffic model (issue 7, `portalsim plan model`) turns a province's annual dossier volume
into the expected arrival rate of each flow in every minute of any date range, from the
working-day calendar (holidays, day swaps, Tết), office hours, peak months, month and quarter
ends, and requests per dossier as the simulator sends them. Every multiplier is named, with
its source, in `factors.FACTOR_SOURCES`; docs/capacity-planning.md explains them.

>>> from datetime import date
>>> from simulator.planning import TrafficModel
>>> model = TrafficModel.from_province("49")          # Quảng Nam (former), now in Đà Nẵng
>>> need = model.peak("2026-03")
>>> need.weekday, need.minute.strftime("%Y-%m-%d %H:%M")
('Thứ Hai', '2026-03-30 09:00')
>>> rates = model.arrival_rates(date(2026, 3, 1), date(2026, 3, 31))
>>> len(rates), rates.flows[0]
(44640, 'dossier_sync')

API:

- `TrafficModel.from_province(code, annual_volume=None, *, factors=None, peak_months=None,
  peak_table=None, calendar=None)`: `code` is a GSO code of a current unit ("48") or a former
  province ("49"); raises `ProvinceNotFound` / `ModelInputError` (both `ValueError`).
- `model.arrival_rates(start: date, end: date) -> RateSeries`: per-minute rates from `start`
  00:00 to `end` 24:00, both days included, Vietnam time. `series.rates(flow)` and
  `series.total()` are requests per second per minute; `series.minute(i)` its start;
  `series.requests()` the expected total.
- `model.peak("YYYY-MM") -> PeakNeed`: the peak `minute` (aware datetime, Vietnam time) and its
  `rate` (requests per second across flows), `flows` (per-flow requests per second in that
  minute), `hour_start` / `hour_rate` (the busiest 60 consecutive minutes, mean requests per
  second), `working_days`, `dossiers`, `requests`, `weekday` (Vietnamese), `to_dict()`.
- `model.day_factors(day) -> DayFactors`: which named factors apply to a day, and why.
- `FLOWS`: dossier_sync, progress, lookup, payment, sso_login (`FLOW_MESSAGES` says what each
  sends); `flow_mix(profile)` the requests per dossier.
"""

from simulator.planning.factors import AFTERNOON_CURVE, FACTOR_SOURCES, MORNING_CURVE, Factors
from simulator.planning.flows import FLOW_MESSAGES, FLOWS, FlowMix, flow_mix
from simulator.planning.model import (
    FIRST_YEAR,
    LAST_YEAR,
    VIETNAMESE_WEEKDAYS,
    DayFactors,
    ModelInputError,
    PeakNeed,
    RateSeries,
    TrafficModel,
    lunar_new_year,
    parse_month,
)
from simulator.planning.province import (
    NATIONAL_ANNUAL_DOSSIERS,
    PeakMonths,
    PlanningProvince,
    ProvinceNotFound,
    bundled_peak_months,
    load_peak_months,
    resolve_province,
)

__all__ = [
    "AFTERNOON_CURVE",
    "FACTOR_SOURCES",
    "FIRST_YEAR",
    "FLOWS",
    "FLOW_MESSAGES",
    "LAST_YEAR",
    "MORNING_CURVE",
    "NATIONAL_ANNUAL_DOSSIERS",
    "VIETNAMESE_WEEKDAYS",
    "DayFactors",
    "Factors",
    "FlowMix",
    "ModelInputError",
    "PeakMonths",
    "PeakNeed",
    "PlanningProvince",
    "ProvinceNotFound",
    "RateSeries",
    "TrafficModel",
    "bundled_peak_months",
    "flow_mix",
    "load_peak_months",
    "lunar_new_year",
    "parse_month",
    "resolve_province",
]
