"""The result of a conformance run: what each plan case did, and the evidence of it.

The driver (`portalsim conform`) builds these; every output (console, JSON, JUnit XML, HTML) and
the verdict are pure functions of a `PlanResult`, so a result file re-renders without running the
plan again.

- `Exchange`: one HTTP request and its answer as the driver saw them (`status` None when the
  target never answered: refused connection, timeout).
- `CaseResult`: one plan case: its stable ID, group, the rules and clauses it verifies, its
  outcome (`pass`, `fail`, `skip` with a reason, `error` when the tool could not run it), the
  reason, a hint on how to fix it, the exchanges that prove it.
- `PlanResult`: the run: plan, target, province, start and end, the cases in plan order.

`PlanResult.to_json()` / `PlanResult.from_json(data)` round-trip through plain JSON types;
`dump_result(result) -> bytes` and `load_result(path) -> PlanResult` write and read a result file
(`load_result` raises `ResultFileError`, exit 2, with one line naming the file and the problem).
Datetimes are ISO 8601 with their offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

import orjson

from simulator.errors import UsageError

__all__ = [
    "OUTCOMES",
    "RESULT_FORMAT",
    "CaseResult",
    "Exchange",
    "Outcome",
    "PlanResult",
    "ResultFileError",
    "dump_result",
    "load_result",
]

Outcome = Literal["pass", "fail", "skip", "error"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
#: the "format" key of a result file, and its version
RESULT_FORMAT = "portalsim conform result"
_VERSION = 1


class ResultFileError(UsageError):
    """A result file that cannot be read back."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP exchange with the target (or the portal), kept as evidence."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: str
    #: None: no answer (connection refused, timeout)
    status: int | None
    response_headers: Mapping[str, str]
    response_body: str
    elapsed_ms: float

    @property
    def answered(self) -> bool:
        return self.status is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": self.url,
            "request_headers": dict(self.request_headers),
            "request_body": self.request_body,
            "status": self.status,
            "response_headers": dict(self.response_headers),
            "response_body": self.response_body,
            "elapsed_ms": self.elapsed_ms,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Exchange:
        return cls(
            method=str(data["method"]),
            url=str(data["url"]),
            request_headers={str(k): str(v) for k, v in data["request_headers"].items()},
            request_body=str(data["request_body"]),
            status=None if data["status"] is None else int(data["status"]),
            response_headers={str(k): str(v) for k, v in data["response_headers"].items()},
            response_body=str(data["response_body"]),
            elapsed_ms=float(data["elapsed_ms"]),
        )


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What one plan case found."""

    case_id: str
    group_id: str
    title: str
    description: str
    rules: tuple[str, ...]
    clauses: tuple[str, ...]
    outcome: Outcome
    #: why it failed, was skipped or could not run; may be empty for a pass
    reason: str
    #: how to fix it (for a failure)
    hint: str
    evidence: tuple[Exchange, ...]
    started_at: datetime
    duration_s: float

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"case {self.case_id}: unknown outcome {self.outcome!r}")

    @property
    def reached_target(self) -> bool:
        """Did any exchange of this case get an answer?"""
        return any(exchange.answered for exchange in self.evidence)

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "group_id": self.group_id,
            "title": self.title,
            "description": self.description,
            "rules": list(self.rules),
            "clauses": list(self.clauses),
            "outcome": self.outcome,
            "reason": self.reason,
            "hint": self.hint,
            "evidence": [exchange.to_json() for exchange in self.evidence],
            "started_at": self.started_at.isoformat(),
            "duration_s": self.duration_s,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CaseResult:
        outcome = str(data["outcome"])
        if outcome not in OUTCOMES:
            raise ValueError(f"case {data.get('case_id')}: unknown outcome {outcome!r}")
        return cls(
            case_id=str(data["case_id"]),
            group_id=str(data["group_id"]),
            title=str(data["title"]),
            description=str(data["description"]),
            rules=tuple(str(rule) for rule in data["rules"]),
            clauses=tuple(str(clause) for clause in data["clauses"]),
            outcome=outcome,
            reason=str(data["reason"]),
            hint=str(data["hint"]),
            evidence=tuple(Exchange.from_json(item) for item in data["evidence"]),
            started_at=datetime.fromisoformat(str(data["started_at"])),
            duration_s=float(data["duration_s"]),
        )


@dataclass(frozen=True, slots=True)
class PlanResult:
    """One run of a plan against one target."""

    plan_id: str
    #: the base URL of the system under test
    target: str
    #: GSO code of the province under test ("52")
    province: str
    started_at: datetime
    finished_at: datetime
    cases: tuple[CaseResult, ...] = field(default_factory=tuple)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for case in self.cases if case.outcome == outcome)

    def groups(self) -> list[str]:
        """Group IDs in the order of their first case."""
        return list(dict.fromkeys(case.group_id for case in self.cases))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": RESULT_FORMAT,
            "version": _VERSION,
            "plan_id": self.plan_id,
            "target": self.target,
            "province": self.province,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "cases": [case.to_json() for case in self.cases],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanResult:
        """The result of `to_json()`; ValueError/KeyError/TypeError for anything else."""
        if data.get("format") != RESULT_FORMAT:
            raise ValueError(f"not a {RESULT_FORMAT} (format {data.get('format')!r})")
        if data.get("version") != _VERSION:
            raise ValueError(f"unsupported version {data.get('version')!r} (expected {_VERSION})")
        return cls(
            plan_id=str(data["plan_id"]),
            target=str(data["target"]),
            province=str(data["province"]),
            started_at=datetime.fromisoformat(str(data["started_at"])),
            finished_at=datetime.fromisoformat(str(data["finished_at"])),
            cases=tuple(CaseResult.from_json(case) for case in data["cases"]),
        )


def dump_result(result: PlanResult) -> bytes:
    return orjson.dumps(result.to_json(), option=orjson.OPT_INDENT_2) + b"\n"


def load_result(path: Path) -> PlanResult:
    """A result file written by `dump_result` (or embedded under "result" in results.json)."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        raise ResultFileError(f"{path}: cannot read the result file ({error.strerror})") from None
    except orjson.JSONDecodeError as error:
        raise ResultFileError(f"{path}: not JSON ({error})") from None
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data = data["result"]
    if not isinstance(data, dict):
        raise ResultFileError(f"{path}: not a {RESULT_FORMAT}")
    try:
        return PlanResult.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        raise ResultFileError(f"{path}: not a valid {RESULT_FORMAT}: {detail}") from None
