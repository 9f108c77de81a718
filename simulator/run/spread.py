"""Spreading the work: load processes over dossier codes, users over provinces.

Several processes (Locust's `--processes`, master and workers) must not issue the same dossier
code: process `partition` of `partitions` takes dossier indexes partition, partition +
partitions, … (`simulator.run.desk`) and numbers its codes the same way (`PartitionedCodes`).
Users follow the provinces' shares (`allocation`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime

from simulator.synthetic import CodeIssuer, DossierFactory, Fault, ProvinceProfile
from simulator.synthetic.codes import scheme_rank

__all__ = ["PartitionedCodes", "allocation"]


class PartitionedCodes(CodeIssuer):
    """Dossier codes of process `partition` of `partitions`: its n-th number of an agency's day
    is (n - 1) × partitions + partition + 1, so processes never issue the same code."""

    def __init__(self, factory: DossierFactory, partition: int, partitions: int) -> None:
        rank, stride = scheme_rank(factory.profile)
        super().__init__(
            factory.calendar, rank=rank * partitions + partition, stride=stride * partitions
        )
        self._partition, self._partitions = partition, partitions

    def issue(self, agencies: Sequence[str], received: datetime, faults: frozenset[Fault]) -> str:
        code = super().issue(agencies, received, faults)
        if Fault.DOSSIER_CODE_FOREIGN in faults:
            return code  # already spread over partitions by rank and stride
        head, number = code.rsplit("-", 1)
        mine = (int(number) - 1) * self._partitions + self._partition + 1
        if mine > 9999:
            raise ValueError(f"{head}: no dossier numbers left for load partition")
        return f"{head}-{mine:04d}"


def allocation(profiles: Sequence[ProvinceProfile]) -> Iterator[ProvinceProfile]:
    """Provinces for users 0, 1, 2, …: each once, largest share first; then where share ÷
    (2 × users + 1) is highest (Sainte-Laguë), so users follow the shares."""
    ordered = sorted(profiles, key=lambda profile: (-profile.share, profile.code))
    counts = Counter[str]()
    for profile in ordered:
        counts[profile.code] += 1
        yield profile
    while True:
        best = max(ordered, key=lambda profile: profile.share / (2 * counts[profile.code] + 1))
        counts[best.code] += 1
        yield best
