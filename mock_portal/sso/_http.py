"""The provider's side of HTTP: reading OAuth 2.0 parameters, client credentials, OAuth errors.

Parameters come as a query (authorize, logout) or an `application/x-www-form-urlencoded` body
(token, introspection, and the login page's answer). A request whose parameters cannot be read
with certainty (a parameter repeated, bytes that are not UTF-8, control characters, too many
fields) is refused as `invalid_request` (RFC 6749 §3.1, §3.2): nothing of it is acted on.
A parameter sent without a value is treated as omitted (RFC 6749 §3.1).

What the journal keeps of a request is `shown(params)`: the parameters with every secret
(client secrets, codes, verifiers, tokens) replaced by `***`, so nothing replayable reaches the
store, an export or a log.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response

from mock_portal.wire import JSON_MEDIA_TYPE, WireError, read_body

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MASK = "***"
#: parameters whose values are secrets: never journaled, logged or echoed
SECRET_PARAMETERS = frozenset(
    {
        "client_secret",
        "code",
        "code_verifier",
        "token",
        "id_token_hint",
        "access_token",
        "refresh_token",
        "password",
    }
)
MAX_FIELDS = 64
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ANY_VALUE = re.compile(rb"=[^&;]*")

Params = dict[str, str]


class OAuthError(Exception):
    """An OAuth 2.0 error (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1): `error` and a description."""

    def __init__(
        self,
        error: str,
        description: str,
        status: int = 400,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.headers = headers or {}


def invalid_request(description: str) -> OAuthError:
    return OAuthError("invalid_request", description)


def oauth_error_response(error: OAuthError) -> Response:
    """The JSON error body of RFC 6749 §5.2, never cached."""
    return json_response(
        {"error": error.error, "error_description": error.description},
        status=error.status,
        headers={**NO_STORE, **error.headers},
    )


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload), status_code=status, media_type=JSON_MEDIA_TYPE, headers=headers
    )


def parse_params(raw: bytes) -> Params:
    """The parameters of a query string or form body; `OAuthError` when they cannot be read."""
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict",
            max_num_fields=MAX_FIELDS,
        )  # fmt: skip
    except UnicodeDecodeError:
        raise invalid_request("parameters are not UTF-8") from None
    except ValueError:
        raise invalid_request(f"more than {MAX_FIELDS} parameters") from None
    params: Params = {}
    seen: set[str] = set()
    for name, value in pairs:
        if _CONTROL.search(name) or _CONTROL.search(value):
            raise invalid_request(f"parameter {_shown_name(name)} holds a control character")
        if name in seen:
            raise invalid_request(f"parameter {_shown_name(name)} is repeated")
        seen.add(name)
        if value:
            params[name] = value
    return params


def _shown_name(name: str) -> str:
    cleaned = _CONTROL.sub("?", name)[:40]
    return repr(cleaned)


def shown(params: Params) -> bytes:
    """The parameters as the journal keeps them: form-encoded, secrets masked."""
    return urlencode(
        [(name, MASK if name in SECRET_PARAMETERS else value) for name, value in params.items()],
        safe="*",
    ).encode("ascii")


def shown_unreadable(raw: bytes) -> bytes:
    """Parameters journaled unread (a query nobody acts on, or one that could not be read):
    every value masked, since names may be encoded so that no masking by name can be trusted."""
    return _ANY_VALUE.sub(b"=" + MASK.encode(), raw)


async def read_form(request: Request, max_bytes: int) -> bytes:
    """The raw body of a form POST; `OAuthError` for another media type or an oversized body."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != FORM_MEDIA_TYPE:
        raise invalid_request(f"Content-Type must be {FORM_MEDIA_TYPE}, not {media_type or 'none'}")
    try:
        return await read_body(request, max_bytes)
    except WireError as error:
        raise OAuthError("invalid_request", error.message, status=error.status) from None


async def read_params(request: Request, max_bytes: int) -> tuple[bytes, Params | OAuthError]:
    """(raw, parameters) of a GET query or a form POST, or the error in place of the parameters,
    with the raw bytes kept either way for the journal."""
    raw = b""
    try:
        raw = (
            query_string(request)
            if request.method == "GET"
            else await read_form(request, max_bytes)
        )
        return raw, parse_params(raw)
    except OAuthError as error:
        return raw, error


def query_string(request: Request) -> bytes:
    raw: bytes = request.scope.get("query_string", b"")
    return raw


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    """What a request says about its client: its id, its secret, and how it sent them."""

    client_id: str | None
    secret: str | None
    method: str | None  # "client_secret_basic", "client_secret_post" or None

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, method={self.method!r})"


BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="portalsim SSO"'}


def client_credentials(request: Request, params: Params) -> ClientCredentials:
    """The client's credentials, from HTTP Basic (RFC 6749 §2.3.1: each part form-encoded) or
    the body's `client_id` and `client_secret`; one method only."""
    header = request.headers.get("authorization")
    if header is None:
        secret = params.get("client_secret")
        return ClientCredentials(
            params.get("client_id"), secret, "client_secret_post" if secret else None
        )
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError(
            "invalid_client", "client authentication must be HTTP Basic", 401, BASIC_CHALLENGE
        )
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError(
            "invalid_client", "the Basic credentials are not base64 of UTF-8", 401, BASIC_CHALLENGE
        ) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise OAuthError(
            "invalid_client", "the Basic credentials have no ':'", 401, BASIC_CHALLENGE
        )
    client_id, secret = unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
    if "client_secret" in params:
        raise invalid_request(
            "the client authenticated twice (HTTP Basic and client_secret): use one method"
        )
    if "client_id" in params and params["client_id"] != client_id:
        raise invalid_request("client_id in the body differs from the HTTP Basic client")
    return ClientCredentials(client_id, secret, "client_secret_basic")


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
