"""Trigger hooks: an HTTP call, a command or a manual step, each with its evidence."""

from __future__ import annotations

import io
import sys

import httpx

from simulator.conform.config import Trigger
from simulator.conform.recorder import Recorder
from simulator.conform.triggers import Fired, fire

_VALUES = {"dossier": "000.00.00.H56-261122-9001", "portal": "http://p", "target": "http://t"}


def _fire(trigger: Trigger, terminal: io.StringIO | None = None) -> Fired:
    with httpx.Client() as client:
        return fire(
            trigger,
            _VALUES,
            Recorder(client),
            target="http://127.0.0.1:9",
            limit_s=10,
            terminal_in=terminal,
            terminal_out=io.StringIO(),
        )


def test_a_command_gets_the_placeholders_and_succeeds_on_exit_0() -> None:
    """`{dossier}` is filled in; exit 0 is done, and the output is the evidence."""
    command = f"{sys.executable} -c \"import sys; print('published', sys.argv[1])\" {{dossier}}"
    fired = _fire(Trigger("command", command))
    assert fired.ok
    assert fired.evidence[0].response_body.strip() == f"published {_VALUES['dossier']}"


def test_a_failing_command_is_not_done_and_says_why() -> None:
    fired = _fire(Trigger("command", f"{sys.executable} -c \"raise SystemExit('no session')\""))
    assert not fired.ok
    assert not fired.skipped
    assert "exited 1" in fired.reason
    assert "no session" in fired.reason


def test_a_manual_step_without_a_terminal_is_skipped() -> None:
    """CI has no one to press Enter: the cases are skipped, with the prompt as the reason."""
    fired = _fire(Trigger("manual", "Đồng bộ hồ sơ {dossier} rồi nhấn Enter"))
    assert fired.skipped
    assert _VALUES["dossier"] in fired.reason


def test_an_http_trigger_to_nobody_is_not_done() -> None:
    fired = _fire(Trigger("http", "POST /conformance/sync"))
    assert not fired.ok
    assert fired.evidence[0].status is None
    assert "the trigger POST /conformance/sync failed: no answer" in fired.reason
