"""Fault profiles and decisions: validation, scopes, maintenance windows, rates, seeds, reloads."""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mock_portal._portal import Portal
from mock_portal.config import ConfigError, PortalConfig
from mock_portal.faults import FaultInjector, FaultProfileError, parse_profile
from mock_portal.store import VIETNAM, Store

H56 = "000.00.00.H56"
H26 = "000.00.00.H26"
NOW = datetime(2026, 3, 2, 8, 31, tzinfo=VIETNAM)

InjectorFactory = Callable[..., FaultInjector]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path_factory.mktemp('faults')}/portal.db") as store:
        store.migrate()
        yield store


@pytest.fixture
def store(database: Store) -> Store:
    """The module's store with no fault profile in it."""
    for scope in database.fault_profiles():
        database.clear_fault_profile(scope)
    return database


@pytest.fixture
def injector(store: Store) -> InjectorFactory:
    """An injector over the test store with the given profiles installed."""

    def factory(profiles: dict[str, dict[str, Any]], seed: int | None = 1) -> FaultInjector:
        made = FaultInjector(store, seed=seed)
        made.install(profiles)
        return made

    return factory


def labels(injector: FaultInjector, unit: str | None, count: int) -> list[str | None]:
    decisions = (injector.decide(unit, NOW) for _ in range(count))
    return [decision.label if decision else None for decision in decisions]


BAD_PROFILES = [
    ([], "profile: must be a table"),
    ({"errros": {}}, "errros: unknown key"),
    ({"errors": {"rat": 0.1}}, "errors.rat: unknown key"),
    ({"errors": {"rate": 1.5}}, "errors.rate: must be from 0 to 1, not 1.5"),
    ({"errors": {"rate": "0.1"}}, "errors.rate: must be a number"),
    ({"malformed": {"rate": True}}, "malformed.rate: must be a number"),
    ({"errors": {"rate": 0.1, "statuses": [200]}}, "errors.statuses[0]: must be from 400 to 599"),
    ({"errors": {"statuses": []}}, "errors.statuses: must be a non-empty array"),
    ({"errors": {"retry_after": -1}}, "errors.retry_after"),
    ({"errors": {"rate": 0.6}, "drop": {"rate": 0.6}}, "add up to 1.2"),
    ({"latency": {"distribution": "gamma", "ms": 5}}, "latency.distribution: 'gamma'"),
    ({"latency": {"distribution": "fixed"}}, "latency.ms: required for the fixed"),
    ({"latency": {"distribution": "uniform", "min_ms": 10}}, "latency.max_ms: required"),
    ({"latency": {"distribution": "uniform", "min_ms": 9, "max_ms": 5}}, "latency.min_ms: 9"),
    ({"latency": {"distribution": "lognormal"}}, "latency.median_ms: required"),
    ({"latency": {"ms": 5, "speed": 1}}, "latency.speed: unknown key"),
    ({"hang": {"rate": 0.1, "seconds": 301}}, "hang.seconds: must be more than 0 to 300"),
    ({"hang": {"seconds": 0}}, "hang.seconds"),
    ({"maintenance": {"daily": "12:00-12:30"}}, "maintenance: must be an array"),
    ({"maintenance": [{"daily": "12:00"}]}, "maintenance[0].daily: '12:00' is not a daily"),
    (
        {"maintenance": [{"daily": "12:00-12:00"}]},
        "maintenance[0].daily: '12:00-12:00' is an empty",
    ),
    ({"maintenance": [{"start": "soon", "end": "later"}]}, "maintenance[0].start: 'soon'"),
    (
        {"maintenance": [{"start": "2026-03-02T09:00:00", "end": "2026-03-02T08:00:00"}]},
        "maintenance[0].end: must be after start",
    ),
    ({"maintenance": [{"start": "2026-03-02T09:00:00"}]}, "maintenance[0]: has keys ['start']"),
    ({"seed": "x"}, "seed: must be an integer"),
]


