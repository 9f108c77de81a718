"""The dashboard's routes: pages, their JSON, the live event stream, the assets, the login.

Pages: `/` (national view), `/dashboard/provinces/{code}`, `/dashboard/rules/{rule}`,
`/dashboard/messages/{id}`; the same data as JSON under `/dashboard/api/…`; server-sent
events at `/dashboard/events` (`change` whenever the journal moves). Every page and API answer
needs the operator or a viewer token (`_access`); assets do not. Pages are Jinja2 templates
with autoescape on, served under a Content-Security-Policy that allows only this origin's
script and style: a province's text is escaped, and even if it were not, it could not run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlencode

import orjson
from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from contracts import Rule
from mock_portal import ui
from mock_portal._admin_input import AdminInputError
from mock_portal._admin_input import province as find_province
from mock_portal._portal import Portal
from mock_portal.dashboard import _views as views
from mock_portal.dashboard._access import COOKIE_LIFETIME, COOKIE_NAME, Access, Visitor
from mock_portal.dashboard._i18n import DEFAULT_LANGUAGE, language, translator
from mock_portal.store import JournalEntry, StoreError, dumps_bytes

HOME_PATH = "/"
PREFIX = "/dashboard"
LOGIN_PATH = PREFIX + "/login"
LOGOUT_PATH = PREFIX + "/logout"
EVENTS_PATH = PREFIX + "/events"
STATIC_PATH = PREFIX + "/static"
LANG_COOKIE = "portalsim_lang"
#: how often the event stream looks for news, and how long one stream lives (the browser's
#: EventSource reconnects by itself, so no connection is held forever)
POLL_SECONDS = 0.5
STREAM_SECONDS = 300.0
HEARTBEAT_SECONDS = 15.0
_MAX_FORM_BYTES = 4096

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ASSETS = {
    "dashboard.js": ("mock_portal.dashboard", "static/dashboard.js", "text/javascript"),
    "ui.css": ("mock_portal.ui", "ui.css", "text/css"),
}

Handler = Callable[[Request], Awaitable[Response]]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mock_portal.dashboard", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        ui=ui,
        prefix=PREFIX,
        static=STATIC_PATH,
        province_href=lambda code: f"{PREFIX}/provinces/{code}",
        rule_href=lambda rule: f"{PREFIX}/rules/{rule}",
        message_href=lambda journal_id: f"{PREFIX}/messages/{journal_id}",
    )
    return env


def _asset(package: str, name: str) -> bytes:
    return resources.files(package).joinpath(name).read_bytes()


class Dashboard:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.access = Access(portal)
        self.env = _environment()
        self.assets = {
            name: (_asset(package, path), f"{media}; charset=utf-8")
            for name, (package, path, media) in ASSETS.items()
        }

    # helpers ------------------------------------------------------------------------------

    def _lang(self, request: Request) -> str:
        return (
            language(request.query_params.get("lang"))
            or language(request.cookies.get(LANG_COOKIE))
            or DEFAULT_LANGUAGE
        )

    def _render(
        self,
        request: Request,
        template: str,
        status: int = 200,
        visitor: Visitor | None = None,
        **context: Any,
    ) -> Response:
        lang = self._lang(request)
        other = "en" if lang == "vi" else "vi"
        query = {key: value for key, value in request.query_params.items() if key != "token"}
        query["lang"] = other
        html = self.env.get_template(template).render(
            lang=lang,
            t=translator(lang),
            visitor=visitor,
            other_language_href=f"{request.url.path}?{urlencode(query)}",
            login_path=LOGIN_PATH,
            logout_path=LOGOUT_PATH,
            events_path=EVENTS_PATH,
            **context,
        )
        response = Response(
            html, status_code=status, media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS
        )
        if language(request.query_params.get("lang")):
            response.set_cookie(
                LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="strict"
            )
        return response

    def _set_session(self, request: Request, response: Response, visitor: Visitor) -> None:
        response.set_cookie(
            COOKIE_NAME,
            self.access.cookie_for(visitor, self.portal.clock()),
            max_age=int(COOKIE_LIFETIME.total_seconds()),
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )

    def _login_page(self, request: Request, error: bool, status: int = 401) -> Response:
        return self._render(request, "login.html", status, error=error)

    def page(self, render: Callable[[Request, Visitor], Response]) -> Handler:
        """A page handler behind the tokens; `?token=` is exchanged for the cookie."""

        async def handler(request: Request) -> Response:
            token = request.query_params.get("token")
            if token is not None:
                return self._exchange(request, token)
            visitor = self.access.visitor(request)
            if visitor is None:
                return self._login_page(request, error=False)
            try:
                return render(request, visitor)
            except AdminInputError as problem:
                return self._render(
                    request, "missing.html", problem.status, visitor, problem=str(problem)
                )

        return handler

    def api(self, build: Callable[[Request], object]) -> Handler:
        async def handler(request: Request) -> Response:
            if self.access.visitor(request) is None:
                return _json_error(
                    "unauthorised: send Authorization: Bearer <operator or viewer token>", 401
                )
            try:
                return Response(dumps_bytes(build(request)), media_type="application/json")
            except AdminInputError as problem:
                return _json_error(str(problem), problem.status)

        return handler

    def _exchange(self, request: Request, token: str) -> Response:
        """`?token=…`: a page that sets the cookie and moves to the same URL without the
        token (a meta refresh, not a redirect: a SameSite=Strict cookie set on a redirect
        followed from another site's link would not be sent)."""
        visitor = self.access.visitor_of_token(token)
        if visitor is None:
            return self._login_page(request, error=True)
        query = {key: value for key, value in request.query_params.items() if key != "token"}
        target = request.url.path + (f"?{urlencode(query)}" if query else "")
        response = self._render(request, "signing_in.html", target=target)
        self._set_session(request, response, visitor)
        return response

    # pages --------------------------------------------------------------------------------

    def national_page(self, request: Request, visitor: Visitor) -> Response:
        data = views.national(self.portal)
        return self._render(request, "national.html", visitor=visitor, data=data, live=True)

    def province_page(self, request: Request, visitor: Visitor) -> Response:
        province = find_province(request.path_params["code"])
        data = views.province_view(self.portal, province)
        examples = {}
        for rule in data["failing_rules"]:
            for example in rule["examples"]:
                entry = views.journal_entry(self.portal.store, example["journal_id"])
                if entry is not None:
                    examples[example["id"]] = entry
        return self._render(
            request,
            "province.html",
            visitor=visitor,
            data=data,
            entries=examples,
            rules=self._rules(),
            charts=self._timeline_charts(data["timeline"], self._lang(request)),
            live=True,
        )

    def rule_page(self, request: Request, visitor: Visitor) -> Response:
        rule = self._rule(request)
        data = views.rule_view(self.portal, rule)
        return self._render(
            request, "rule.html", visitor=visitor, data=data, rules=self._rules(), live=True
        )

    def message_page(self, request: Request, visitor: Visitor) -> Response:
        entry = self._entry(request)
        return self._render(
            request,
            "message.html",
            visitor=visitor,
            entry=entry,
            body=ui.body_view(entry.body, [finding.path for finding in entry.findings]),
            findings=[views.finding_json(row) for row in entry.findings],
            rules=self._rules(),
        )

    def _rules(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.portal.profile.rules}

    def _rule(self, request: Request) -> Rule:
        rule_id = request.path_params["rule"]
        if rule_id not in self.portal.profile.rules:
            raise AdminInputError(f"no rule {rule_id!r} in profile {self.portal.profile.name}", 404)
        return self.portal.profile.rules[rule_id]

    def _entry(self, request: Request) -> JournalEntry:
        journal_id = int(request.path_params["journal_id"])
        entry = views.journal_entry(self.portal.store, journal_id)
        if entry is None:
            raise AdminInputError(f"no message #{journal_id} in the journal", 404)
        return entry

    def _timeline_charts(self, series: dict[str, Any], lang: str) -> Markup:
        t = translator(lang)
        seconds = series["bucket_seconds"]
        x_label = f"× {seconds} {t('seconds')}"
        return Markup("\n").join(
            (
                Markup(
                    ui.line_chart(
                        t("messages_per_bucket"),
                        [ui.Line(t("messages"), "#1565c0", series["messages"])],
                        x_label=x_label,
                        y_label=t("messages"),
                    )
                ),
                Markup(
                    ui.line_chart(
                        t("injected_delay"),
                        [ui.Line("ms", "#c62828", series["delay_ms"])],
                        x_label=x_label,
                        y_label="ms",
                    )
                ),
            )
        )

    # login, logout, events, assets ---------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        return self._login_page(request, error=False, status=200)

    async def login(self, request: Request) -> Response:
        body = await request.body()
        fields = parse_qs(body[:_MAX_FORM_BYTES].decode("utf-8", errors="replace"))
        token = (fields.get("token") or [""])[0]
        visitor = self.access.visitor_of_token(token)
        if visitor is None:
            return self._login_page(request, error=True)
        response = Response(status_code=303, headers={"Location": HOME_PATH})
        self._set_session(request, response, visitor)
        return response

    async def logout(self, request: Request) -> Response:
        response = Response(status_code=303, headers={"Location": LOGIN_PATH})
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
        return response

    async def events(self, request: Request) -> Response:
        if self.access.visitor(request) is None:
            return _json_error("unauthorised", 401)
        return StreamingResponse(
            self._changes(request),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _changes(self, request: Request) -> AsyncIterator[bytes]:
        """`change` events with the journal's newest id whenever it moves, a heartbeat comment
        now and then, and an end after `STREAM_SECONDS` (the browser reconnects)."""
        yield b"retry: 1000\n\n"
        last: int | None = None
        started = beat = time.monotonic()
        while time.monotonic() - started < STREAM_SECONDS:
            current: int | None
            try:
                current = views.version(self.portal.store)
            except StoreError:
                current = last
            if current != last:
                last = current
                yield b"event: change\ndata: " + orjson.dumps({"version": current}) + b"\n\n"
                beat = time.monotonic()
            elif time.monotonic() - beat >= HEARTBEAT_SECONDS:
                yield b": heartbeat\n\n"
                beat = time.monotonic()
            if await request.is_disconnected():
                return
            await asyncio.sleep(POLL_SECONDS)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["asset"]
        if name not in self.assets:
            return Response(b"not found", status_code=404, media_type="text/plain")
        content, media = self.assets[name]
        return Response(
            content,
            media_type=media,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
        )


def _json_error(message: str, status: int) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="portalsim dashboard"'} if status == 401 else None
    return Response(
        dumps_bytes({"error": message}),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def dashboard_routes(portal: Portal) -> list[BaseRoute]:
    """The dashboard's routes, to add to the portal's app (none is in the OpenAPI document:
    they are for people, not provinces)."""
    board = Dashboard(portal)
    board.access.install_config_token(portal.config.viewer_token, portal.clock())

    def api_province(request: Request) -> object:
        return views.province_view(portal, find_province(request.path_params["code"]))

    def api_rule(request: Request) -> object:
        return views.rule_view(portal, board._rule(request))

    def api_message(request: Request) -> object:
        return views.message_view(board._entry(request))

    def route(path: str, endpoint: Handler, methods: tuple[str, ...] = ("GET",)) -> Route:
        return Route(path, endpoint, methods=list(methods), include_in_schema=False)

    return [
        route(HOME_PATH, board.page(board.national_page)),
        route(PREFIX + "/provinces/{code}", board.page(board.province_page)),
        route(PREFIX + "/rules/{rule}", board.page(board.rule_page)),
        route(PREFIX + "/messages/{journal_id:int}", board.page(board.message_page)),
        route(PREFIX + "/api/national", board.api(lambda _request: views.national(portal))),
        route(PREFIX + "/api/provinces/{code}", board.api(api_province)),
        route(PREFIX + "/api/rules/{rule}", board.api(api_rule)),
        route(PREFIX + "/api/messages/{journal_id:int}", board.api(api_message)),
        route(EVENTS_PATH, board.events),
        route(LOGIN_PATH, board.login_form),
        route(LOGIN_PATH, board.login, ("POST",)),
        route(LOGOUT_PATH, board.logout, ("POST",)),
        route(STATIC_PATH + "/{asset}", board.asset),
    ]
