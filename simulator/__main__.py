"""`python -m simulator` runs the `portalsim` command."""

from simulator.cli import main

main()
