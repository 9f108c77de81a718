"""What one load-generator process knows: its provinces' dossier factories, the dossiers in
flight, when each flow may act next, and the ground truth of what it planted.

A `Desk` is built once per process (Faker runs here, in `build_pools`, never on the hot path)
and shared by every Locust user of the process. Each user is one province unit: `assign` gives
the k-th user of a flow the k-th province of an allocation that covers every province first
(largest share first), then adds users in proportion to the shares (Sainte-Laguë). Pacing is
per province, not per user: the province's dossiers start at `rate × share` a second (intended
start times, so a slow answer does not lower the rate), whichever of its users is free; with
rate 0 the users go as fast as the portal answers. Catalogue reads follow at 0.2 per dossier,
and, in provinces integrated with the national SSO, citizens' logins at 0.5 per dossier (with
rate 0 too: then they keep pace with the dossiers started). In a province connected to the
payment platform, a dossier that reaches status 6 waits for a payment user to pay its fees
(`payments`).

A dossier is played as the virtual province plays it (`simulator.synthetic.province`): its
first publish when it is submitted, then each later step when its compressed wait has passed
(`time_factor`), stamped with the real moment it is sent. Nothing here imports Locust; the
publishes themselves are in `publish.py`.

Several processes (Locust's `--processes`, master and workers) must not issue the same dossier
code: process `partition` of `partitions` takes dossier indexes partition, partition +
partitions, … and numbers its codes the same way (`spread.PartitionedCodes`).
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import Any

from simulator.domain import bundled_population
from simulator.run.inflight import InFlight, triggered_faults
from simulator.run.payments import PaymentClientConfig, payment_client
from simulator.run.spread import PartitionedCodes, allocation
from simulator.run.sso import SsoClientConfig, sso_client
from simulator.synthetic import (
    PORTAL_EXPECTED_RULES,
    SSO_FAULTS,
    DossierFactory,
    DossierPlan,
    Fault,
    ProcedureNames,
    ProfileSet,
    ProvinceProfile,
    draw_independent,
)
from simulator.synthetic.province import vietnam_now

__all__ = [
    "CATALOGUE_READS_PER_DOSSIER",
    "FLOWS",
    "MAX_IN_FLIGHT",
    "SSO_LOGINS_PER_DOSSIER",
    "Desk",
    "LoadOptions",
    "ProvinceDesk",
]

#: the flows a user can serve; a user class names its flow
FLOWS = ("submission", "progress", "catalogue", "sso", "payment")
#: catalogue synchronisations (LayDanhSachTTHC, LayDanhMucCoQuan, …) per new dossier
CATALOGUE_READS_PER_DOSSIER = 0.2
#: citizens logging in through the national SSO per new dossier (of SSO-integrated provinces)
SSO_LOGINS_PER_DOSSIER = 0.5
#: dossiers of one province in flight in one process before new submissions wait
MAX_IN_FLIGHT = 5000
#: longest a progress user sleeps before looking for due dossiers again
_PROGRESS_POLL = 0.25
#: how long a user of a flow its province does not take part in waits between looks
_IDLE = 1.0


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How a load-generator process plays its provinces."""

    profiles: ProfileSet
    seed: int = 1
    #: every unit's password at the portal (`portalsim serve --demo` uses "demo")
    password: str = "demo"
    #: simulated seconds per real second between the steps of a dossier
    time_factor: float = 100_000.0
    #: new dossiers per second across the provinces of this process; 0: as fast as possible
    rate: float = 5.0
    partition: int = 0
    partitions: int = 1
    #: the SSO client secret of every province (`sso.sso_client`); None: no SSO logins
    sso_secret: str | None = None
    #: the payment platform's keys derive from it (`payments.payment_client`); None: no payments
    payment_secret: str | None = None
    #: where this process answers the platform's confirmations (`paymentconfirm`)
    callback_port: int | None = None

    def __post_init__(self) -> None:
        if not len(self.profiles):
            raise ValueError(f"{self.profiles.source}: the profile set has no provinces")
        if self.time_factor < 1:
            raise ValueError("time factor must be at least 1")
        if self.rate < 0:
            raise ValueError("rate must not be negative")
        if not 0 <= self.partition < self.partitions:
            raise ValueError(
                f"load partition {self.partition} is not below the number of partitions "
                f"{self.partitions} (give every process its index and the same total)"
            )


@dataclass(slots=True)
class _Schedule:
    """Intended start times of one paced flow: every `interval` seconds from the first call."""

    interval: float
    next_at: float | None = None

    def wait(self, now: float) -> float:
        if self.interval <= 0 or self.next_at is None:
            return 0.0
        return max(0.0, self.next_at - now)

    def claim(self, now: float) -> bool:
        if self.interval <= 0:
            return True
        if self.next_at is None:
            self.next_at = now
        if now < self.next_at:
            return False
        self.next_at += self.interval
        return True


