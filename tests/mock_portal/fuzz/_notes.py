"""What the fuzzing suite says of itself in docs/reliability.md (through `tests._figures`)."""

from __future__ import annotations

from tests._figures import record_figures

NOTES = [
    "Schemathesis (`test_schemathesis.py`) fetches the portal's own `/openapi.json` (valid "
    "OpenAPI 3.1) and generates valid and invalid requests for every operation: examples, "
    "coverage variations of every field and parameter, random data. They go in-process to a "
    "strict portal with live credentials where the request's own are well-formed (operator "
    "token, SSO client and access token, the unit's session, a payment's checksum). Checked: "
    "no 5xx; status, content type, headers and body as documented; invalid input refused "
    "(HTTP >= 400, or the portal's business refusal: HTTP 200 with a non-zero `error_code` or "
    "`error`); missing or wrong credentials refused; undocumented methods answered 405 with "
    "`Allow`. Default run: 8 examples per operation, deterministic, the coverage phase of the "
    "two big message operations left to the slow run; slow run (`pytest -m slow`): 300, random.",
    "Hypothesis properties (`test_rpc_properties.py`) of `/api/dvcqg/integration`, `/share` and "
    "`/login` on a lenient portal: any JSON value or raw bytes as the body, a value of the "
    "wrong type in every string field of a real dossier sync, bodies over the size limit "
    "(declared or streamed), nesting past the limit, invalid UTF-8 inside strings, wrong "
    "content types, unknown services, huge arrays. Each must be refused with the portal's "
    "error body (non-zero `error_code`, a message naming the problem, HTTP 4xx) and leave "
    "dossiers, status events and payments as they were. SQLite 40 examples per property, "
    "PostgreSQL 10.",
    "Defects found and fixed: a 405 had no `Allow` header (c878a27), then named only the "
    "methods of one of the routes at the path (9df2528); the payer's page was documented as a "
    "JSON operation answering only 200, and operator routes answering 201 did not say so "
    "(df8da43); a body nested past orjson's own limit was called 'not JSON' (5a1da1f); a "
    "`data` array of 60 000 empty objects cost minutes of CPU and ~15 findings each, now "
    "refused 413 past `limits.max_items` (cba253f); an /admin path with a newline in a "
    "parameter fell through to the portal's 404, past the operator token check (d971204); "
    "POST /admin/reset with a body of blank lines ran a reset instead of refusing it (5a45153).",
]


def publish(data: dict[str, object]) -> None:
    record_figures("fuzzing", {"notes": NOTES, "defects_fixed": 7, **data})
