"""The portal's configuration: a TOML file, checked whole before anything starts.

```toml
mode = "lenient"                 # or "strict"
session_lifetime = "1h"
operator_token = "…"             # optional: otherwise one is generated on first start
viewer_token = "…"               # optional: opens the dashboard read-only (docs/dashboard.md)
[limits]
max_body_bytes = 1048576
max_depth = 32
max_items = 1000                 # items of a message's `data` array (more: refused, 413)
login_failures = 5               # failed logins per user …
login_window = "15m"             # … within this window before logins are throttled
[[units]]
code = "000.00.00.H56"           # QCVN 102 agency code; the login name unless `username` is set
name = "UBND tỉnh Thanh Hóa"
password = "…"                   # hashed on load; never stored in clear
callback_url = "http://127.0.0.1:9000/kpdvcqg/"
[faults."*"]                     # or a unit code: see mock_portal/faults.py
errors = { rate = 0.05, statuses = [503] }

[[payment_clients]]              # the payment platform's merchants (domain.md §4)
client_id = "thanhhoa-pay"
unit = "000.00.00.H56"
hash_key_1 = "…"                 # signs province → platform calls
hash_key_2 = "…"                 # signs platform → province callbacks
callback_url = "http://127.0.0.1:9000/kpdvcqg/"   # default: the unit's callback_url
[payments]
callback_attempts = 6            # paymentconfirm tries before giving up
callback_backoff = "1s"          # first retry delay, doubled each time
duplicate_rate = 0.0             # share of callbacks delivered twice on purpose
outcomes = { paid = 0.9, failed = 0.07, abandoned = 0.03 }   # settle-many mix
callback_timeout = "10s"         # one attempt's limit ("250ms", 0.25 and "1m" work too)
seed = 0                         # seed of the duplicate draws and of settle-many

[[sso_clients]]                  # relying parties of the OpenID Connect provider (domain.md §5)
client_id = "motcua-thanhhoa"
client_secret = "…"
unit = "000.00.00.H56"
redirect_uris = ["http://127.0.0.1:9000/sso/callback"]
post_logout_redirect_uris = ["http://127.0.0.1:9000/"]
required_acr = "LoA2"            # optional: lowest acr_values the client may ask for
[sso]
code_lifetime = "60s"
token_lifetime = "10m"
issuer = "http://127.0.0.1:8080"  # optional: default, the URL each request came to
key_passphrase = "…"             # optional: encrypts the signing key in the store
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from contracts.identifiers import parse_agency_code
from mock_portal import durations

MODES = ("strict", "lenient")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file, the key and the problem."""


@dataclass(frozen=True, slots=True)
class UnitConfig:
    code: str
    name: str
    password: str
    username: str
    callback_url: str | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    max_body_bytes: int = 1 << 20
    max_depth: int = 32
    #: items of one message's `data`: each is checked field by field, so this bounds the work
    #: (and the findings) one request can cost
    max_items: int = 1000
    login_failures: int = 5
    login_window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class PaymentClient:
    client_id: str
    unit: str
    #: the keys stay out of reprs, so a logged or printed configuration shows no secret
    hash_key_1: str = field(repr=False)
    hash_key_2: str = field(repr=False)
    callback_url: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentSettings:
    callback_attempts: int = 6
    callback_backoff: timedelta = timedelta(seconds=1)
    duplicate_rate: float = 0.0
    outcomes: tuple[tuple[str, float], ...] = (("paid", 0.9), ("failed", 0.07), ("abandoned", 0.03))
    #: how long one callback attempt may take before it counts as unanswered
    callback_timeout: timedelta = timedelta(seconds=10)
    #: seed of the duplicate draws and of settle-many (None: 0)
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class SsoClient:
    client_id: str
    client_secret: str = field(repr=False)
    unit: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()
    required_acr: str | None = None


