"""Operator routes for the dashboard's viewer tokens (mounted under `/admin`, behind the
operator token): list, issue, revoke. A token is shown once, when issued; only its SHA-256 is
kept (docs/dashboard.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_portal import _admin_input as inputs
from mock_portal._admin_input import AdminInputError
from mock_portal._portal import Portal
from mock_portal.dashboard._access import Access
from mock_portal.store import dumps_bytes
from mock_portal.wire import JSON_MEDIA_TYPE

VIEWER_TOKENS_PATH = "/viewer-tokens"
_MAX_LABEL = 200


def _json(payload: object, status_code: int = 200) -> Response:
    return Response(dumps_bytes(payload), status_code=status_code, media_type=JSON_MEDIA_TYPE)


def _listing(access: Access) -> list[dict[str, Any]]:
    return [
        {"id": token_id, "label": entry.get("label", ""), "created_at": entry.get("created_at")}
        for token_id, entry in sorted(access.viewer_tokens().items())
    ]


def viewer_token_routes(portal: Portal) -> list[Route]:
    access = Access(portal)

    async def list_tokens(request: Request) -> Response:
        inputs.only_params(request, ())
        return _json({"viewer_tokens": _listing(access)})

    async def issue(request: Request) -> Response:
        inputs.only_params(request, ())
        limits = portal.config.limits
        body = await inputs.json_object(request, limits.max_body_bytes, limits.max_depth)
        inputs.only_keys(body, ("label",))
        label = body.get("label", "")
        if not isinstance(label, str) or len(label) > _MAX_LABEL:
            raise AdminInputError(f"label: a string of at most {_MAX_LABEL} characters")
        now = portal.clock()
        token_id, token = access.issue(label, now)
        return _json(
            {"id": token_id, "token": token, "label": label, "created_at": now.isoformat()}, 201
        )

    async def revoke(request: Request) -> Response:
        inputs.only_params(request, ())
        token_id = request.path_params["token_id"]
        if not access.revoke(token_id):
            raise AdminInputError(f"no viewer token {token_id!r}", 404)
        return _json({"revoked": token_id})

    return [
        Route(VIEWER_TOKENS_PATH, list_tokens, methods=["GET"]),
        Route(VIEWER_TOKENS_PATH, issue, methods=["POST"]),
        Route(VIEWER_TOKENS_PATH + "/{token_id}", revoke, methods=["DELETE"]),
    ]