@pytest.mark.parametrize(("profile", "message"), BAD_PROFILES)
def test_bad_profiles_are_refused_naming_the_key(profile: object, message: str) -> None:
    """Each bad profile is a FaultProfileError whose message names the key and the problem."""
    with pytest.raises(FaultProfileError) as caught:
        parse_profile(profile)
    assert message in str(caught.value)


def test_the_documented_profile_parses() -> None:
    """The profile shown in the docs parses, with defaults for what it leaves out."""
    profile = parse_profile(
        {
            "latency": {"distribution": "lognormal", "median_ms": 80, "sigma": 0.4},
            "errors": {"rate": 0.1, "statuses": [500, 502, 503, 504, 429], "retry_after": 5},
            "malformed": {"rate": 0.01},
            "hang": {"rate": 0.0, "seconds": 65},
            "drop": {"rate": 0.0},
            "maintenance": [
                {"start": "2026-03-02T08:00:00+07:00", "end": "2026-03-02T09:00:00+07:00"},
                {"daily": "12:00-12:30"},
            ],
            "seed": 42,
        }
    )
    assert profile.latency is not None
    assert profile.latency.rate == 1.0
    assert profile.statuses == (500, 502, 503, 504, 429)
    assert len(profile.maintenance) == 2
    assert profile.seed == 42


def test_a_bad_config_profile_is_a_config_error_naming_scope_and_key(tmp_path: Path) -> None:
    """A bad [faults] table stops the portal with a ConfigError naming the scope and key."""
    url = f"sqlite:///{tmp_path}/portal.db"
    with pytest.raises(ConfigError, match=r'faults\."\*"\.errors\.rate'):
        Portal(url, PortalConfig(faults={"*": {"errors": {"rate": 2}}}))
    with pytest.raises(ConfigError, match="scope 'H56'"):
        Portal(url, PortalConfig(faults={"H56": {"errors": {"rate": 0.1}}}))


def test_a_unit_profile_wins_over_the_global_one(injector: InjectorFactory) -> None:
    """The unit's own profile decides for it; every other unit (and none) gets '*'."""
    faults = injector(
        {
            "*": {"errors": {"rate": 1, "statuses": [502]}},
            H56: {"errors": {"rate": 1, "statuses": [429]}},
        }
    )
    assert labels(faults, H56, 3) == ["error:429"] * 3
    assert labels(faults, H26, 3) == ["error:502"] * 3
    assert labels(faults, None, 1) == ["error:502"]


def test_an_empty_unit_profile_exempts_the_unit(injector: InjectorFactory) -> None:
    """An empty profile for a unit overrides '*' with no faults at all."""
    faults = injector({"*": {"drop": {"rate": 1}}, H56: {}})
    assert labels(faults, H56, 5) == [None] * 5
    assert labels(faults, H26, 1) == ["drop"]


def test_absolute_maintenance_window(injector: InjectorFactory) -> None:
    """Inside [start, end) the answer is maintenance with Retry-After up to the end."""
    window = {"start": "2026-03-02T08:00:00+07:00", "end": "2026-03-02T09:00:00+07:00"}
    faults = injector({"*": {"maintenance": [window]}})
    decision = faults.decide(H56, NOW)
    assert decision is not None
    assert (decision.label, decision.status, decision.retry_after) == ("maintenance", 503, 29 * 60)
    assert faults.decide(H56, NOW.replace(hour=9, minute=0)) is None
    assert faults.decide(H56, NOW.replace(hour=7, minute=59)) is None


