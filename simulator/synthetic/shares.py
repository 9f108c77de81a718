"""Each province's share of national dossier volume: how the bundled profile sets were weighted.

domain.md §10 gives national totals and one assumption for the skew: Hà Nội and Thành phố Hồ Chí
Minh together carry about 30 % of the volume. No per-province figures were found, so the rest
(70 %) is split in proportion to population. **Assumption:** the populations below are rounded
estimates of 2023 (millions) from memory of the GSO yearbook, not a cited figure; they only need
to be plausible. The two big cities split their 30 % by population too.

The bundled TOML sets list the resulting shares explicitly (so a user edits numbers, not code);
`tests/simulator/synthetic` checks they equal `population_shares` here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from simulator.domain.provinces import FORMER_PROVINCES, PROVINCES_2025

__all__ = ["BIG_CITIES_SHARE", "POPULATION_2023", "population_shares", "unit_population"]

#: Combined share of Hà Nội and TP.HCM (domain.md §10: "assume Hà Nội + TP.HCM ≈ 30 %").
BIG_CITIES_SHARE = 0.30
_BIG_CITIES = frozenset({"01", "79"})

#: Population (millions, rounded, ~2023) of the former 63 provinces by GSO code. Assumption.
POPULATION_2023: Mapping[str, float] = {
    "01": 8.59, "02": 0.90, "04": 0.54, "06": 0.32, "08": 0.80, "10": 0.77, "11": 0.64,
    "12": 0.48, "14": 1.29, "15": 0.84, "17": 0.88, "19": 1.34, "20": 0.80, "22": 1.38,
    "24": 1.92, "25": 1.51, "26": 1.20, "27": 1.49, "30": 1.95, "31": 2.10, "33": 1.30,
    "34": 1.88, "35": 0.88, "36": 1.89, "37": 1.02, "38": 3.76, "40": 3.44, "42": 1.32,
    "44": 0.92, "45": 0.65, "46": 1.16, "48": 1.22, "49": 1.52, "51": 1.25, "52": 1.50,
    "54": 0.88, "56": 1.26, "58": 0.60, "60": 1.26, "62": 0.59, "64": 1.59, "66": 1.92,
    "67": 0.67, "68": 1.34, "70": 1.04, "72": 1.19, "74": 2.76, "75": 3.31, "77": 1.19,
    "79": 9.46, "80": 1.75, "82": 1.79, "83": 1.30, "84": 1.02, "86": 1.03, "87": 1.60,
    "89": 1.91, "91": 1.76, "92": 1.25, "93": 0.73, "94": 1.20, "95": 0.92, "96": 1.21,
}  # fmt: skip


def unit_population(code: str) -> float:
    """Population of a current unit (the sum of the former provinces merged into it), or of a
    former province; KeyError for any other code."""
    for unit in PROVINCES_2025:
        if unit.code == code:
            return sum(POPULATION_2023[old] for old in unit.merged_from)
    return POPULATION_2023[code]


def population_shares(codes: Iterable[str]) -> dict[str, float]:
    """Shares summing to 1 over `codes` (current units or former provinces, not mixed): Hà Nội
    and TP.HCM get `BIG_CITIES_SHARE` between them when both are present, the rest split the
    remainder by population. Without both cities, plain population shares."""
    chosen = list(dict.fromkeys(codes))
    people = {code: unit_population(code) for code in chosen}
    big = [code for code in chosen if code in _BIG_CITIES]
    if len(big) != len(_BIG_CITIES) or len(chosen) == len(big):
        total = sum(people.values())
        return {code: people[code] / total for code in chosen}
    big_total = sum(people[code] for code in big)
    rest_total = sum(people[code] for code in chosen if code not in _BIG_CITIES)
    return {
        code: (
            BIG_CITIES_SHARE * people[code] / big_total
            if code in _BIG_CITIES
            else (1 - BIG_CITIES_SHARE) * people[code] / rest_total
        )
        for code in chosen
    }


def _check_table() -> None:
    former = {old.code for old in FORMER_PROVINCES}
    if set(POPULATION_2023) != former:
        raise RuntimeError("POPULATION_2023 must list exactly the former 63 provinces")


_check_table()
