"""Child processes that end with the run that started them.

`portalsim run` and `portalsim plan probe` start `portalsim serve` and load workers as child
processes and stop them on the way out. If the parent itself dies hard (SIGKILL, a crash in C
code, an out-of-memory kill), nothing stops them: a leftover portal keeps its port and database
file, and a leftover worker keeps looking for its master. So the parent names itself in the
child's environment (`child_environment`), and the child (`follow_parent`) watches that its
parent is still the one that started it, and stops itself with SIGTERM, as Ctrl-C or a
supervisor would (uvicorn then shuts down gracefully and the last batch is committed), once
it is gone; if it has not ended `GRACE_SECONDS` later (a shutdown stuck on a database that is
gone), it kills itself.

A watchdog thread polling `os.getppid()`, not Linux's PR_SET_PDEATHSIG: that signal fires when
the parent's *thread* that started the child ends, which would stop a child started from a
short-lived thread while the run goes on, and it does not exist on macOS.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Mapping

#: the pid of the process the child must not outlive
PARENT_VARIABLE = "PORTALSIM_PARENT_PID"
#: seconds between two looks at the parent
POLL_SECONDS = 0.5
#: seconds a graceful shutdown may take before the child kills itself
GRACE_SECONDS = 30.0


def child_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child that must end with this process."""
    environment = dict(os.environ if base is None else base)
    environment[PARENT_VARIABLE] = str(os.getpid())
    return environment


def follow_parent(poll_seconds: float = POLL_SECONDS) -> threading.Thread | None:
    """In a child started with `child_environment`: SIGTERM itself once that parent is gone.

    Returns the watchdog thread, or None when no parent was named (started by hand: nothing to
    follow). The variable is removed so the child's own children do not follow the wrong pid.
    """
    named = os.environ.pop(PARENT_VARIABLE, "")
    if not named.isdigit():
        return None
    parent = int(named)
    watchdog = threading.Thread(
        target=_watch, args=(parent, poll_seconds), name="portalsim-lifeline", daemon=True
    )
    watchdog.start()
    return watchdog


def _watch(parent: int, poll_seconds: float) -> None:
    # A dead parent's children are handed to init or a subreaper: the parent pid changes.
    while os.getppid() == parent:
        time.sleep(poll_seconds)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)  # a daemon thread: it ends with the process, if that ends
    os.kill(os.getpid(), signal.SIGKILL)