@pytest.mark.parametrize(
    ("daily", "now", "retry_after"),
    [
        ("12:00-12:30", datetime(2026, 3, 2, 5, 10, tzinfo=UTC), 20 * 60),  # 12:10 in Hà Nội
        ("12:00-12:30", datetime(2026, 3, 2, 12, 10, tzinfo=UTC), None),  # 19:10 in Hà Nội
        ("23:30-00:30", datetime(2026, 3, 2, 23, 45, tzinfo=VIETNAM), 45 * 60),
        ("23:30-00:30", datetime(2026, 3, 3, 0, 10, tzinfo=VIETNAM), 20 * 60),
        ("23:30-00:30", datetime(2026, 3, 3, 0, 30, tzinfo=VIETNAM), None),
    ],
)
def test_daily_maintenance_window_in_vietnamese_time(
    injector: InjectorFactory, daily: str, now: datetime, retry_after: int | None
) -> None:
    """A daily window is Vietnamese wall time, may cross midnight, and ends exclusively."""
    decision = injector({"*": {"maintenance": [{"daily": daily}]}}).decide(H56, now)
    assert (decision.retry_after if decision else None) == retry_after


def test_same_seed_same_decisions(store: Store) -> None:
    """Two injectors with one seed decide identically; another seed decides differently."""
    profile = {"*": {"errors": {"rate": 0.3}, "malformed": {"rate": 0.2}, "latency": {"ms": 5}}}

    def run(seed: int) -> list[str | None]:
        faults = FaultInjector(store, seed=seed)
        faults.install(profile)
        return labels(faults, H56, 200)

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_a_units_decisions_do_not_depend_on_other_units(injector: InjectorFactory) -> None:
    """Each unit draws from its own generator: interleaving other units changes nothing."""
    profile = {"*": {"errors": {"rate": 0.5}}}
    alone = labels(injector(profile), H56, 50)
    mixed = injector(profile)
    interleaved = []
    for _ in range(50):
        interleaved.append(labels(mixed, H56, 1)[0])
        labels(mixed, H26, 3)
    assert interleaved == alone


def test_a_profile_seed_wins_over_the_injectors(injector: InjectorFactory) -> None:
    """A profile's own seed makes its decisions the same whatever the run's seed."""
    profile = {"*": {"errors": {"rate": 0.5}, "seed": 3}}
    assert labels(injector(profile, seed=1), H56, 50) == labels(injector(profile, seed=2), H56, 50)


def test_rates_are_shares_of_requests(injector: InjectorFactory) -> None:
    """Each refusing rate is the share of requests that get that fault."""
    faults = injector(
        {
            "*": {
                "errors": {"rate": 0.2, "statuses": [503]},
                "drop": {"rate": 0.1},
                "malformed": {"rate": 0.1},
                "hang": {"rate": 0.1, "seconds": 1},
            }
        }
    )
    seen = labels(faults, H56, 5000)
    for label, share in (("error:503", 0.2), ("drop", 0.1), ("malformed", 0.1), ("hang:1s", 0.1)):
        assert abs(seen.count(label) / 5000 - share) < 0.03, label
    assert abs(seen.count(None) / 5000 - 0.5) < 0.03


def test_latency_distributions(injector: InjectorFactory) -> None:
    """Fixed, uniform and lognormal latencies stay in their shape; rate thins them out."""
    fixed = labels(injector({"*": {"latency": {"ms": 50}}}), H56, 20)
    assert set(fixed) == {"latency:50ms"}
    uniform = injector({"*": {"latency": {"distribution": "uniform", "min_ms": 10, "max_ms": 20}}})
    waits = [d.wait_seconds for d in (uniform.decide(H56, NOW) for _ in range(200)) if d]
    assert len(waits) == 200
    assert all(0.010 <= wait <= 0.020 for wait in waits)
    lognormal = injector({"*": {"latency": {"distribution": "lognormal", "median_ms": 100}}})
    waits = [d.wait_seconds for d in (lognormal.decide(H56, NOW) for _ in range(2000)) if d]
    assert 0.085 < statistics.median(waits) < 0.115
    half = labels(injector({"*": {"latency": {"ms": 5, "rate": 0.5}}}), H56, 2000)
    assert abs(half.count(None) / 2000 - 0.5) < 0.05


