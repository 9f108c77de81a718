"""`portalsim run`: a mock portal, synthetic provinces' load through Locust, a national scorecard.

- `desk`: one load process's provinces (factories built once), dossiers in flight, pacing and
  ground truth; `publish`: what a province unit sends, over any transport; `series`: the load's
  per-second time series. None of them imports Locust; `simulator.load` (the one adapter) does.
- `portal`: `portalsim serve` as a child process; `simulation`: the checks before anything
  starts (`prepare`) and the run itself (`run_simulation`); `events`: what the run reports as
  it goes.
"""

from simulator.run.desk import (
    CATALOGUE_READS_PER_DOSSIER,
    FLOWS,
    Desk,
    LoadOptions,
    ProvinceDesk,
)
from simulator.run.events import LoadProgress, LoadResult, LoadStarted, PortalStarted, RunEvent
from simulator.run.inflight import InFlight, triggered_faults
from simulator.run.portal import PortalProcess, free_port, portal_config, remove_database
from simulator.run.publish import (
    CATALOGUE_SERVICES,
    HEADERS,
    SHARE_PATH,
    Answer,
    Poster,
    UnitSession,
    parse_answer,
    publish_step,
)
from simulator.run.series import Histogram, LoadSeries
from simulator.run.simulation import (
    DATABASE_NAME,
    Prepared,
    RunOutcome,
    RunSettings,
    bundled_locustfile,
    prepare,
    run_simulation,
)
from simulator.run.spread import PartitionedCodes, allocation

__all__ = [
    "CATALOGUE_READS_PER_DOSSIER",
    "CATALOGUE_SERVICES",
    "DATABASE_NAME",
    "FLOWS",
    "HEADERS",
    "SHARE_PATH",
    "Answer",
    "Desk",
    "Histogram",
    "InFlight",
    "LoadOptions",
    "LoadProgress",
    "LoadResult",
    "LoadSeries",
    "LoadStarted",
    "PartitionedCodes",
    "PortalProcess",
    "PortalStarted",
    "Poster",
    "Prepared",
    "ProvinceDesk",
    "RunEvent",
    "RunOutcome",
    "RunSettings",
    "UnitSession",
    "allocation",
    "bundled_locustfile",
    "free_port",
    "parse_answer",
    "portal_config",
    "prepare",
    "publish_step",
    "remove_database",
    "run_simulation",
    "triggered_faults",
]
