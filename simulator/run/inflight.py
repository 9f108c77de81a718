"""A dossier being played, and which of its planted faults the messages sent can show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.synthetic import DossierPlan, Fault

__all__ = ["InFlight", "triggered_faults"]


@dataclass(slots=True)
class InFlight:
    """One dossier being played: its plan, the next step to publish, what was sent."""

    plan: DossierPlan
    #: the wire time of each step published so far (the first is the planned receipt)
    stamps: list[datetime]
    step: int = 0
    #: DongBoHoSoMC of steps 0 … dongbo_sent - 1 were sent
    dongbo_sent: int = 0
    #: steps whose CapNhatTienDoHoSoMC was sent
    progress_sent: set[int] = field(default_factory=set)
    #: the portal refused a sync, or a request failed: no further step is published
    stopped: bool = False

    @property
    def finished(self) -> bool:
        return self.stopped or self.step >= len(self.plan.steps)


def triggered_faults(dossier: InFlight) -> frozenset[Fault]:
    """The planted faults the messages actually sent can show: none before the first sync; a
    skipped status 9 once the final sync went; a status typed as a number once its update went."""
    plan = dossier.plan
    if dossier.dongbo_sent == 0:
        return frozenset()
    shown = set(plan.faults)
    if Fault.ILLEGAL_TRANSITION in shown and dossier.dongbo_sent < len(plan.steps):
        shown.discard(Fault.ILLEGAL_TRANSITION)
    if Fault.WRONG_TYPE in shown:
        wrong = next(n for n, step in enumerate(plan.steps) if step.wrong_type)
        if wrong not in dossier.progress_sent:
            shown.discard(Fault.WRONG_TYPE)
    return frozenset(shown)