def test_profiles_reload_from_the_store_at_most_every_second(store: Store) -> None:
    """Another process's change is seen after the reload interval, not on every request."""
    clock = [100.0]
    worker = FaultInjector(store, seed=1, monotonic=lambda: clock[0])
    assert worker.decide(H56, NOW) is None
    FaultInjector(store).put("*", {"drop": {"rate": 1}})  # another worker process
    clock[0] += 0.5
    assert worker.decide(H56, NOW) is None
    clock[0] += 0.5
    decision = worker.decide(H56, NOW)
    assert decision is not None
    assert decision.label == "drop"


def test_a_bad_profile_in_the_store_is_skipped(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A profile written to the store behind the API's back is ignored, with a warning."""
    store.set_fault_profile("*", {"errors": {"rate": 5}})
    with caplog.at_level(logging.WARNING, logger="mock_portal.faults"):
        assert FaultInjector(store).decide(H56, NOW) is None
    assert 'faults."*".errors.rate' in caplog.text


def test_delete_stops_the_faults(injector: InjectorFactory) -> None:
    """Deleting a scope's profile stops its faults at once in this process."""
    faults = injector({"*": {"drop": {"rate": 1}}})
    assert faults.delete("*") is True
    assert faults.decide(H56, NOW) is None
    assert faults.delete("*") is False


def test_maintenance_wins_over_other_faults(injector: InjectorFactory) -> None:
    """Inside a window the answer is maintenance, whatever the rates say."""
    window = {"start": "2026-03-02T08:00:00+07:00", "end": "2026-03-02T09:00:00+07:00"}
    faults = injector({"*": {"drop": {"rate": 1}, "maintenance": [window]}})
    assert labels(faults, H56, 3) == ["maintenance"] * 3
    after = faults.decide(H56, NOW + timedelta(hours=1))
    assert after is not None
    assert after.label == "drop"


def test_a_stall_every_n_requests_holds_every_request_until_it_ends(store: Store) -> None:
    """Every N-th request freezes the portal: it and the requests arriving before the freeze
    ends wait until its end, then pass (a delay, not a refusal); then counting goes on."""
    clock = [100.0]
    faults = FaultInjector(store, seed=1, monotonic=lambda: clock[0])
    faults.install({"*": {"stall": {"every": 3, "seconds": 1.0}}})
    assert faults.decide(H56, NOW) is None
    assert faults.decide(H26, NOW) is None
    third = faults.decide(H56, NOW)  # the third request opens the freeze
    assert third is not None
    assert (third.kind, third.label, third.wait_seconds, third.refuses) == (
        "stall",
        "stall:1s",
        1.0,
        False,
    )
    clock[0] += 0.25
    held = faults.decide(H26, NOW)  # any unit arriving during the freeze waits for its end
    assert held is not None
    assert held.wait_seconds == pytest.approx(0.75)
    clock[0] += 0.75
    assert faults.decide(H56, NOW) is None  # request 5: the freeze is over
    opened = faults.decide(H56, NOW)  # request 6
    assert opened is not None
    assert opened.wait_seconds == 1.0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"stall": {"seconds": 1}}, "stall.every: required"),
        ({"stall": {"every": 0.5}}, "stall.every: must be an integer"),
        ({"stall": {"every": 10, "seconds": 0}}, "stall.seconds: must be more than 0 to 60"),
        ({"stall": {"every": 10, "seconds": 61}}, "stall.seconds"),
        ({"stall": {"every": 10, "pause": 1}}, "stall.pause: unknown key"),
    ],
)
def test_a_bad_stall_names_its_key(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(FaultProfileError, match=message):
        parse_profile(raw)


def test_a_stall_is_a_delay_not_a_refusal_in_the_scorecards() -> None:
    from mock_portal.faults import refuses

    assert not refuses("stall:1s")
    assert not refuses("latency:50ms")
    assert refuses("hang:65s")
