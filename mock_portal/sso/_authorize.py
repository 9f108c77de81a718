"""`GET|POST /oauth2/authorize`: the authorization-code flow's first leg (OIDC Core §3.1.2).

Order of judgement, as RFC 6749 §4.1.2.1 requires: while the client or its redirect URI is not
established (unknown `client_id`, a `redirect_uri` that is not exactly one the client
registered), the error is shown on a page and the browser is NOT sent anywhere. After that,
every error goes back to the registered URI as `error=…&error_description=…&state=…`.

Relying-party findings, recorded on the journal row of the province's request (not again when
the login page answers it): SSO-001 no `state`, SSO-002 no `nonce`, SSO-003 no PKCE, SSO-004
wrong `redirect_uri`, SSO-006 unknown client, SSO-007 `acr_values` below the client's
`required_acr`. Strict mode refuses a request with an error-severity finding
(`invalid_request`); lenient mode lets the login go on.

Who logs in: the account `login_hint` names (its TechID, SoDinhDanh, SoCMND, passport, tax or
enterprise code), else the one the person picks on the login page. `prompt=none` without a
known hint answers `login_required`.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import Response

from contracts import Severity
from mock_portal._exchange import Exchange
from mock_portal.sso._hostile import fault_label
from mock_portal.sso._http import (
    MASK,
    OAuthError,
    Params,
    invalid_request,
    read_params,
    shown,
    shown_unreadable,
)
from mock_portal.sso._journaling import AUTHORIZE_KIND, journal, summary
from mock_portal.sso._pages import PAGE_MARK, error_page, login_page
from mock_portal.sso._provider import level_rank
from simulator.domain import LEVELS_OF_ASSURANCE, bundled_provinces

if TYPE_CHECKING:
    from mock_portal._portal import Portal
    from mock_portal.config import SsoClient

#: a PKCE code challenge: 43-128 unreserved characters (RFC 7636 §4.2)
_CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{43,128}")
#: what may stay unescaped in a Location header (the URI's own reserved characters)
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


async def handle_authorize(portal: Portal, request: Request) -> Response:
    exchange = Exchange.of(request, portal.clock())
    exchange.kind = AUTHORIZE_KIND
    raw, params = await read_params(request, portal.config.limits.max_body_bytes)
    if isinstance(params, OAuthError):
        exchange.body = shown_unreadable(raw)
        return await _page(portal, exchange, params.error, params.description, params.status)
    exchange.body = shown(params)
    from_page = params.pop(PAGE_MARK, None) is not None
    return await _authorize(portal, request, exchange, params, judge=not from_page)


async def _authorize(
    portal: Portal, request: Request, exchange: Exchange, params: Params, *, judge: bool
) -> Response:
    sso = portal.sso
    client_id = params.get("client_id")
    client = sso.clients.get(client_id) if client_id else None
    if client is None:
        if judge:
            sso.finding(exchange, "SSO-006", "$.client_id", client_id, "unknown client_id")
        return await _page(portal, exchange, "invalid_request", "unknown or missing client_id")
    exchange.unit = client.unit
    redirect_uri = params.get("redirect_uri")
    if redirect_uri not in client.redirect_uris:
        if judge:
            sso.finding(
                exchange,
                "SSO-004",
                "$.redirect_uri",
                redirect_uri,
                "redirect_uri must be exactly one the client registered",
            )
        what = "missing" if redirect_uri is None else "not registered for this client"
        return await _page(portal, exchange, "invalid_request", f"redirect_uri {what}")
    # From here on the redirect URI is trusted: errors go back to it.
    state = params.get("state")
    try:
        requested = _check_request(params)
    except OAuthError as error:
        return await _redirect_error(portal, exchange, redirect_uri, error, state)
    if judge:
        _judge(portal, exchange, client, params, requested)
    errors = sorted({f.rule for f in exchange.findings if f.severity is Severity.ERROR})
    if portal.strict and errors:
        refused = invalid_request(f"not conformant: {', '.join(errors)}")
        return await _redirect_error(portal, exchange, redirect_uri, refused, state)
    hint = params.get("login_hint")
    account = sso.population.find(hint) if hint else None
    if account is None:
        if params.get("prompt") == "none":
            refused = OAuthError("login_required", "no account named by login_hint")
            return await _redirect_error(portal, exchange, redirect_uri, refused, state)
        notice = f"Không tìm thấy tài khoản “{hint}”. Hãy chọn một tài khoản." if hint else None
        province = bundled_provinces().of_agency(client.unit)
        page = login_page(
            request.url.path,
            client,
            province.full_name() if province is not None else None,
            params,
            sso.population.accounts,
            notice=notice,
        )
        shown_page = summary(200, {"page": "login", "accounts": len(sso.population)})
        return await journal(portal, exchange, page, accepted=True, shown=shown_page)
    now = exchange.received_at
    code = sso.issue_code(
        client,
        redirect_uri,
        account,
        scope=params["scope"],
        nonce=params.get("nonce"),
        acr=sso.granted_level(account, requested),
        code_challenge=params.get("code_challenge"),
        now=now,
    )
    returned_state = state
    if sso.hostile.for_client(client.client_id) == "wrong-state":
        exchange.fault = fault_label("wrong-state")
        returned_state = secrets.token_urlsafe(16)
    location = with_query(redirect_uri, code=code, state=returned_state)
    journaled = summary(
        302, {"redirect": with_query(redirect_uri, code=MASK, state=returned_state)}
    )
    response = Response(
        status_code=302, headers={"Location": location, "Cache-Control": "no-store"}
    )
    return await journal(portal, exchange, response, accepted=True, shown=journaled)


def _check_request(params: Params) -> str | None:
    """The level of assurance asked for (None when none); `OAuthError` for a request the
    provider cannot serve."""
    if params.get("response_type") != "code":
        raise OAuthError(
            "unsupported_response_type", "only the authorization-code flow (response_type=code)"
        )
    if "openid" not in params.get("scope", "").split():
        raise OAuthError("invalid_scope", "scope must include openid")
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if challenge is None and method is not None:
        raise invalid_request("code_challenge_method without code_challenge")
    if challenge is not None:
        if method != "S256":
            raise invalid_request("code_challenge_method must be S256 (plain is not supported)")
        if not _CHALLENGE.fullmatch(challenge):
            raise invalid_request("code_challenge must be 43-128 base64url characters")
    if params.get("prompt") not in (None, "none", "login", "consent", "select_account"):
        raise invalid_request("prompt must be none, login, consent or select_account")
    levels = [
        value for value in params.get("acr_values", "").split() if value in LEVELS_OF_ASSURANCE
    ]
    return levels[0] if levels else None


def _judge(
    portal: Portal,
    exchange: Exchange,
    client: SsoClient,
    params: Params,
    requested: str | None,
) -> None:
    """The relying party's conformance: state, nonce, PKCE, level of assurance."""
    sso = portal.sso
    if "state" not in params:
        sso.finding(exchange, "SSO-001", "$.state", None, "no state: the callback is open to CSRF")
    if "nonce" not in params:
        sso.finding(exchange, "SSO-002", "$.nonce", None, "no nonce: ID tokens can be replayed")
    if "code_challenge" not in params:
        sso.finding(exchange, "SSO-003", "$.code_challenge", None, "no PKCE code_challenge")
    required = client.required_acr
    if required is not None and level_rank(requested) < level_rank(required):
        sso.finding(
            exchange,
            "SSO-007",
            "$.acr_values",
            params.get("acr_values"),
            f"the client must ask for at least {required}, asked for {requested or 'none'}",
        )


def with_query(uri: str, **params: str | None) -> str:
    """`uri` with `params` appended to its query (fragment dropped), fit for a Location header."""
    parts = urlsplit(uri)
    extra = urlencode(
        {name: value for name, value in params.items() if value is not None}, safe="*"
    )
    query = f"{parts.query}&{extra}" if parts.query and extra else parts.query or extra
    return quote(urlunsplit(parts._replace(query=query, fragment="")), safe=_URI_SAFE)


async def _redirect_error(
    portal: Portal, exchange: Exchange, redirect_uri: str, error: OAuthError, state: str | None
) -> Response:
    location = with_query(
        redirect_uri, error=error.error, error_description=error.description, state=state
    )
    response = Response(
        status_code=302, headers={"Location": location, "Cache-Control": "no-store"}
    )
    return await journal(
        portal, exchange, response, accepted=False, shown=summary(302, {"redirect": location})
    )


async def _page(
    portal: Portal, exchange: Exchange, error: str, description: str, status: int = 400
) -> Response:
    page = error_page(error, description, status)
    shown_page = summary(status, {"error": error, "error_description": description})
    return await journal(portal, exchange, page, accepted=False, shown=shown_page)
