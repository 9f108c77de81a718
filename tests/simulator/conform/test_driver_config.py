"""The province configuration of `portalsim conform`: what it needs, and one line per mistake."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.conform.config import ConformConfigError, Trigger, parse_conform_config

_UNIT = {"province": {"unit": "000.00.00.H56"}}


def test_only_the_province_table_is_required() -> None:
    """A bare configuration loads; the tables a case needs are None, limits have defaults."""
    config = parse_conform_config(_UNIT)
    assert config.endpoints is None
    assert config.payment is None
    assert config.limits.status_sync == 60.0
    assert config.agency_code == "H56"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "[province]: required table missing"),
        ({"province": {"unit": "H56"}}, "province.unit: 'H56' is not a QCVN 102 agency code"),
        (_UNIT | {"payment": {"client_id": "x"}}, "payment.hash_key_1: required"),
        (
            _UNIT | {"sso": {"client_id": "a", "client_secret": "b", "redirect_uri": "ftp://x"}},
            "sso.redirect_uri: an http(s) URL, not 'ftp://x'",
        ),
        (
            _UNIT | {"limits": {"status_sync": "soon"}},
            "limits.status_sync: 'soon' is not a duration (examples: 250ms, 90s, 30m, 1h30m)",
        ),
        (_UNIT | {"portal": {"port": 70000}}, "portal.port: a port number, not 70000"),
        (
            {"province": {"unit": "000.00.00.H56", "pasword": "x"}},
            "province: unknown key(s) pasword; known: unit, password, procedure",
        ),
        (
            _UNIT | {"triggers": {"SYNC": {"http": "publish"}}},
            "triggers.SYNC.http: 'METHOD PATH' like 'POST /hooks/sync'",
        ),
        (
            _UNIT | {"triggers": {"SYNC": {"http": "POST /a", "manual": "b"}}},
            "triggers.SYNC: exactly one of http, command, manual",
        ),
        (
            {"province": {"unit": "000.00.00.H56", "procedure": "2.001218.000.00.00.H38"}},
            "province.procedure: '2.001218.000.00.00.H38' is not a MaTTHC (d.dddddd)",
        ),
        (_UNIT | {"target": {}}, "unknown table(s) target"),
    ],
)
def test_each_mistake_is_one_message_naming_the_key(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConformConfigError) as caught:
        parse_conform_config(raw)
    assert caught.value.message.startswith(message)


def test_durations_read_as_seconds_and_triggers_fill_placeholders() -> None:
    """`250ms`, `2s`, `1m` and plain numbers; a case's trigger wins over its group's."""
    config = parse_conform_config(
        _UNIT
        | {
            "limits": {"status_sync": "250ms", "trigger": "1m", "request": 3, "settle": "1.5s"},
            "triggers": {
                "PAY-CONF": {"http": "POST /pay?MaHoSo={dossier}"},
                "PAY-CONF-001": {"command": "make-payment {dossier} {portal}"},
            },
        }
    )
    assert (config.limits.status_sync, config.limits.trigger) == (0.25, 60.0)
    assert (config.limits.request, config.limits.settle) == (3.0, 1.5)
    own = config.trigger_for("PAY-CONF-001", "PAY-CONF")
    assert own == Trigger("command", "make-payment {dossier} {portal}")
    group = config.trigger_for("PAY-CONF-002", "PAY-CONF")
    assert group is not None
    assert Trigger("http", group.render({"dossier": "X-1"})).http_request == (
        "POST",
        "/pay?MaHoSo=X-1",
    )
