"""The one module of `simulator` that imports Locust (which monkey-patches the standard library
through gevent when imported): never import it at module level elsewhere; `portalsim run`
imports it inside the command, after its checks.

- `ProvinceUser`: the base of the scenarios' user classes (`scenarios/portal.py`): a
  `FastHttpUser` that is one province unit. It logs in (session reused for ten minutes), plays
  dossiers from its process's `Desk` (factories built once, Faker off the hot path) and posts
  with `self.client` through `simulator.run.publish`.
- `register_options`: the scenarios' Locust custom arguments (also environment variables and
  web UI fields) that build a process's `Desk`.
- `run_load`: Locust as a library (`Environment`, a local runner, a greenlet that ends the load
  after its duration and drains the dossiers in flight), the request event feeding a
  `LoadSeries`.
- The province's payment callback endpoint, a gevent WSGI server in the load process answering
  the platform's confirmations (`simulator.run.payments.callback_app`).
- Open-model load for `portalsim plan probe`/`load`/`worker`: `run_open_step` starts each
  request of a precomputed arrival sequence at its intended time (a greenlet each, at most
  `max_in_flight` at once) and records it in `simulator.planning.openmodel`'s histograms;
  `OpenModelMaster` and `serve_worker` share a step between processes over Locust's
  master/worker messages and merge the workers' histograms.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from argparse import Namespace
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit, urlunsplit
from weakref import WeakKeyDictionary

import gevent  # type: ignore[import-untyped]  # gevent ships no type hints
import gevent.event  # type: ignore[import-untyped]
import gevent.pool  # type: ignore[import-untyped]
import locust
import orjson
from geventhttpclient import HTTPClient
from locust import FastHttpUser
from locust.argument_parser import LocustArgumentParser
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment
from locust.event import EventHook, Events
from locust.exception import StopUser
from locust.runners import MasterRunner, WorkerRunner
from locust.util.load_locustfile import load_locustfile

from simulator.errors import InfrastructureError, UsageError
from simulator.planning.arrivals import arrival_times
from simulator.planning.openmodel import StepPlan, StepRecorder, StepResult
from simulator.run.desk import Desk, LoadOptions, ProvinceDesk
from simulator.run.events import LoadProgress, LoadResult
from simulator.run.inflight import InFlight
from simulator.run.options import LOCUST_OPTIONS, load_options
from simulator.run.payments import callback_app, create_transaction, pay_fees
from simulator.run.publish import (
    CATALOGUE_SERVICES,
    HEADERS,
    Answer,
    UnitSession,
    parse_answer,
    publish_step,
)
from simulator.run.series import LoadSeries
from simulator.run.sso import Reply, sso_login
from simulator.synthetic import LoginRefused

__all__ = [
    "RESULT_MESSAGE",
    "SAMPLES_VARIABLE",
    "STEP_MESSAGE",
    "OpenModelMaster",
    "ProvinceUser",
    "desk_of",
    "options_from",
    "register_options",
    "run_load",
    "run_open_step",
    "serve_worker",
]

logger = logging.getLogger("portalsim.load")
#: users started per second (Locust warns above 100)
_SPAWN_RATE = 100.0
_DESKS: WeakKeyDictionary[Environment, Desk] = WeakKeyDictionary()


def register_options(events: Events) -> None:
    """Add the scenarios' options to Locust's command line and web UI, and build the `Desk`
    of each load process when a test starts (not on a master, which sends nothing)."""

    def _options(parser: LocustArgumentParser) -> None:
        for option in LOCUST_OPTIONS:
            parser.add_argument(
                option.flag,
                env_var=option.variable,
                default=option.default,
                help=f"{option.help} (env {option.variable}, default {option.default!r})",
                is_secret=option.secret,
            )

    def _build(environment: Environment, **_: Any) -> None:
        if isinstance(environment.runner, MasterRunner):
            return
        desk = _DESKS.get(environment)
        if desk is not None and environment.parsed_options is None:
            return  # Locust as a library: the caller's desk
        # A new test from the web UI may come with other options: then a new desk.
        options = options_from(environment)
        if desk is None or desk.options != options:
            _DESKS[environment] = built = Desk(options)
            _freeze_heap()
            if desk is None:  # the first test of this process: its callback endpoint
                try:
                    _serve_callbacks(built)
                except OSError as error:
                    logger.error("payment callbacks: cannot listen (%s); no payments", error)
                    for province in built.provinces.values():
                        province.payment = None

    def _fresh_clock(**_: Any) -> None:
        # gevent's timers count from the event loop's cached time, stale by however long the
        # imports (this module's included) took since the loop was made: without a refresh,
        # `locust --run-time 5s` on a busy machine can end the run before any user has started
        gevent.get_hub().loop.update_now()

    hooks: Any = events  # Locust's event hooks carry no type hints
    hooks.init_command_line_parser.add_listener(_options)
    hooks.init.add_listener(_fresh_clock)
    hooks.test_start.add_listener(_build)


def options_from(environment: Environment) -> LoadOptions:
    """`LoadOptions` from Locust's parsed options, else the environment variables, else the
    defaults; ValueError naming what is wrong."""
    parsed = environment.parsed_options or Namespace()

    def value(flag: str, variable: str, default: str) -> str:
        given = getattr(parsed, flag.lstrip("-").replace("-", "_"), None)
        if given is not None and str(given) != "":
            return str(given)
        return os.environ.get(variable) or default

    raw = {o.flag: value(o.flag, o.variable, o.default) for o in LOCUST_OPTIONS}
    runner = environment.runner
    worker = runner.worker_index if isinstance(runner, WorkerRunner) else None
    return load_options(raw, worker=worker)


def _freeze_heap() -> None:
    """Keep the cyclic garbage collector off what lives as long as the process: the code, the
    domain data and the desk's people and businesses (most of the heap). Collections then walk
    only what the load allocates, not all of it, every time."""
    gc.collect()
    gc.freeze()


def desk_of(environment: Environment) -> Desk:
    """The process's `Desk` for this environment, built on first use."""
    desk = _DESKS.get(environment)
    if desk is None:
        desk = _DESKS[environment] = Desk(options_from(environment))
    return desk


