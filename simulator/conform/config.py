"""The province configuration of `portalsim conform` (and of the reference target): a TOML file.

```toml
[province]
unit = "000.00.00.H56"           # QCVN 102 code of the province's unit: its madonvi and login
password = "…"                   # its password at the portal (the embedded portal is given it)
procedure = "1.000948"           # optional: a procedure with fees it offers (pushed, then paid)

[endpoints]                      # paths on --target, or absolute URLs
push = "/dvcqg/hoso"             # DVCQG → province dossier push
payment_confirm = "/kpdvcqg/paymentconfirm"
payment_lookup = "/kpdvcqg/dptracuuthanhtoanhs"
sso_login = "/sso/login"         # where a browser starts a login
sso_session = "/sso/session"     # 2xx while the browser's session is logged in, else 401

[payment]                        # the province as a client of the payment platform
client_id = "…"
hash_key_1 = "…"
hash_key_2 = "…"

[sso]                            # the province as a relying party of the SSO provider
client_id = "…"
client_secret = "…"
redirect_uri = "http://127.0.0.1:9000/sso/callback"

[portal]
port = 18080                     # the embedded portal's port (the province's DVCQG base URL)
operator_token = "…"             # with --portal URL: the operator API's token

[limits]
status_sync = "60s"              # PUSH: how long the status sync back may take
trigger = "60s"                  # SYNC, PAY-CONF: how long a trigger's messages may take
request = "10s"                  # one HTTP request to the target
settle = "2s"                    # SYNC: quiet time after the last message before judging

[triggers.SYNC]                  # a case ID or a group ID; one of http, command, manual
http = "POST /conformance/sync"
[triggers.PAY-CONF]
command = "./bin/create-payment {dossier}"
# manual = "Tạo giao dịch thanh toán cho hồ sơ {dossier} rồi nhấn Enter"
```

`[province]` is required; each other table is optional, and the cases that need a missing one
are skipped with a reason naming it. A table that is present must be whole: a missing key is a
`ConformConfigError` (exit 2) naming it (`payment.hash_key_2: required`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.identifiers import parse_agency_code
from mock_portal.durations import parse_duration
from simulator.conform.plan import PLAN
from simulator.errors import UsageError

__all__ = [
    "ConformConfig",
    "ConformConfigError",
    "Endpoints",
    "Limits",
    "PaymentCredentials",
    "SsoCredentials",
    "Trigger",
    "load_conform_config",
    "parse_conform_config",
]

_ENDPOINTS = ("push", "payment_confirm", "payment_lookup", "sso_login", "sso_session")
_TRIGGER_KINDS = ("http", "command", "manual")
_PROCEDURE = re.compile(r"^\d\.\d{6}$")
_HTTP_TRIGGER = re.compile(r"^(GET|POST|PUT)\s+(\S+)$")


class ConformConfigError(UsageError):
    """A province configuration that cannot be used (exit 2)."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    push: str
    payment_confirm: str
    payment_lookup: str
    sso_login: str
    sso_session: str


@dataclass(frozen=True, slots=True)
class PaymentCredentials:
    client_id: str
    hash_key_1: str = field(repr=False)
    hash_key_2: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SsoCredentials:
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str


@dataclass(frozen=True, slots=True)
class Limits:
    status_sync: float = 60.0
    trigger: float = 60.0
    request: float = 10.0
    settle: float = 2.0


@dataclass(frozen=True, slots=True)
class Trigger:
    """How the driver makes the province run one of its own flows."""

    #: "http", "command" or "manual"
    kind: str
    #: http: "POST /path?x={dossier}"; command: a shell command; manual: the prompt shown
    value: str

    def render(self, values: dict[str, str]) -> str:
        """The value with `{dossier}`, `{portal}` and `{target}` filled in."""
        text = self.value
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text

    @property
    def http_request(self) -> tuple[str, str]:
        """(method, path or URL) of an http trigger."""
        match = _HTTP_TRIGGER.match(self.value.strip())
        assert match is not None  # checked when the configuration was read
        return match[1], match[2]


@dataclass(frozen=True, slots=True)
class ConformConfig:
    unit: str
    password: str | None = field(default=None, repr=False)
    #: MaTTHC of the pushed dossier (a procedure with fees); None: the catalogue's first one
    procedure: str | None = None
    endpoints: Endpoints | None = None
    payment: PaymentCredentials | None = None
    sso: SsoCredentials | None = None
    portal_port: int | None = None
    operator_token: str | None = field(default=None, repr=False)
    limits: Limits = field(default_factory=Limits)
    #: by case ID or group ID
    triggers: dict[str, Trigger] = field(default_factory=dict)

    @property
    def agency_code(self) -> str:
        """The unit's level-1 code, `H56`."""
        return self.unit.rsplit(".", 1)[-1]

    def trigger_for(self, case_id: str, group_id: str) -> Trigger | None:
        """The case's own trigger, else its group's."""
        return self.triggers.get(case_id) or self.triggers.get(group_id)


def load_conform_config(path: Path) -> ConformConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConformConfigError(f"{path}: no such configuration file") from None
    except OSError as error:
        raise ConformConfigError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ConformConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConformConfigError(f"{path}: not valid TOML ({error})") from None
    try:
        return parse_conform_config(raw)
    except ConformConfigError as error:
        raise ConformConfigError(f"{path}: {error.message}") from None


