"""The payment platform's configuration: clients, retries, durations, seed; keys stay hidden."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from mock_portal.config import ConfigError, parse_config

CLIENT = {
    "client_id": "H56_MOTCUA",
    "unit": "000.00.00.H56",
    "hash_key_1": "a-key-of-sixteen-characters-1",
    "hash_key_2": "a-key-of-sixteen-characters-2",
}


def test_short_durations_and_the_seed_are_read() -> None:
    """Backoff and timeout take milliseconds or seconds as a number; the seed a whole number."""
    config = parse_config(
        {
            "payment_clients": [CLIENT],
            "payments": {"callback_backoff": "250ms", "callback_timeout": 0.5, "seed": 42},
        }
    )
    settings = config.payments
    assert settings.callback_backoff == timedelta(milliseconds=250)
    assert settings.callback_timeout == timedelta(milliseconds=500)
    assert settings.seed == 42
    assert config.payment_clients[0].client_id == "H56_MOTCUA"


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"payments": {"retries": 3}}, "retries"),
        ({"payments": {"seed": "x"}}, "payments.seed"),
        ({"payments": {"callback_backoff": "2h"}}, "payments.callback_backoff"),
        ({"payments": {"callback_timeout": "soon"}}, "payments.callback_timeout"),
        ({"payment_clients": [CLIENT, CLIENT]}, "payment_clients[1].client_id"),
        ({"payment_clients": [{**CLIENT, "hash_key_1": "short"}]}, "hash_key_1"),
    ],
)
def test_bad_payment_settings_are_refused_naming_the_key(raw: dict[str, Any], named: str) -> None:
    """Each mistake is a ConfigError naming the key."""
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        parse_config(raw)


def test_hash_keys_stay_out_of_the_configurations_repr() -> None:
    """Printing or logging the configuration shows no key."""
    shown = repr(parse_config({"payment_clients": [CLIENT]}))
    assert "H56_MOTCUA" in shown
    assert "a-key-of-sixteen" not in shown
