"""The scenarios' options, for Locust's command line, its web UI and environment variables.

`simulator.load` registers them with Locust; `load_options` turns their values into the
`LoadOptions` of a load process. Here, so that the table is data any tool can read, without
Locust.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from simulator.run.desk import LoadOptions
from simulator.synthetic import load_profile_set

__all__ = ["LOCUST_OPTIONS", "WORKER_PARTITIONS", "LocustOption", "load_options"]


@dataclass(frozen=True, slots=True)
class LocustOption:
    flag: str
    variable: str
    default: str
    help: str
    secret: bool = False


LOCUST_OPTIONS = (
    LocustOption(
        "--profile-set",
        "PORTALSIM_PROFILES",
        "field-reports",
        "province profiles: clean, field-reports (-63: the former provinces) or a TOML file",
    ),
    LocustOption("--seed", "PORTALSIM_SEED", "1", "seed of the synthetic dossiers"),
    LocustOption(
        "--unit-password",
        "PORTALSIM_PASSWORD",
        "demo",
        "every province unit's password at the portal (portalsim serve --demo: demo)",
        secret=True,
    ),
    LocustOption(
        "--time-factor",
        "PORTALSIM_TIME_FACTOR",
        "100000",
        "simulated seconds per real second between a dossier's steps",
    ),
    LocustOption(
        "--dossier-rate",
        "PORTALSIM_RATE",
        "5",
        "new dossiers per second across the provinces, per load process; 0: as fast as possible",
    ),
    LocustOption(
        "--load-partitions",
        "PORTALSIM_PARTITIONS",
        "0",
        "dossier-code partitions of the load processes sharing one portal (default: 16 for "
        "workers, 1 alone)",
    ),
    LocustOption(
        "--sso-secret",
        "PORTALSIM_SSO_SECRET",
        "",
        "client secret of every province's SSO client portalsim-hxx; empty: no SSO logins",
        secret=True,
    ),
    LocustOption(
        "--payment-secret",
        "PORTALSIM_PAYMENT_SECRET",
        "",
        "the payment clients' keys derive from it (PS_Hxx); empty: no payments",
        secret=True,
    ),
    LocustOption(
        "--callback-port",
        "PORTALSIM_CALLBACK_PORT",
        "0",
        "port this process answers the payment platform's confirmations on (one process only)",
    ),
)


#: partitions of a distributed run when `--load-partitions` is not given: more than the workers
#: of any run here, since a worker that reconnects to its master gets a new index
WORKER_PARTITIONS = 16


def load_options(values: Mapping[str, str], *, worker: int | None) -> LoadOptions:
    """`LoadOptions` from option values by flag; `worker`: the index its master gave this
    worker process (None: not a worker). A worker takes partition index mod partitions, of
    `--load-partitions` or `WORKER_PARTITIONS`. ValueError if a value is wrong."""
    declared = int(values["--load-partitions"])
    if worker is None:
        partition, given = 0, declared or 1
    else:
        given = declared or WORKER_PARTITIONS
        partition = max(worker, 0) % given
    port = int(values["--callback-port"])
    return LoadOptions(
        profiles=load_profile_set(values["--profile-set"]),
        seed=int(values["--seed"]),
        password=values["--unit-password"],
        time_factor=float(values["--time-factor"]),
        rate=float(values["--dossier-rate"]),
        partition=partition,
        partitions=given,
        sso_secret=values["--sso-secret"] or None,
        payment_secret=values["--payment-secret"] or None,
        callback_port=port or None,
    )