def parse_conform_config(raw: dict[str, Any]) -> ConformConfig:
    known = ("province", "endpoints", "payment", "sso", "portal", "limits", "triggers")
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConformConfigError(
            f"unknown table(s) {', '.join(unknown)}; known: {', '.join(known)}"
        )
    province = _table(raw, "province", required=True)
    assert province is not None  # required
    unit = _string(province, "unit", "province")
    if parse_agency_code(unit) is None:
        raise ConformConfigError(f"province.unit: {unit!r} is not a QCVN 102 agency code")
    password = _optional_string(province, "password", "province")
    procedure = _optional_string(province, "procedure", "province")
    if procedure is not None and not _PROCEDURE.match(procedure):
        raise ConformConfigError(f"province.procedure: {procedure!r} is not a MaTTHC (d.dddddd)")
    endpoints = _table(raw, "endpoints")
    payment = _table(raw, "payment")
    sso = _table(raw, "sso")
    portal = _table(raw, "portal") or {}
    port = portal.get("port")
    if port is not None and (
        isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535
    ):
        raise ConformConfigError(f"portal.port: a port number, not {port!r}")
    return ConformConfig(
        unit=unit,
        password=password,
        procedure=procedure,
        endpoints=Endpoints(**{key: _string(endpoints, key, "endpoints") for key in _ENDPOINTS})
        if endpoints is not None
        else None,
        payment=PaymentCredentials(
            client_id=_string(payment, "client_id", "payment"),
            hash_key_1=_string(payment, "hash_key_1", "payment"),
            hash_key_2=_string(payment, "hash_key_2", "payment"),
        )
        if payment is not None
        else None,
        sso=SsoCredentials(
            client_id=_string(sso, "client_id", "sso"),
            client_secret=_string(sso, "client_secret", "sso"),
            redirect_uri=_url(_string(sso, "redirect_uri", "sso"), "sso.redirect_uri"),
        )
        if sso is not None
        else None,
        portal_port=port or None,
        operator_token=_optional_string(portal, "operator_token", "portal"),
        limits=_limits(_table(raw, "limits") or {}),
        triggers=_triggers(_table(raw, "triggers") or {}),
    )


_KEYS = {
    "province": ("unit", "password", "procedure"),
    "endpoints": _ENDPOINTS,
    "payment": ("client_id", "hash_key_1", "hash_key_2"),
    "sso": ("client_id", "client_secret", "redirect_uri"),
    "portal": ("port", "operator_token"),
}


def _table(raw: dict[str, Any], key: str, *, required: bool = False) -> dict[str, Any] | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise ConformConfigError(f"[{key}]: required table missing")
        return None
    if not isinstance(value, dict):
        raise ConformConfigError(f"{key}: must be a table")
    unknown = sorted(set(value) - set(_KEYS.get(key, value)))
    if unknown:
        known = ", ".join(_KEYS[key])
        raise ConformConfigError(f"{key}: unknown key(s) {', '.join(unknown)}; known: {known}")
    return value


def _string(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if value is None:
        raise ConformConfigError(f"{where}.{key}: required")
    if not isinstance(value, str) or not value.strip():
        raise ConformConfigError(f"{where}.{key}: a non-empty string, not {value!r}")
    return value


def _optional_string(table: dict[str, Any], key: str, where: str) -> str | None:
    return _string(table, key, where) if key in table else None


def _url(value: str, where: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ConformConfigError(f"{where}: an http(s) URL, not {value!r}")
    return value


def _seconds(value: object, where: str) -> float:
    """A positive duration in seconds (`mock_portal.durations`: `250ms`, `1.5s`, `1m30s`…)."""
    try:
        return parse_duration(value).total_seconds()
    except ValueError as error:
        raise ConformConfigError(f"{where}: {error}") from None


def _limits(raw: dict[str, Any]) -> Limits:
    names = ("status_sync", "trigger", "request", "settle")
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise ConformConfigError(f"limits: unknown key(s) {', '.join(unknown)}")
    defaults = Limits()
    return Limits(
        **{
            name: _seconds(raw[name], f"limits.{name}") if name in raw else getattr(defaults, name)
            for name in names
        }
    )


def _triggers(raw: dict[str, Any]) -> dict[str, Trigger]:
    known = {case.id for case in PLAN.cases()} | {group.id for group in PLAN.groups}
    triggers = {}
    for name, entry in raw.items():
        where = f"triggers.{name}"
        if name not in known:
            raise ConformConfigError(f"{where}: {name!r} is no case or group ID of the plan")
        if not isinstance(entry, dict):
            raise ConformConfigError(f"{where}: must be a table")
        kinds = [kind for kind in _TRIGGER_KINDS if kind in entry]
        if len(kinds) != 1 or set(entry) - set(_TRIGGER_KINDS):
            raise ConformConfigError(f"{where}: exactly one of http, command, manual")
        kind = kinds[0]
        value = _string(entry, kind, where)
        if kind == "http" and not _HTTP_TRIGGER.match(value.strip()):
            raise ConformConfigError(f"{where}.http: 'METHOD PATH' like 'POST /hooks/sync'")
        triggers[name] = Trigger(kind, value)
    return triggers