@dataclass(frozen=True, slots=True)
class SsoSettings:
    code_lifetime: timedelta = timedelta(seconds=60)
    token_lifetime: timedelta = timedelta(minutes=10)
    #: the `iss` of ID tokens and discovery; None: the URL the request came to
    issuer: str | None = None
    #: encrypts the signing key's private half in the store; None: stored unencrypted
    key_passphrase: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class PortalConfig:
    mode: str = "lenient"
    session_lifetime: timedelta = timedelta(hours=1)
    operator_token: str | None = None
    viewer_token: str | None = None
    limits: Limits = field(default_factory=Limits)
    units: tuple[UnitConfig, ...] = ()
    faults: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_clients: tuple[PaymentClient, ...] = ()
    payments: PaymentSettings = field(default_factory=PaymentSettings)
    sso_clients: tuple[SsoClient, ...] = ()
    sso: SsoSettings = field(default_factory=SsoSettings)

    def with_mode(self, mode: str | None) -> PortalConfig:
        if mode is None:
            return self
        _check_mode(mode, "--mode")
        return _replace(self, mode=mode)

    def with_units(self, units: tuple[UnitConfig, ...]) -> PortalConfig:
        return _replace(self, units=self.units + units)


def _replace(config: PortalConfig, **changes: Any) -> PortalConfig:
    values = {name: getattr(config, name) for name in config.__dataclass_fields__}
    values.update(changes)
    return PortalConfig(**values)


def load_config(path: Path) -> PortalConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    try:
        return parse_config(raw)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def parse_config(raw: dict[str, Any]) -> PortalConfig:
    known = {
        "mode",
        "session_lifetime",
        "operator_token",
        "viewer_token",
        "limits",
        "units",
        "faults",
        "payment_clients",
        "payments",
        "sso_clients",
        "sso",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    mode = raw.get("mode", "lenient")
    _check_mode(mode, "mode")
    token = raw.get("operator_token")
    if token is not None and (not isinstance(token, str) or len(token) < 16):
        raise ConfigError("operator_token: must be a string of at least 16 characters")
    viewer = raw.get("viewer_token")
    if viewer is not None and (not isinstance(viewer, str) or len(viewer) < 16):
        raise ConfigError("viewer_token: must be a string of at least 16 characters")
    if viewer is not None and viewer == token:
        raise ConfigError("viewer_token: must differ from operator_token")
    faults = raw.get("faults", {})
    if not isinstance(faults, dict) or not all(isinstance(v, dict) for v in faults.values()):
        raise ConfigError('faults: a table of tables, e.g. [faults."*"]')
    # Imported here: the fault profile module builds on this one's ConfigError.
    from mock_portal._fault_profile import parse_profile

    for scope, profile in faults.items():
        parse_profile(profile, f"faults.{scope}")
    return PortalConfig(
        mode=mode,
        session_lifetime=parse_duration(raw.get("session_lifetime", "1h"), "session_lifetime"),
        operator_token=token,
        viewer_token=viewer,
        limits=_limits(raw.get("limits", {})),
        units=tuple(_unit(index, entry) for index, entry in enumerate(_list(raw, "units"))),
        faults=faults,
        payment_clients=_payment_clients(_list(raw, "payment_clients")),
        payments=_payments(raw.get("payments", {})),
        sso_clients=_sso_clients(_list(raw, "sso_clients")),
        sso=_sso(raw.get("sso", {})),
    )


def _check_mode(mode: object, where: str) -> None:
    if mode not in MODES:
        raise ConfigError(f"{where}: {mode!r} is not one of {', '.join(MODES)}")


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{key}: must be an array of tables ([[{key}]])")
    return value


def _limits(raw: Any) -> Limits:
    if not isinstance(raw, dict):
        raise ConfigError("limits: must be a table")
    defaults = Limits()
    values: dict[str, Any] = {}
    for name in ("max_body_bytes", "max_depth", "max_items", "login_failures"):
        value = raw.get(name, getattr(defaults, name))
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"limits.{name}: must be a positive integer, not {value!r}")
        values[name] = value
    values["login_window"] = parse_duration(raw.get("login_window", "15m"), "limits.login_window")
    return Limits(**values)


