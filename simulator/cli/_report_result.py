"""`portalsim report --result results.json`: a conformance run judged and rendered again.

The run is not repeated: the plan's result is read from the `results.json` that
`portalsim conform --reports` wrote, judged with its recorded waivers (or `--waivers FILE`) on
`--today` (default: today in Việt Nam), and its console summary, `results.json`, `junit.xml`
and `report.html` are written again. Same exit codes as `portalsim conform`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import contracts.profiles
from simulator.cli._streams import stdout
from simulator.conform.outputs import conclude, recorded_waivers
from simulator.conform.plan import case_ids, plan_cases
from simulator.conform.results import load_result
from simulator.conform.waivers import load_waivers
from simulator.reports.waivers import today_in_vietnam

__all__ = ["report_result"]


def report_result(
    result_path: Path, waivers_path: Path | None, today: dt.date | None, reports: Path
) -> int:
    day = today or today_in_vietnam()
    result = load_result(result_path)
    rules = {rule.id: rule for rule in contracts.profiles.load().rules}
    if waivers_path is None:
        waivers = recorded_waivers(result_path)
    else:
        waivers = load_waivers(
            waivers_path,
            case_ids(),
            day,
            case_rules={case.id: case.rules for case in plan_cases()},
            known_rules=set(rules),
        )
    out = stdout()
    return conclude(result, waivers, day, out=out, reports=reports, rules=rules)