class _LocustPoster:
    """`simulator.run.publish.Poster` over a FastHttpUser's client. Transport errors and 5xx
    answers are Locust failures; a 4xx refusal is the portal doing its job (a finding)."""

    def __init__(self, user: FastHttpUser, headers: dict[str, str]) -> None:
        self._client = user.client
        self._headers = headers

    def post(self, path: str, body: dict[str, Any], name: str, *, read: bool = True) -> Answer:
        payload: Any = orjson.dumps(body)  # bytes go out as they are (hinted str | dict only)
        with self._client.post(
            path, data=payload, headers=self._headers, name=name, catch_response=True
        ) as response:
            status = int(response.status_code or 0)
            content = response.content if status and read else None
            if status == 0 or status >= 500:
                response.failure(f"HTTP {status}" if status else "no answer (transport error)")
            else:
                response.success()
        return parse_answer(status, content) if read else Answer(status, None)

    def exchange(
        self,
        method: str,
        path: str,
        name: str,
        *,
        query: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """`simulator.run.sso.Transport`: a GET with a query or a form POST, not redirected."""
        sent = dict(headers or {})
        payload: Any = None
        if form is not None:
            payload = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        target = f"{path}?{urlencode(query)}" if query else path
        with self._client.request(
            method,
            target,
            name=name,
            data=payload,
            headers=sent,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            status = int(response.status_code or 0)
            if status == 0 or status >= 500:
                response.failure(f"HTTP {status}" if status else "no answer (transport error)")
            else:
                response.success()
            location = response.headers.get("location") if status else None
            content = response.content if status else None
        return Reply(status, location, content)


class ProvinceUser(FastHttpUser):
    """One province unit's one-stop system; subclasses name their `flow` and their tasks."""

    abstract = True
    #: "submission", "progress", "catalogue", "sso" or "payment" (`simulator.run.desk.FLOWS`)
    flow: ClassVar[str] = "submission"
    #: one connection, as a one-stop system's HTTP client
    concurrency = 1
    connection_timeout = 10.0
    network_timeout = 30.0

    province: ProvinceDesk
    unit: UnitSession
    _desk: Desk
    _poster: _LocustPoster

    def on_start(self) -> None:
        desk = self._desk = desk_of(self.environment)
        self.province = desk.assign(self.flow)
        profile = self.province.profile
        self._poster = _LocustPoster(self, {**HEADERS, "dstcode": profile.agency_code})
        self.unit = UnitSession(self._poster, profile.unit, desk.options.password)
        try:
            self.unit.token()
        except LoginRefused as refused:
            logger.error("%s; this user stops", refused)
            raise StopUser() from refused

    def on_stop(self) -> None:
        if hasattr(self, "province"):
            self.province.users[self.flow] -= 1

    def wait_time(self) -> float:
        return self.province.pause(self.flow, time.monotonic())

    # -- what the scenarios' tasks call -------------------------------------------------------

    def submit_dossier(self) -> None:
        """Start a new dossier of the province (when one is due) and publish its first step."""
        dossier = self.province.submit(time.monotonic())
        if dossier is not None:
            self._publish(dossier)

    def sync_progress(self) -> None:
        """Publish the next step of the province's dossier that is due first, if any."""
        dossier = self.province.take_due(time.monotonic())
        if dossier is not None:
            self._publish(dossier)

    def sso_login(self) -> None:
        """A citizen logs in to the province's one-stop system through the national SSO (when
        one is due and the province is integrated), with the province's planted SSO faults."""
        faults = self.province.claim_sso(time.monotonic())
        client = self.province.sso
        if faults is None or client is None:
            return
        account = self._desk.accounts[self.province.sso_logins % len(self._desk.accounts)]
        sso_login(self._poster, client, account, faults)

    def read_catalogue(self, service: str) -> None:
        """One catalogue synchronisation on the share endpoint (when one is due)."""
        if self.province.claim_catalogue(time.monotonic()):
            self.unit.catalogue(service, self.province.profile.unit)

    def pay_fees(self) -> None:
        """Pay the fees of the province's next dossier at status 6, if any: the one-stop system
        creates the transaction, the citizen pays on the platform's page."""
        owing = self.province.take_payment()
        client = self.province.payment
        if owing is None or client is None:
            return
        plan, transaction = owing
        procedure = self.province.factory.catalogue.procedure(plan.lookup)
        names = self._desk.names.get(plan.lookup)
        if procedure is None or not procedure.fee_total or names is None:
            return
        body = create_transaction(plan, names, procedure.fee_total, client, transaction)
        pay_fees(self._poster, self._poster, body)

    def _publish(self, dossier: InFlight) -> None:
        try:
            publish_step(self.unit, dossier, self._desk.names)
        except LoginRefused as refused:
            dossier.stopped = True
            logger.error("%s; this user stops", refused)
            raise StopUser() from refused
        except BaseException:
            dossier.stopped = True
            raise
        finally:
            self.province.published(dossier, time.monotonic())


def _serve_callbacks(desk: Desk) -> Any:
    """The province's payment callback endpoint on 127.0.0.1 (None without payments)."""
    port = desk.options.callback_port
    if port is None or not desk.payment_clients:
        return None
    from gevent.pywsgi import WSGIServer  # type: ignore[import-untyped]

    server = WSGIServer(("127.0.0.1", port), callback_app(desk.payment_clients), log=None)
    server.start()
    return server


def run_load(
    options: LoadOptions,
    *,
    host: str,
    locustfile: Path,
    users: int,
    duration: float,
    drain: float,
    on_progress: Callable[[LoadProgress], None],
    every: float = 5.0,
) -> LoadResult:
    """Run the locustfile's users against `host` for `duration` seconds, then let the dossiers
    in flight finish for at most `drain` seconds."""
    user_classes, _shapes = load_locustfile(str(locustfile))
    if not user_classes:
        raise UsageError(f"{locustfile}: no Locust user class to run")
    environment = Environment(
        user_classes=list(user_classes.values()),
        events=locust.events,
        host=host,
        stop_timeout=30.0,
        locustfile=locustfile.name,
    )
    desk = _DESKS[environment] = Desk(options)
    _freeze_heap()
    callbacks = _serve_callbacks(desk)
    runner = environment.create_local_runner()
    hooks: Any = environment.events  # Locust's event hooks carry no type hints
    hooks.init.fire(environment=environment, runner=runner, web_ui=None)
    started = time.time()
    series = LoadSeries(started)
    hooks.request.add_listener(series.record)
    phase = ["load"]

    def control() -> None:
        gevent.sleep(duration)
        phase[0] = "drain"
        desk.close()
        deadline = time.monotonic() + drain
        while desk.in_flight and time.monotonic() < deadline:
            gevent.sleep(0.1)
        runner.quit()

    def report() -> None:
        last_time, last_count = time.monotonic(), 0
        while True:
            gevent.sleep(every)
            now, count = time.monotonic(), series.requests
            rate = (count - last_count) / (now - last_time) if now > last_time else 0.0
            last_time, last_count = now, count
            on_progress(
                LoadProgress(
                    time.time() - started,
                    count,
                    series.failures,
                    rate,
                    desk.started,
                    desk.in_flight,
                    phase[0],
                )
            )

    gevent.get_hub().loop.update_now()  # the duration counts from now, not from the imports
    runner.start(users, spawn_rate=min(float(users), _SPAWN_RATE))
    controller, reporter = gevent.spawn(control), gevent.spawn(report)
    try:
        runner.greenlet.join()
    finally:
        reporter.kill()
        controller.kill()
        hooks.request.remove_listener(series.record)
        if callbacks is not None:
            callbacks.stop(timeout=2)
    return LoadResult(
        series,
        desk,
        users,
        started,
        time.time(),
        sum(e["count"] for e in runner.exceptions.values()),
        sorted(
            (
                {"name": error.name, "error": str(error.error), "count": error.occurrences}
                for error in environment.stats.errors.values()
            ),
            key=lambda entry: (entry["name"], entry["error"]),
        ),
    )


# -- open-model load (`portalsim plan probe`, `portalsim plan worker`) ---------------------------
#
# The scheduling, the histograms and the probe live in `simulator.planning`; here only what needs
# gevent and Locust: a dispatcher greenlet per process that starts each request at its intended
# time from a precomputed arrival sequence (a greenlet per request, at most `max_in_flight` at
# once), Locust's HTTP client, and Locust's master/worker messaging to share a step between
# processes and bring their histograms back.

#: a master's message to a worker: one step's plan and the worker's part of its arrivals
STEP_MESSAGE = "portalsim_plan_step"
#: a worker's answer: the part's `StepResult` (histograms in their compressed encoding)
RESULT_MESSAGE = "portalsim_plan_result"
#: the first arrival is due this long after the step starts (clients are ready by then)
_LEAD_SECONDS = 0.05
#: a worker in test mode writes every latency it recorded (µs) here, one JSON file per step
SAMPLES_VARIABLE = "PORTALSIM_PLAN_SAMPLES"


class _SessionPoster:
    """`simulator.run.publish.Poster` over a bare Locust HTTP session (no user)."""

    def __init__(self, session: FastHttpSession) -> None:
        self._session = session

    def post(self, path: str, body: dict[str, Any], name: str, *, read: bool = True) -> Answer:
        payload: Any = orjson.dumps(body)
        response = self._session.post(path, data=payload, headers=HEADERS, name=name)
        status = int(response.status_code or 0)
        return parse_answer(status, response.content if status and read else None)


_Send = Callable[[], "str | None"]


def _untyped(function: Any) -> Any:
    """A Locust class whose constructor carries no type hints, callable under mypy --strict."""
    return function


def _sender(plan: StepPlan, part: int) -> _Send:
    """What one arrival sends, returning None when it succeeded or the failure's name. The
    catalogue flow logs its units in first, so no login lands in the measured latencies."""
    parsed = urlsplit(plan.target)
    origin = f"{parsed.scheme}://{parsed.netloc}"
    if plan.flow == "get":
        # geventhttpclient's pooled client itself (what Locust's FastHttpSession wraps): the
        # least CPU per request, so one process keeps a schedule of 1,000 requests a second
        client = HTTPClient.from_url(
            origin,
            concurrency=plan.max_in_flight,
            network_timeout=plan.timeout,
            connection_timeout=min(plan.timeout, 10.0),
            insecure=True,
        )
        path = urlunsplit(("", "", parsed.path or "/", parsed.query, ""))

        def get() -> str | None:
            response = client.get(path)
            try:
                response.read()
                status = int(response.status_code)
            finally:
                response.release()
            return None if 200 <= status < 400 else f"HTTP {status}"

        return get
    session = FastHttpSession(
        origin,
        _untyped(EventHook)(),  # no listener: Locust's own (closed-model) statistics are not kept
        None,
        concurrency=plan.max_in_flight,
        network_timeout=plan.timeout,
        connection_timeout=min(plan.timeout, 10.0),
        max_retries=0,
    )
    units = plan.units[part % len(plan.units) :] + plan.units[: part % len(plan.units)]
    sessions = [UnitSession(_SessionPoster(session), unit, plan.password) for unit in units]
    for unit_session in sessions:
        unit_session.token()  # LoginRefused: the caller reports it
    turn = [0]

    def catalogue() -> str | None:
        index = turn[0]
        turn[0] += 1
        unit = sessions[index % len(sessions)]
        service = CATALOGUE_SERVICES[(index // len(sessions)) % len(CATALOGUE_SERVICES)]
        answer = unit.catalogue(service, unit.username)
        return None if answer.status == 200 else f"HTTP {answer.status or 'transport'}"

    return catalogue


def run_open_step(
    plan: StepPlan, *, part: int = 0, parts: int = 1, keep_samples: bool = False
) -> tuple[StepResult, list[int] | None]:
    """Send this process's part of `plan`'s arrivals, each at its intended time, and measure
    (from the intended time) until every request has ended or timed out."""
    times = arrival_times(plan.arrival_plan(), part=part, parts=parts)
    recorder = StepRecorder(plan, keep_samples=keep_samples)
    recorder.scheduled(len(times))
    send = _sender(plan, part)
    pool = gevent.pool.Pool(plan.max_in_flight)
    clock = time.perf_counter
    origin = clock() + _LEAD_SECONDS

    def one(intended: float) -> None:
        started = clock() - origin
        recorder.started(intended, started)
        try:
            error = send()
        except Exception as failure:  # a request's failure must not end the step
            error = type(failure).__name__
        recorder.finished(intended, started, clock() - origin, error)

    for intended in times:
        # gevent's timers count from the event loop's cached time, which may lag behind: loop
        # until the due time has really come, never start early
        while (wait := origin + intended - clock()) > 0:
            gevent.sleep(wait)
        if pool.full():
            recorder.dropped()
        else:
            pool.spawn(one, intended)
    if not pool.join(timeout=plan.timeout + 1.0):
        pool.kill(block=True, timeout=2.0)
    recorder.abandoned()
    return recorder.finish(), recorder.samples


def _local_step(plan: StepPlan) -> StepResult:
    return run_open_step(plan)[0]


class OpenModelMaster:
    """Shares each step between worker processes over Locust's master/worker messaging and
    merges their results: `--processes N` starts N local workers; across machines the
    workers are `portalsim plan worker --master-host HOST` processes started by hand."""

    def __init__(self, bind_host: str, bind_port: int) -> None:
        self.environment = Environment(user_classes=[], events=_untyped(Events)())
        self.runner: MasterRunner = self.environment.create_master_runner(bind_host, bind_port)
        self._results: dict[int, dict[int, StepResult]] = {}
        self._failures: list[str] = []
        self._arrived = gevent.event.Event()
        self._step = 0
        self.runner.register_message(RESULT_MESSAGE, self._on_result)

    def _on_result(self, environment: Environment, msg: Any, **_: Any) -> None:
        data = msg.data
        if data.get("error"):
            self._failures.append(f"worker {msg.node_id}: {data['error']}")
        else:
            part = self._results.setdefault(int(data["step"]), {})
            part[int(data["part"])] = StepResult.from_message(data["result"])
        self._arrived.set()

    @property
    def workers(self) -> list[str]:
        return sorted(node.id for node in self.runner.clients.ready)

    def wait_for_workers(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.workers) < count:
            if time.monotonic() > deadline:
                raise InfrastructureError(
                    f"only {len(self.workers)} of {count} load workers connected within "
                    f"{timeout:g} s"
                )
            gevent.sleep(0.1)

    def run_step(self, plan: StepPlan) -> StepResult:
        self._step += 1
        step, workers = self._step, self.workers
        if not workers:
            raise InfrastructureError("no load worker is connected any more")
        for index, worker in enumerate(workers):
            message = {"step": step, "part": index, "parts": len(workers)}
            self.runner.send_message(
                STEP_MESSAGE, {**message, "plan": plan.to_message()}, client_id=worker
            )
        deadline = time.monotonic() + plan.duration + plan.timeout + 30.0
        while len(self._results.get(step, {})) < len(workers) and not self._failures:
            if time.monotonic() > deadline or not set(workers) <= set(self.workers):
                raise InfrastructureError(
                    f"load workers did not all report the {plan.rate:g}/s step "
                    f"({len(self._results.get(step, {}))} of {len(workers)})"
                )
            self._arrived.clear()
            self._arrived.wait(timeout=0.5)
        if self._failures:
            raise InfrastructureError(f"a load worker failed: {self._failures[0]}")
        return StepResult.merge([self._results[step][i] for i in range(len(workers))])

    def quit(self) -> None:
        self.runner.quit()


def serve_worker(master_host: str, master_port: int) -> None:
    """A load worker: connect to the master, run the steps it sends, answer each with its
    result, until the master quits. With `PORTALSIM_PLAN_SAMPLES` set to a folder, also write
    each step's raw latencies there (the test of the exact merge)."""
    samples = os.environ.get(SAMPLES_VARIABLE)
    environment = Environment(user_classes=[], events=_untyped(Events)())
    runner: WorkerRunner = environment.create_worker_runner(master_host, master_port)

    def on_step(environment: Environment, msg: Any, **_: Any) -> None:
        data = msg.data
        reply: dict[str, Any] = {"step": data["step"], "part": data["part"]}
        try:
            plan = StepPlan.from_message(data["plan"])
            result, values = run_open_step(
                plan, part=data["part"], parts=data["parts"], keep_samples=bool(samples)
            )
            reply["result"] = result.to_message()
            if samples and values is not None:
                name = f"{runner.client_id}-step{data['step']}.json"
                (Path(samples) / name).write_bytes(orjson.dumps(values))
        except Exception as error:
            reply["error"] = f"{type(error).__name__}: {error}"
        runner.send_message(RESULT_MESSAGE, reply)

    runner.register_message(STEP_MESSAGE, on_step, concurrent=True)
    runner.greenlet.join()