def _unit(index: int, entry: Any) -> UnitConfig:
    where = f"units[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table")
    code = entry.get("code")
    if not isinstance(code, str) or parse_agency_code(code) is None:
        raise ConfigError(
            f"{where}.code: {code!r} is not a QCVN 102 agency code like 000.00.00.H56"
        )
    password = entry.get("password")
    if not isinstance(password, str) or not password:
        raise ConfigError(f"{where}.password: required")
    callback = entry.get("callback_url")
    if callback is not None and not (
        isinstance(callback, str) and callback.startswith(("http://", "https://"))
    ):
        raise ConfigError(f"{where}.callback_url: must be an http(s) URL")
    return UnitConfig(
        code=code,
        name=str(entry.get("name", code)),
        password=password,
        username=str(entry.get("username", code)),
        callback_url=callback,
    )


def _string(entry: dict[str, Any], key: str, where: str, *, minimum: int = 1) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or len(value) < minimum:
        detail = f"at least {minimum} characters" if minimum > 1 else "required"
        raise ConfigError(f"{where}.{key}: a string, {detail}")
    return value


def _agency(entry: dict[str, Any], where: str) -> str:
    code = entry.get("unit")
    if not isinstance(code, str) or parse_agency_code(code) is None:
        raise ConfigError(f"{where}.unit: {code!r} is not a QCVN 102 agency code")
    return code


def _url(value: object, where: str) -> str:
    if not (isinstance(value, str) and value.startswith(("http://", "https://"))):
        raise ConfigError(f"{where}: must be an http(s) URL, not {value!r}")
    return value


def _payment_clients(entries: list[Any]) -> tuple[PaymentClient, ...]:
    clients = tuple(_payment_client(index, entry) for index, entry in enumerate(entries))
    seen: set[str] = set()
    for index, client in enumerate(clients):
        if client.client_id in seen:
            raise ConfigError(
                f"payment_clients[{index}].client_id: {client.client_id!r} is repeated"
            )
        seen.add(client.client_id)
    return clients


def _payment_client(index: int, entry: Any) -> PaymentClient:
    where = f"payment_clients[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table")
    callback = entry.get("callback_url")
    return PaymentClient(
        client_id=_string(entry, "client_id", where),
        unit=_agency(entry, where),
        hash_key_1=_string(entry, "hash_key_1", where, minimum=16),
        hash_key_2=_string(entry, "hash_key_2", where, minimum=16),
        callback_url=_url(callback, f"{where}.callback_url") if callback is not None else None,
    )


_PAYMENT_KEYS = (
    "callback_attempts",
    "callback_backoff",
    "callback_timeout",
    "duplicate_rate",
    "outcomes",
    "seed",
)


def _payments(raw: Any) -> PaymentSettings:
    if not isinstance(raw, dict):
        raise ConfigError("payments: must be a table")
    unknown = sorted(set(raw) - set(_PAYMENT_KEYS))
    if unknown:
        raise ConfigError(
            f"payments: unknown key(s) {', '.join(unknown)}; known: {', '.join(_PAYMENT_KEYS)}"
        )
    defaults = PaymentSettings()
    seed = raw.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ConfigError(f"payments.seed: a whole number, not {seed!r}")
    attempts = raw.get("callback_attempts", defaults.callback_attempts)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or not 1 <= attempts <= 20:
        raise ConfigError(
            f"payments.callback_attempts: a whole number from 1 to 20, not {attempts!r}"
        )
    duplicate = raw.get("duplicate_rate", defaults.duplicate_rate)
    if (
        not isinstance(duplicate, int | float)
        or isinstance(duplicate, bool)
        or not 0 <= duplicate <= 1
    ):
        raise ConfigError(f"payments.duplicate_rate: a number from 0 to 1, not {duplicate!r}")
    outcomes = raw.get("outcomes", dict(defaults.outcomes))
    known = ("paid", "failed", "abandoned")
    if (
        not isinstance(outcomes, dict)
        or set(outcomes) - set(known)
        or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
            for v in outcomes.values()
        )
        or sum(outcomes.values()) <= 0
    ):
        raise ConfigError(
            "payments.outcomes: non-negative weights for paid, failed, abandoned, not all zero"
        )
    return PaymentSettings(
        callback_attempts=attempts,
        callback_backoff=_fine_duration(
            raw.get("callback_backoff", "1s"), "payments.callback_backoff"
        ),
        duplicate_rate=float(duplicate),
        outcomes=tuple((name, float(outcomes.get(name, 0))) for name in known),
        callback_timeout=_fine_duration(
            raw.get("callback_timeout", "10s"), "payments.callback_timeout"
        ),
        seed=seed,
    )


