"""Waivers: known failures a province may carry for a while, each with an owner, a reason and an
expiry date.

A waiver file (TOML) is a list of `[[waiver]]` tables::

    [[waiver]]
    case = "PAY-002"                 # a plan case (portalsim conform) …
    rule = "TT-004"                  # … and/or a rule (optional for a case; the subject of a
                                     #     waiver of recorded traffic, in a gate file)
    province = "52"                  # GSO code of the province it is granted to
    owner = "Trần Thị B <b@vendor.example>"
    reason = "checksum verification ships in release 4.2"
    expires = 2026-12-31             # a TOML date or "2026-12-31"; valid through that day

A waiver is valid up to and including its expiry date, judged on the calendar of
Asia/Ho_Chi_Minh (`today_in_vietnam()`), and expired from the next day on. This module parses
and checks the entries (`parse_waivers`); what a waiver does is up to its user: `portalsim
conform` waives failing cases (`simulator.conform.waivers`), the gate of recorded traffic waives
a rule's findings in one province (`simulator.reports.gate`).

Every problem is one `WaiverError` line naming the file, the entry and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from simulator.domain import PROVINCES_2025, VN_TZ

__all__ = [
    "VIETNAM",
    "Waiver",
    "WaiverError",
    "parse_waiver_date",
    "parse_waivers",
    "read_waiver_file",
    "today_in_vietnam",
]

VIETNAM = VN_TZ  # the calendar's zone: waivers expire by the same clock
_PROVINCE_NAMES = {province.code: province.name for province in PROVINCES_2025}
_KEYS = ("case", "rule", "province", "owner", "reason", "expires")
Subject = Literal["case", "rule"]


class WaiverError(ValueError):
    """A waiver file or entry that cannot be used; the message is the whole line."""


def today_in_vietnam(now: Callable[[dt.tzinfo], dt.datetime] = dt.datetime.now) -> dt.date:
    """Today's date in Việt Nam, which decides whether a waiver has expired."""
    return now(VIETNAM).date()


def parse_waiver_date(text: str) -> dt.date:
    """`YYYY-MM-DD` (for `--today`); ValueError otherwise."""
    return dt.date.fromisoformat(text.strip())


@dataclass(frozen=True, slots=True)
class Waiver:
    """One entry of a waiver file."""

    #: where it comes from, for messages: "waivers.toml, waiver 2"
    source: str
    #: 1-based position in the file
    entry: int
    case: str | None
    rule: str | None
    province: str
    owner: str
    reason: str
    expires: dt.date

    @property
    def province_name(self) -> str:
        return _PROVINCE_NAMES.get(self.province, "")

    @property
    def subject(self) -> str:
        """ "case PAY-002", "rule HS-002" or "case PAY-002 (rule TT-004)"."""
        if self.case and self.rule:
            return f"case {self.case} (rule {self.rule})"
        return f"case {self.case}" if self.case else f"rule {self.rule}"

    @property
    def where(self) -> str:
        return f"{self.source}, waiver {self.entry}"

    def expired(self, today: dt.date) -> bool:
        """Expired from the day after `expires`."""
        return today > self.expires

    def days_left(self, today: dt.date) -> int:
        """Days until it expires (0: its last day; negative: expired that many days ago)."""
        return (self.expires - today).days

    def to_json(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "case": self.case,
            "rule": self.rule,
            "province": self.province,
            "owner": self.owner,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
        }


