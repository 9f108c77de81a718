"""Entry point and error handling: every tool error becomes one line and its exit code."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

import click

from simulator.cli._conform import conform_command
from simulator.cli._plan import plan_group
from simulator.cli._province import province_group
from simulator.cli._report import report_command
from simulator.cli._rules import rules_command
from simulator.cli._run import run_command
from simulator.cli._serve import serve_command
from simulator.cli._validate import validate_command
from simulator.cli._verify import verify_command
from simulator.errors import EXIT_INTERNAL, EXIT_USAGE, PortalsimError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portalsim", prog_name="portalsim")
def cli() -> None:
    """portalsim — a mock National Public Service Portal (DVCQG) and conformance checker.

    \b
    Exit codes: 0 pass · 1 conformance gate failed · 2 usage or input error ·
    3 performance threshold failed · 4 target unreachable · 5 internal error.
    """


cli.add_command(validate_command)
cli.add_command(rules_command)
cli.add_command(serve_command)
cli.add_command(run_command)
cli.add_command(report_command)
cli.add_command(plan_group)
cli.add_command(conform_command)
cli.add_command(province_group)
cli.add_command(verify_command)


def run(
    arguments: Sequence[str],
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the CLI in-process and return its exit code (what tests call)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        result = cli.main(
            args=list(arguments),
            prog_name="portalsim",
            standalone_mode=False,
            obj={"stdout": out, "stderr": err},
        )
    except PortalsimError as error:
        error.show(err)
        return error.exit_code
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        err.write(f"portalsim: error: {error.format_message()}\n")
        return EXIT_USAGE
    except click.exceptions.Abort:
        err.write("portalsim: aborted\n")
        return EXIT_USAGE
    except Exception as error:
        err.write(f"portalsim: internal error: {type(error).__name__}: {error}\n")
        if os.environ.get("PORTALSIM_DEBUG"):
            traceback.print_exc(file=err)
        else:
            err.write("hint: set PORTALSIM_DEBUG=1 for the traceback, and report it\n")
        return EXIT_INTERNAL
    return int(result or 0)


def main() -> None:
    sys.exit(run(sys.argv[1:]))