class ProvinceDesk:
    """One province in one process: its factory, its dossiers in flight, its pacing, its truth."""

    def __init__(
        self,
        factory: DossierFactory,
        options: LoadOptions,
        clock: Callable[[], datetime] = vietnam_now,
    ) -> None:
        self.profile: ProvinceProfile = factory.profile
        self.factory = factory
        self.time_factor = options.time_factor
        self._clock = clock
        self._indexes = itertools.count(options.partition, options.partitions)
        share_rate = options.rate * self.profile.share
        self._submissions = _Schedule(1 / share_rate if share_rate else 0.0)
        catalogue_rate = share_rate * CATALOGUE_READS_PER_DOSSIER
        self._catalogue = _Schedule(1 / catalogue_rate if catalogue_rate else 0.0)
        sso_rate = share_rate * SSO_LOGINS_PER_DOSSIER
        self._sso = _Schedule(1 / sso_rate if sso_rate else 0.0)
        #: the province as an SSO client; None when it is not integrated or the run has no SSO
        self.sso: SsoClientConfig | None = (
            sso_client(self.profile, options.sso_secret)
            if options.sso_secret and self.profile.sso_integrated
            else None
        )
        self._seed = options.seed
        self._logins = itertools.count(options.partition, options.partitions)
        self.sso_logins = 0
        self.catalogue_reads = 0
        #: the province as a client of the payment platform; None when not connected
        self.payment: PaymentClientConfig | None = (
            payment_client(self.profile, options.payment_secret)
            if options.payment_secret and options.callback_port and self.profile.payment_connected
            else None
        )
        self._transactions = itertools.count(options.partition, options.partitions)
        #: dossiers at status 6 whose fees a payment user has not paid yet
        self.owing: deque[DossierPlan] = deque()
        self.payments = 0
        self._due: list[tuple[float, int, InFlight]] = []
        self._order = itertools.count()
        #: dossiers a user is publishing right now
        self.active = 0
        self.closing = False
        self.users: Counter[str] = Counter()
        self.started = 0
        self.completed = 0
        self.planted: Counter[Fault] = Counter()
        self.rules: set[str] = set()

    # -- flows -------------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        return len(self._due) + self.active + len(self.owing)

    def pause(self, flow: str, now: float) -> float:
        """Seconds a user of `flow` should wait before its next task."""
        if flow == "submission":
            if self.closing or self.in_flight >= MAX_IN_FLIGHT:
                return _PROGRESS_POLL
            return self._submissions.wait(now)
        if flow == "progress":
            if not self._due:
                return _PROGRESS_POLL
            return min(_PROGRESS_POLL, max(0.0, self._due[0][0] - now))
        if flow == "payment":
            return 0.0 if self.owing else (_PROGRESS_POLL if self.payment else _IDLE)
        if flow == "sso":
            if self.sso is None:
                return _IDLE
            if self._sso.interval <= 0 and not self._keeps_up(
                self.sso_logins, SSO_LOGINS_PER_DOSSIER
            ):
                return _IDLE
            return self._sso.wait(now)
        if self._catalogue.interval <= 0 and not self._keeps_up(
            self.catalogue_reads, CATALOGUE_READS_PER_DOSSIER
        ):
            return _IDLE
        return self._catalogue.wait(now)

    def _keeps_up(self, done: int, per_dossier: float) -> bool:
        """Without a rate, a flow tied to dossiers keeps its share of them: one more is due
        while it has done fewer than `per_dossier` × dossiers started (and one at the start)."""
        return done < per_dossier * self.started + 1

    def submit(self, now: float) -> InFlight | None:
        """A new dossier to publish, when one is due (None otherwise)."""
        if self.closing or self.in_flight >= MAX_IN_FLIGHT or not self._submissions.claim(now):
            return None
        plan = self.factory.plan(next(self._indexes), published=self._clock())
        self.started += 1
        self.active += 1
        return InFlight(plan, [plan.steps[0].at])

    def take_due(self, now: float) -> InFlight | None:
        """The dossier whose next step is due first, if it is due."""
        if not self._due or self._due[0][0] > now:
            return None
        _, _, dossier = heapq.heappop(self._due)
        self.active += 1
        stamp = self._clock().replace(microsecond=0)
        dossier.stamps.append(max(stamp, dossier.stamps[-1]))
        return dossier

    def owe(self, dossier: InFlight) -> None:
        """After a publish: a dossier of a connected province that now waits for its fees
        (status 6) is queued for a payment user."""
        steps = dossier.plan.steps
        if self.payment is not None and dossier.step and steps[dossier.step - 1].status == "6":
            self.owing.append(dossier.plan)

    def take_payment(self) -> tuple[DossierPlan, str] | None:
        """The next dossier to pay, with a transaction id never used before in this run."""
        if not self.owing:
            return None
        self.payments += 1
        return self.owing.popleft(), f"{self.profile.code}{next(self._transactions):010d}"

    def claim_catalogue(self, now: float) -> bool:
        if self.closing or not self._catalogue.claim(now):
            return False
        if self._catalogue.interval <= 0 and not self._keeps_up(
            self.catalogue_reads, CATALOGUE_READS_PER_DOSSIER
        ):
            return False
        self.catalogue_reads += 1
        return True

    def claim_sso(self, now: float) -> frozenset[Fault] | None:
        """The planted faults of the next SSO login when one is due (None otherwise); counted
        in the truth at once, since the login is sent right away."""
        if self.sso is None or self.closing or not self._sso.claim(now):
            return None
        if self._sso.interval <= 0 and not self._keeps_up(self.sso_logins, SSO_LOGINS_PER_DOSSIER):
            return None
        index = next(self._logins)
        rng = Random(f"portalsim:{self._seed}:{self.profile.code}:sso:{index}")
        faults = draw_independent(self.profile.faults, SSO_FAULTS, rng)
        self.sso_logins += 1
        self.planted.update(faults)
        for fault in faults:
            self.rules |= PORTAL_EXPECTED_RULES[fault]
        return faults

    def published(self, dossier: InFlight, now: float) -> None:
        """After a publish: the dossier waits for its next step, or it is done; its fees are
        queued when it reached status 6."""
        self.active -= 1
        if not dossier.stopped:
            self.owe(dossier)
        if dossier.finished:
            self._settle(dossier)
            return
        steps = dossier.plan.steps
        gap = steps[dossier.step].at - steps[dossier.step - 1].publish_at
        due = now + max(gap, timedelta(0)).total_seconds() / self.time_factor
        heapq.heappush(self._due, (due, next(self._order), dossier))

    def _settle(self, dossier: InFlight) -> None:
        if not dossier.stopped:
            self.completed += 1
        faults = triggered_faults(dossier)
        self.planted.update(faults)
        for fault in faults:
            self.rules |= PORTAL_EXPECTED_RULES[fault]

    def unfinished(self) -> Iterator[InFlight]:
        return (dossier for _, _, dossier in self._due)

    def truth(self) -> dict[str, Any]:
        """Dossiers started and completed, faults shown and the rules they must trigger, with
        the dossiers still in flight counted as far as they got."""
        planted, rules = Counter(self.planted), set(self.rules)
        for dossier in self.unfinished():
            faults = triggered_faults(dossier)
            planted.update(faults)
            for fault in faults:
                rules |= PORTAL_EXPECTED_RULES[fault]
        return {
            "name": self.profile.name,
            "dossiers": self.started,
            "completed": self.completed,
            "sso_logins": self.sso_logins,
            "payments": self.payments,
            "faults": {fault.value: planted[fault] for fault in sorted(planted)},
            "rules": sorted(rules),
        }


