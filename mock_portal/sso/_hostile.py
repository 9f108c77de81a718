"""Hostile mode: the provider misbehaving on purpose, so a province can prove it refuses it.

An operator sets a mode for every client (`"*"`) or one client (its `client_id`; a client's own
mode wins over `"*"`), with `PUT /admin/sso/hostile`. The modes live in the store's settings,
so every worker process sees them at once. While one is set, the provider:

- `bad-signature`: signs ID tokens with a key of its own under the published `kid`;
- `wrong-audience`: issues ID tokens for another audience (`aud`, `azp`);
- `expired`: issues ID tokens that expired before they were issued to the client (`exp`);
- `wrong-nonce`: issues ID tokens with a nonce other than the request's;
- `alg-none`: issues unsigned ID tokens (`"alg": "none"`, empty signature);
- `wrong-state`: redirects back from authorization with a `state` other than the request's.

A province that accepts any of these is vulnerable. Each exchange it touches is journaled with
the fault label `hostile:<mode>`, so the portal's own misbehaviour is never blamed on the
province.
"""

from __future__ import annotations

import orjson

from mock_portal.store import Store

HOSTILE_MODES = (
    "bad-signature",
    "wrong-audience",
    "expired",
    "wrong-nonce",
    "alg-none",
    "wrong-state",
)
#: the modes that change the ID token (the rest change the authorization redirect)
TOKEN_MODES = frozenset(HOSTILE_MODES) - {"wrong-state"}
ALL_CLIENTS = "*"
SETTING = "sso_hostile"


def fault_label(mode: str) -> str:
    return f"hostile:{mode}"


class HostileModes:
    """The hostile modes in force, read from the store's settings on every question."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def all(self) -> dict[str, str]:
        """Mode by scope: `"*"` or a client_id."""
        text = self._store.get_setting(SETTING)
        if not text:
            return {}
        modes = orjson.loads(text)
        if not isinstance(modes, dict):
            return {}
        return {
            str(scope): mode
            for scope, mode in modes.items()
            if isinstance(mode, str) and mode in HOSTILE_MODES
        }

    def for_client(self, client_id: str) -> str | None:
        modes = self.all()
        return modes.get(client_id) or modes.get(ALL_CLIENTS)

    def set(self, mode: str | None, scope: str = ALL_CLIENTS) -> dict[str, str]:
        """Set (or with None, clear) the mode of a scope; returns every mode in force."""
        if mode is not None and mode not in HOSTILE_MODES:
            raise ValueError(f"mode {mode!r} is not one of {', '.join(HOSTILE_MODES)}")
        modes = self.all()
        if mode is None:
            modes.pop(scope, None)
        else:
            modes[scope] = mode
        self._store.set_setting(SETTING, orjson.dumps(dict(sorted(modes.items()))).decode())
        return modes
