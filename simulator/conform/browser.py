"""The driver as the citizen's browser: a login through the province and the portal's SSO.

`login` opens the province's login start, follows each redirect itself (so every hop is evidence
and the authorization request can be inspected), answers the provider's login page by picking
its first account, lands on the province's callback and finally asks the province's session
check whether the browser is logged in. Cookies live in the browser's own jar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

from simulator.conform.recorder import Answer, Recorder
from simulator.conform.results import Exchange

__all__ = ["Login", "login"]

_MAX_HOPS = 8


@dataclass(slots=True)
class Login:
    evidence: list[Exchange] = field(default_factory=list)
    #: the query of the province's authorization request (empty when it never got there)
    authorize_query: dict[str, str] = field(default_factory=dict)
    #: the session check's status after the callback (None: the flow broke before it)
    session_status: int | None = None
    #: why the flow broke before the session check, or ""
    broken: str = ""
    callback: Answer | None = None

    @property
    def logged_in(self) -> bool:
        return self.session_status is not None and 200 <= self.session_status < 300


class _LoginForm(HTMLParser):
    """The provider's account picker: the form's action, hidden fields, first account button."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.account: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and self.action is None:
            self.action = values.get("action", "")
        elif tag == "input" and values.get("type") == "hidden" and "name" in values:
            self.fields[values["name"]] = values.get("value", "")
        elif tag == "button" and self.account is None and values.get("name"):
            self.account = (values["name"], values.get("value", ""))


def login(recorder: Recorder, start_url: str, session_url: str, redirect_uri: str) -> Login:
    result = Login()
    answer = recorder.send("GET", start_url)
    result.evidence.append(answer.exchange)
    for _ in range(_MAX_HOPS):
        response = answer.response
        if response is None:
            result.broken = f"no answer from {answer.exchange.url}: {answer.error}"
            return result
        status = response.status_code
        url = answer.exchange.url
        if url.split("?")[0] == redirect_uri.split("?")[0]:
            result.callback = answer
            break
        if status in (301, 302, 303, 307, 308):
            location = urljoin(url, response.headers.get("location", ""))
            if "/oauth2/authorize" in urlsplit(location).path and not result.authorize_query:
                parsed = parse_qs(urlsplit(location).query)
                result.authorize_query = {key: values[0] for key, values in parsed.items()}
            answer = recorder.send("GET", location)
        elif status == 200 and "html" in response.headers.get("content-type", ""):
            form = _LoginForm()
            form.feed(response.text)
            if form.action is None or form.account is None:
                result.broken = f"the page at {url} is not the provider's login page"
                return result
            fields = dict(form.fields)
            fields[form.account[0]] = form.account[1]
            answer = recorder.send("POST", urljoin(url, form.action), form=fields)
        else:
            result.broken = f"the login stopped at {url}: {answer.describe()}"
            return result
        result.evidence.append(answer.exchange)
    else:
        result.broken = f"more than {_MAX_HOPS} redirects"
        return result
    check = recorder.send("GET", session_url)
    result.evidence.append(check.exchange)
    result.session_status = check.status
    if check.status is None:
        result.broken = f"no answer from the session check: {check.error}"
    return result