class Desk:
    """Every province of a load-generator process, and which user plays which."""

    def __init__(
        self,
        options: LoadOptions,
        *,
        clock: Callable[[], datetime] = vietnam_now,
        factory: Callable[[ProvinceProfile, int], DossierFactory] = DossierFactory,
    ) -> None:
        self.options = options
        self.provinces: dict[str, ProvinceDesk] = {}
        for profile in options.profiles:
            made = factory(profile, options.seed)
            if options.partitions > 1:
                made.codes = PartitionedCodes(made, options.partition, options.partitions)
            self.provinces[profile.code] = ProvinceDesk(made, options, clock)
        everyone = list(options.profiles.profiles)
        among = {
            "sso": [profile for profile in everyone if profile.sso_integrated],
            "payment": [profile for profile in everyone if profile.payment_connected],
        }
        self._allocations = {flow: allocation(among.get(flow) or everyone) for flow in FLOWS}
        #: payment clients by client_id, for answering the platform's confirmations
        self.payment_clients = {
            desk.payment.client_id: desk.payment
            for desk in self.provinces.values()
            if desk.payment is not None
        }
        #: what LayThuTuc answered per procedure code (`publish.publish_step`)
        self.names: dict[str, ProcedureNames] = {}
        #: TechIDs of the population SSO logins name in `login_hint`
        self.accounts = tuple(account.tech_id for account in bundled_population().citizens())

    def assign(self, flow: str) -> ProvinceDesk:
        """The province the next user of `flow` plays."""
        if flow not in self._allocations:
            raise ValueError(f"unknown flow {flow!r} (known: {', '.join(FLOWS)})")
        desk = self.provinces[next(self._allocations[flow]).code]
        desk.users[flow] += 1
        return desk

    def close(self) -> None:
        """No new dossiers or catalogue reads; dossiers in flight carry on."""
        for desk in self.provinces.values():
            desk.closing = True

    @property
    def in_flight(self) -> int:
        return sum(desk.in_flight for desk in self.provinces.values())

    @property
    def started(self) -> int:
        return sum(desk.started for desk in self.provinces.values())

    @property
    def completed(self) -> int:
        return sum(desk.completed for desk in self.provinces.values())

    def truth(self) -> dict[str, dict[str, Any]]:
        """`ProvinceDesk.truth` of each province that sent anything, by GSO code."""
        return {
            code: desk.truth()
            for code, desk in sorted(self.provinces.items())
            if desk.started or desk.sso_logins
        }
