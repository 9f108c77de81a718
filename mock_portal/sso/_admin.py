"""The operator's SSO routes, mounted with the rest of the operator API under `/admin`.

- `GET /admin/sso/hostile`: the hostile modes in force, by scope (`"*"` or a client_id).
- `PUT /admin/sso/hostile` `{"mode": "<mode>" | null, "client_id": "…"?}`: set or clear the mode
  of every client, or of one registered client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_portal import _admin_input as inputs
from mock_portal._admin_input import AdminInputError
from mock_portal.sso._hostile import ALL_CLIENTS, HOSTILE_MODES
from mock_portal.sso._http import json_response

if TYPE_CHECKING:
    from mock_portal._portal import Portal


def hostile_routes(portal: Portal) -> list[Route]:
    async def list_hostile(request: Request) -> Response:
        """Chế độ thù địch của SSO — the SSO provider's hostile modes in force.

        Answers `{"hostile": {scope: mode}, "modes": [...]}`; a scope is `*` (every client) or
        a client_id (its own mode wins over `*`).
        """
        inputs.only_params(request, ())
        return _answer(portal.sso.hostile.all())

    async def put_hostile(request: Request) -> Response:
        """Đặt chế độ thù địch của SSO — set or clear a hostile mode of the SSO provider.

        Body `{"mode": "bad-signature" | "wrong-audience" | "expired" | "wrong-nonce" |
        "alg-none" | "wrong-state" | null, "client_id": "…"}`; without `client_id` the mode is
        every client's; `null` clears it. Answers the modes in force.
        """
        inputs.only_params(request, ())
        limits = portal.config.limits
        body = await inputs.json_object(request, limits.max_body_bytes, limits.max_depth)
        inputs.only_keys(body, ("mode", "client_id"))
        if "mode" not in body:
            raise AdminInputError("mode: required, one of the modes or null to clear")
        mode = body["mode"]
        if mode is not None and mode not in HOSTILE_MODES:
            raise AdminInputError(f"mode: {mode!r} is not one of {', '.join(HOSTILE_MODES)}, null")
        client_id = body.get("client_id", ALL_CLIENTS)
        if client_id != ALL_CLIENTS and client_id not in portal.sso.clients:
            known = ", ".join(sorted(portal.sso.clients)) or "none"
            raise AdminInputError(f"client_id: no SSO client {client_id!r}; registered: {known}")
        return _answer(portal.sso.hostile.set(mode, client_id))

    return [
        Route("/sso/hostile", list_hostile, methods=["GET"]),
        Route("/sso/hostile", put_hostile, methods=["PUT"]),
    ]


def _answer(modes: dict[str, str]) -> Response:
    payload: dict[str, Any] = {"hostile": modes, "modes": list(HOSTILE_MODES)}
    return json_response(payload)
