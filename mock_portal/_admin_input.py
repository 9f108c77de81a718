"""Reading the operator API's input: JSON bodies and query parameters, with clear 400s.

Every problem is an `AdminInputError` whose message names the parameter or key and what is
wrong, so an operator's typo (`?provice=38`) is refused instead of silently ignored.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from starlette.requests import Request

from mock_portal.store import VIETNAM
from mock_portal.wire import WireError, parse_json_object, read_body
from simulator.domain import Province, bundled_provinces


class AdminInputError(ValueError):
    """Bad input to an operator route: answered 400 (or `status`) with the message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def json_object(request: Request, max_bytes: int, max_depth: int) -> dict[str, Any]:
    """The request body as a JSON object (no body at all is `{}`; blanks are not JSON, so a
    reset sent a body of blank lines is refused rather than run with the defaults)."""
    try:
        raw = await read_body(request, max_bytes)
        if not raw:
            return {}
        return parse_json_object(raw, max_depth)[1]
    except WireError as error:
        raise AdminInputError(error.message, error.status) from None


def only_keys(body: dict[str, Any], known: Collection[str], what: str = "body") -> None:
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise AdminInputError(
            f"{what}: unknown key {unknown[0]!r}; known: {', '.join(sorted(known))}"
        )


def only_params(request: Request, known: Collection[str]) -> None:
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        shown = ", ".join(sorted(known)) or "none"
        raise AdminInputError(f"unknown query parameter {unknown[0]!r}; known: {shown}")


def integer(request: Request, name: str, default: int, low: int, high: int | None = None) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise AdminInputError(f"{name}: {text!r} is not an integer") from None
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise AdminInputError(f"{name}: must be {bounds}, not {value}")
    return value


def moment(request: Request, name: str) -> datetime | None:
    """An ISO 8601 date-time; without an offset, Vietnamese time. A `+` that the query string
    turned into a space (an unencoded `+07:00`) is read back as `+`."""
    text = request.query_params.get(name)
    if text is None or text == "":
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        raise AdminInputError(
            f"{name}: {text!r} is not an ISO date-time like 2026-03-02T08:00:00+07:00"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=VIETNAM)


def province(code: str, status: int = 404) -> Province:
    """One of the 34 provinces by GSO code ("38") or Hxx code ("H56"); `status` otherwise."""
    registry = bundled_provinces()
    found = registry.by_code(code)
    if found is not None:
        return found
    successor = registry.successor(code)
    if successor is not None:
        raise AdminInputError(
            f"province {code!r} was merged into {successor.name} ({successor.code}) on"
            " 2025-07-01; ask for that one",
            status,
        )
    raise AdminInputError(
        f"no province {code!r}: give a GSO code like 38 or an agency code like H56", status
    )