def read_waiver_file(path: Path) -> Sequence[Any]:
    """The `waiver` entries of a TOML waiver file (not checked yet)."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise WaiverError(f"{path}: cannot read the waiver file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise WaiverError(f"{path}: not a TOML waiver file (not UTF-8 text)") from None
    except tomllib.TOMLDecodeError as error:
        raise WaiverError(f"{path}: not a TOML waiver file ({error})") from None
    unknown = sorted(set(document) - {"waiver"})
    if unknown:
        raise WaiverError(
            f"{path}: unknown key {unknown[0]!r} (a waiver file holds [[waiver]] tables)"
        )
    entries = document.get("waiver", [])
    if not isinstance(entries, list):
        raise WaiverError(f"{path}: 'waiver' must be an array of tables ([[waiver]])")
    return entries


def _text(table: Mapping[str, Any], key: str, where: str, *, required: bool) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise WaiverError(f"{where}: missing {key!r}")
        return None
    if not isinstance(value, str) or not value.strip():
        raise WaiverError(f"{where}: {key!r} must be a non-empty string, not {value!r}")
    return value.strip()


def _required(table: Mapping[str, Any], key: str, where: str) -> str:
    value = _text(table, key, where, required=True)
    if value is None:  # pragma: no cover - _text raised already
        raise WaiverError(f"{where}: missing {key!r}")
    return value


def _expires(table: Mapping[str, Any], where: str) -> dt.date:
    value = table.get("expires")
    if value is None:
        raise WaiverError(f"{where}: missing 'expires' (the date the waiver ends, YYYY-MM-DD)")
    if isinstance(value, dt.datetime):
        raise WaiverError(f"{where}: 'expires' must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise WaiverError(f"{where}: 'expires' = {value!r} is not a date (YYYY-MM-DD)")


def _province(table: Mapping[str, Any], where: str) -> str:
    value = table.get("province")
    if value is None:
        raise WaiverError(
            f"{where}: missing 'province' (the GSO code it is granted to, e.g. \"52\")"
        )
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    code = f"{int(text):02d}" if text.isdigit() else text
    if code not in _PROVINCE_NAMES:
        raise WaiverError(f"{where}: province {value!r} is not one of the 34 provinces' codes")
    return code


def parse_waivers(
    entries: Sequence[Any],
    source: str,
    *,
    subject: Subject,
    known_cases: Collection[str] | None = None,
    known_rules: Collection[str] | None = None,
    case_rules: Mapping[str, Collection[str]] | None = None,
) -> tuple[Waiver, ...]:
    """Check every entry; the first problem raises `WaiverError`.

    `subject` is what each entry must name: a `case` (portalsim conform) or a `rule` (a gate of
    recorded traffic, where a case makes no sense). `known_cases`, `known_rules`: the IDs an entry
    may name (None: not checked). `case_rules`: the rules each case verifies, so that a waiver's
    optional rule is one its case verifies. Two entries for the same subject and province are an
    error: which one would count?
    """
    waivers: list[Waiver] = []
    seen: dict[tuple[str | None, str | None, str], int] = {}
    for number, table in enumerate(entries, start=1):
        where = f"{source}, waiver {number}"
        if not isinstance(table, dict):
            raise WaiverError(f"{where}: expected a table ([[waiver]])")
        label = table.get("case") or table.get("rule")
        if isinstance(label, str):
            where = f"{where} ({label})"
        unknown = sorted(set(table) - set(_KEYS))
        if unknown:
            raise WaiverError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_KEYS)})")
        case = _text(table, "case", where, required=subject == "case")
        rule = _text(table, "rule", where, required=subject == "rule")
        if subject == "rule" and case is not None:
            raise WaiverError(
                f"{where}: a waiver of recorded traffic names a rule, not a case ({case!r})"
            )
        if case is not None and known_cases is not None and case not in known_cases:
            raise WaiverError(f"{where}: unknown case ID {case!r} (not in the plan)")
        if rule is not None and known_rules is not None and rule not in known_rules:
            raise WaiverError(f"{where}: unknown rule {rule!r} (not in the profile)")
        if case is not None and rule is not None and case_rules is not None:
            verified = case_rules.get(case, ())
            if rule not in verified:
                raise WaiverError(
                    f"{where}: case {case} does not verify rule {rule} "
                    f"(it verifies {', '.join(verified) or 'no rule'})"
                )
        province = _province(table, where)
        owner = _required(table, "owner", where)
        reason = _required(table, "reason", where)
        expires = _expires(table, where)
        key = (case, None if case else rule, province)
        if key in seen:
            raise WaiverError(
                f"{where}: the same {'case' if case else 'rule'} and province as waiver {seen[key]}"
            )
        seen[key] = number
        waivers.append(Waiver(source, number, case, rule, province, owner, reason, expires))
    return tuple(waivers)