def _fine_duration(value: object, where: str) -> timedelta:
    """A duration that may be short (`250ms`, `0.25`) and is at most an hour."""
    duration = parse_duration(value, where, at_least=timedelta(microseconds=1))
    if duration > timedelta(hours=1):
        raise ConfigError(f"{where}: {value!r} must be more than 0 and at most 1h")
    return duration


def _sso_clients(entries: list[Any]) -> tuple[SsoClient, ...]:
    clients = tuple(_sso_client(index, entry) for index, entry in enumerate(entries))
    seen: set[str] = set()
    for index, client in enumerate(clients):
        if client.client_id in seen:
            raise ConfigError(f"sso_clients[{index}].client_id: {client.client_id!r} is repeated")
        seen.add(client.client_id)
    return clients


def _sso_client(index: int, entry: Any) -> SsoClient:
    where = f"sso_clients[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table")
    redirects = entry.get("redirect_uris")
    if not isinstance(redirects, list) or not redirects:
        raise ConfigError(f"{where}.redirect_uris: a non-empty array of URLs")
    logouts = entry.get("post_logout_redirect_uris", [])
    if not isinstance(logouts, list):
        raise ConfigError(f"{where}.post_logout_redirect_uris: an array of URLs")
    acr = entry.get("required_acr")
    if acr is not None and acr not in ("LoA1", "LoA2", "LoA3"):
        raise ConfigError(f"{where}.required_acr: one of LoA1, LoA2, LoA3, not {acr!r}")
    return SsoClient(
        client_id=_string(entry, "client_id", where),
        client_secret=_string(entry, "client_secret", where, minimum=16),
        unit=_agency(entry, where),
        redirect_uris=tuple(
            _url(uri, f"{where}.redirect_uris[{i}]") for i, uri in enumerate(redirects)
        ),
        post_logout_redirect_uris=tuple(
            _url(uri, f"{where}.post_logout_redirect_uris[{i}]") for i, uri in enumerate(logouts)
        ),
        required_acr=acr,
    )


def _sso(raw: Any) -> SsoSettings:
    if not isinstance(raw, dict):
        raise ConfigError("sso: must be a table")
    issuer = raw.get("issuer")
    passphrase = raw.get("key_passphrase")
    if passphrase is not None and (not isinstance(passphrase, str) or len(passphrase) < 16):
        raise ConfigError("sso.key_passphrase: a string of at least 16 characters")
    return SsoSettings(
        code_lifetime=parse_duration(raw.get("code_lifetime", "60s"), "sso.code_lifetime"),
        token_lifetime=parse_duration(raw.get("token_lifetime", "10m"), "sso.token_lifetime"),
        issuer=_url(issuer, "sso.issuer").rstrip("/") if issuer is not None else None,
        key_passphrase=passphrase,
    )


def parse_duration(
    value: object, where: str, *, at_least: timedelta = timedelta(seconds=1)
) -> timedelta:
    """A duration (`mock_portal.durations`: `250ms`, `90s`, `1h30m`, seconds) of `at_least`
    (a second unless said: lifetimes and windows go on the wire in whole seconds, where less
    would read 0: an expired token, `Retry-After: 0`)."""
    try:
        duration = durations.parse_duration(value)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None
    if duration < at_least:
        raise ConfigError(f"{where}: {value!r} is shorter than {_shown(at_least)}")
    return duration


def _shown(duration: timedelta) -> str:
    seconds = duration.total_seconds()
    return f"{seconds:g}s" if seconds >= 1 else f"{seconds * 1000:g}ms"
