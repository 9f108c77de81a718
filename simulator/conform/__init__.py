"""`portalsim conform`: a conformance test plan run against a province's one-stop system.

The plan and how it runs: `plan` (groups and cases with stable IDs, the rules and clauses each
verifies), `config` (the province's TOML configuration), `driver` and the modules it uses.

What a run found and what becomes of it (docs/conformance.md):

- `results`: `PlanResult`, `CaseResult`, `Exchange` (the evidence), with a JSON round trip;
- `waivers`: `load_waivers(path, known_case_ids, today)` reads a waiver file (exit 2 when bad);
- `verdict`: `decide(result, waivers, today) -> Verdict`, the statuses after waivers and the exit
  code of DESIGN §4;
- outputs, each a pure function of the result and the verdict: `console` (`write_summary`),
  `machine` (`render_json`, `render_junit`), `page` (`render_html`), with `evidence` showing
  exchanges redacted; `outputs.conclude(...)` decides, writes them all and returns the exit code;
- `coverage`: which rules of the profile the plan's cases verify (`portalsim rules --coverage`).
"""
