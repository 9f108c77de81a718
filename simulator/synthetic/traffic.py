"""Offline traffic of planned dossiers, and the ground truth of what was planted in it.

`offline_traffic` turns plans into the messages their province sends (logins excepted: a caller
that needs them adds its own), in the order the portal would receive them, each with its receive
time: the step's time plus its publish lag plus a fraction of a second per message. It assumes
the portal accepts what it is sent; a live province reacts to the real answers instead.

`GroundTruth` says which dossier got which fault and so which (dossier code, rule) findings a
validator must report: `expected()` for `contracts.Validator` over this traffic,
`expected(portal=True)` for what the mock portal records.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import Any

from simulator.domain import Catalogue, bundled_catalogue
from simulator.synthetic.faults import EXPECTED_RULES, PORTAL_EXPECTED_RULES, Fault
from simulator.synthetic.lifecycle import DossierPlan
from simulator.synthetic.messages import (
    cap_nhat_tien_do,
    dong_bo_ho_so,
    lay_thu_tuc,
    names_from_catalogue,
    tra_cuu_ho_so,
)

__all__ = [
    "INTEGRATION_PATH",
    "OFFLINE_SESSION",
    "GroundTruth",
    "SentMessage",
    "dossier_code_of",
    "offline_traffic",
    "publish_messages",
]

INTEGRATION_PATH = "/api/dvcqg/integration"
#: the session token offline traffic carries (no login happens offline)
OFFLINE_SESSION = "5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5"


@dataclass(frozen=True, slots=True)
class SentMessage:
    """One message of a province, when the portal receives it, and the dossier it is about."""

    received_at: datetime
    dossier: str
    service: str
    body: dict[str, Any]
    path: str = INTEGRATION_PATH


def publish_messages(
    plan: DossierPlan, catalogue: Catalogue, session: str = OFFLINE_SESSION
) -> list[SentMessage]:
    """Every publish of one dossier, in order, as a correct OpenCPS client sends them."""
    rng = Random(f"portalsim:publish:{plan.province}:{plan.index}")
    names = names_from_catalogue(plan, catalogue)
    stamps = [step.at for step in plan.steps]
    sent: list[SentMessage] = []
    for number, step in enumerate(plan.steps):
        at = step.publish_at
        bodies = [
            tra_cuu_ho_so(plan, session),
            lay_thu_tuc(plan, session),
            dong_bo_ho_so(plan, number, stamps, session, known=number > 0, names=names),
        ]
        if step.progress:
            bodies.append(cap_nhat_tien_do(plan, number, step.at, session))
        for body in bodies:
            sent.append(SentMessage(at, plan.code, str(body["service"]), body))
            at += timedelta(seconds=rng.uniform(0.05, 0.4))
    return sent


def offline_traffic(
    plans: Iterable[DossierPlan], catalogue: Catalogue | None = None
) -> list[SentMessage]:
    """The messages of all `plans`, in the order the portal receives them."""
    chosen = catalogue or bundled_catalogue()
    streams = [publish_messages(plan, chosen) for plan in plans]
    return list(heapq.merge(*streams, key=lambda message: message.received_at))


def dossier_code_of(body: Any) -> str | None:
    """The dossier code a message body is about (`mahoso`, `data[0].MaHoSo`), if any."""
    if not isinstance(body, dict):
        return None
    code = body.get("mahoso")
    if isinstance(code, str):
        return code
    data = body.get("data")
    item = data[0] if isinstance(data, list) and data else data
    if isinstance(item, dict):
        for key in ("MaHoSo", "MaHoSoDonVi"):
            value = item.get(key)
            if isinstance(value, str):
                return value
    return None


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """Which dossier (by code) got which planted faults."""

    faults: Mapping[str, frozenset[Fault]]

    @classmethod
    def of(cls, plans: Iterable[DossierPlan]) -> GroundTruth:
        return cls({plan.code: plan.faults for plan in plans})

    def expected(self, *, portal: bool = False) -> set[tuple[str, str]]:
        """(dossier code, rule ID) of every finding the planted faults must cause."""
        rules = PORTAL_EXPECTED_RULES if portal else EXPECTED_RULES
        return {
            (code, rule)
            for code, faults in self.faults.items()
            for fault in faults
            for rule in rules[fault]
        }

    def planted(self) -> Counter[Fault]:
        """How many dossiers got each fault."""
        return Counter(fault for faults in self.faults.values() for fault in faults)
