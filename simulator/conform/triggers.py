"""Trigger hooks: how the driver makes the province run one of its own flows.

A trigger (configuration `[triggers.<case or group>]`) is an HTTP call to the target
(`http = "POST /hooks/sync"`), a shell command (`command = "…"`, run with a time limit), or a
manual step (`manual = "prompt"`: shown on the terminal, the driver waits for Enter). `{dossier}`,
`{portal}` and `{target}` in the value are filled in. The outcome is `Fired`: whether it worked,
why not, and the exchange as evidence; a manual step without a terminal is `skipped`.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from typing import TextIO

from simulator.conform.config import Trigger
from simulator.conform.recorder import Answer, Recorder
from simulator.conform.results import Exchange

__all__ = ["Fired", "fire"]


@dataclass(frozen=True, slots=True)
class Fired:
    ok: bool
    reason: str = ""
    skipped: bool = False
    evidence: tuple[Exchange, ...] = ()
    answer: Answer | None = None


def _absolute(path: str, target: str) -> str:
    return path if path.startswith(("http://", "https://")) else target.rstrip("/") + path


def fire(
    trigger: Trigger,
    values: dict[str, str],
    recorder: Recorder,
    *,
    target: str,
    limit_s: float,
    terminal_in: TextIO | None,
    terminal_out: TextIO,
) -> Fired:
    if trigger.kind == "http":
        method, path = Trigger("http", trigger.render(values)).http_request
        # The trigger's limit, as for a command: publishing a whole dossier may take longer
        # than one ordinary request.
        answer = recorder.send(method, _absolute(path, target), timeout=limit_s)
        ok = answer.status is not None and 200 <= answer.status < 300
        reason = "" if ok else f"the trigger {method} {path} failed: {answer.describe()}"
        return Fired(ok, reason, evidence=(answer.exchange,), answer=answer)
    if trigger.kind == "command":
        command = trigger.render(values)
        started = time.perf_counter()
        try:
            done = subprocess.run(
                command, shell=True, capture_output=True, timeout=limit_s, check=False
            )
            status: int | None = done.returncode
            output = (done.stdout + done.stderr).decode("utf-8", "replace")[-4000:]
        except subprocess.TimeoutExpired:
            status, output = None, f"no end within {limit_s:g} s"
        exchange = Exchange(
            method="RUN",
            url=f"command: {command}",
            request_headers={},
            request_body="",
            status=status,
            response_headers={},
            response_body=output,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        ok = status == 0
        reason = "" if ok else f"the trigger command exited {status}: {output.strip()[-300:]}"
        return Fired(ok, reason, evidence=(exchange,))
    prompt = trigger.render(values)
    if terminal_in is None or not terminal_in.isatty():
        return Fired(False, f"manual step needs a terminal: {prompt}", skipped=True)
    terminal_out.write(f"portalsim: manual step: {prompt}\n  press Enter when done… ")
    terminal_out.flush()
    terminal_in.readline()
    return Fired(True)
