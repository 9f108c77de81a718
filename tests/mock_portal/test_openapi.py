"""The OpenAPI document at /openapi.json and the /docs page: generated from the contract, valid
OpenAPI 3.1, true to what the portal answers, and readable with no internet access."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import jsonschema
import pytest
import referencing
from openapi_spec_validator import validate as validate_openapi
from referencing.jsonschema import DRAFT202012
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts import INTEGRATION_SERVICES, SHARE_SERVICES, MessageKind
from contracts._schemas import _ecma_pattern
from mock_portal._portal import Portal
from mock_portal.app import create_app
from mock_portal.config import PortalConfig
from mock_portal.docs import _web, build_openapi
from mock_portal.docs._codes import CODES
from mock_portal.docs._document import DOCUMENTED_KINDS
from mock_portal.wire import ErrorCode
from tests.contracts._schema_cases import load_cases
from tests.mock_portal._client import INTEGRATION, LOGIN, SHARE, body, login
from tests.mock_portal.conftest import PortalFactory

CASES = Path(__file__).parents[1] / "contracts" / "cases" / "schemas"
RENDER_HARNESS = Path(__file__).with_name("render_docs.js")
DOCUMENT_URI = "urn:portalsim:openapi"
REFUSAL_STATUSES = ("400", "401", "413", "415", "429", "503")

#: the contract's reading of `pattern` (ECMA-262 `$`), so verdicts match the contract's own
ContractValidator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _ecma_pattern}
)


def get(app: Starlette, *urls: str) -> list[httpx.Response]:
    """GET `urls` from `app` in-process, in order (no lifespan: the docs need no writer)."""

    async def fetch() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            return [await client.get(url) for url in urls]

    return asyncio.run(fetch())


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Starlette]:
    """The app of a portal on SQLite: the document does not depend on the backend."""
    portal = Portal(f"sqlite:///{tmp_path_factory.mktemp('openapi')}/portal.db", PortalConfig())
    yield create_app(portal)
    portal.close()


@pytest.fixture(scope="module")
def served(app: Starlette) -> httpx.Response:
    """The answer to GET /openapi.json."""
    return get(app, "/openapi.json")[0]


@pytest.fixture(scope="module")
def document(served: httpx.Response) -> dict[str, Any]:
    assert served.status_code == 200
    parsed: dict[str, Any] = served.json()
    return parsed


def registry_of(document: dict[str, Any]) -> referencing.Registry[Any]:
    """A registry holding the whole document, so `#/components/...` references resolve in it."""
    resource = DRAFT202012.create_resource(document)
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(
        DOCUMENT_URI, resource
    )
    return registry


def validator_for(document: dict[str, Any], pointer: str) -> Any:
    """A validator for the schema at `pointer` of the document, its references resolved in it."""
    return ContractValidator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry_of(document))


def media_pointer(path: str, method: str, where: str) -> str:
    """JSON pointer to the JSON schema of a request body (`where`="request") or a response."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    base = f"/paths/{escaped}/{method}"
    if where == "request":
        return f"{base}/requestBody/content/application~1json/schema"
    return f"{base}/responses/{where}/content/application~1json/schema"


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(JSON pointer, key, value) of every member of the document, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def valid_case(kind: str, index: int = 0) -> Any:
    tests = json.loads((CASES / f"{kind}.json").read_text(encoding="utf-8"))["tests"]
    return [test["data"] for test in tests if test["valid"]][index]


# The document


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    """openapi-spec-validator accepts the document as OpenAPI 3.1 with the 2020-12 dialect."""
    validate_openapi(document)
    assert document["openapi"] == "3.1.0"
    assert document["jsonSchemaDialect"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_reference_resolves_inside_the_document(document: dict[str, Any]) -> None:
    """Each `$ref` and discriminator mapping points at a schema the document holds."""
    resolver = registry_of(document).resolver(DOCUMENT_URI)
    targets = [value for _path, key, value in walk(document) if key == "$ref"]
    targets += [
        ref
        for _path, key, value in walk(document)
        if key == "discriminator"
        for ref in value["mapping"].values()
    ]
    assert targets
    for target in targets:
        assert target.startswith("#/components/schemas/"), target
        assert isinstance(resolver.lookup(target).contents, dict), target


def test_contract_schemas_are_embedded_without_their_own_ids(document: dict[str, Any]) -> None:
    """Every documented message kind is a component; none keeps `$id`, `$schema` or `$defs`."""
    schemas = document["components"]["schemas"]
    assert {kind.value for kind in DOCUMENTED_KINDS} <= set(schemas)
    assert "common.agencyCode" in schemas
    assert "DongBoHoSoMC.dossier" in schemas
    for path, key, _value in walk(schemas):
        assert key not in ("$id", "$schema", "$defs"), f"{path}/{key}"


@pytest.mark.parametrize(
    "case",
    [case for case in load_cases() if case.kind in DOCUMENTED_KINDS],
    ids=lambda case: case.id,
)
def test_components_judge_every_contract_case_as_the_contract_does(
    document: dict[str, Any], case: Any
) -> None:
    """Hoisting changed no meaning: each schema case is valid against the component iff valid."""
    validator = validator_for(document, f"/components/schemas/{case.kind.value}")
    assert validator.is_valid(case.data) is case.valid


def test_titles_and_descriptions_come_from_the_contract_in_nfc(
    served: httpx.Response, document: dict[str, Any]
) -> None:
    """Vietnamese prose is served as UTF-8 (not escaped), NFC, as the schemas have it."""
    assert "Đồng bộ hồ sơ một cửa".encode() in served.content
    title = document["components"]["schemas"]["DongBoHoSoMC"]["title"]
    assert title == "Đồng bộ hồ sơ một cửa — Dossier synchronisation (DongBoHoSoMC)"
    strings = [value for _path, _key, value in walk(document) if isinstance(value, str)]
    assert all(unicodedata.is_normalized("NFC", text) for text in strings)


# Paths and operations


def http_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(path, method) of every schema-visible route, mounted apps and their middleware walked."""
    for route in routes:
        if isinstance(route, Route) and route.include_in_schema:
            path = re.sub(r"{(\w+):\w+}", r"{\1}", prefix + route.path)  # OpenAPI: no types
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield path, method.lower()
        elif isinstance(route, Mount):
            inner = route.routes or getattr(getattr(route.app, "app", None), "routes", [])
            yield from http_routes(inner, prefix + route.path)


def test_every_public_route_of_the_app_is_documented(
    app: Starlette, document: dict[str, Any]
) -> None:
    """Each method of each route in the schema appears; /openapi.json and /docs do not."""
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == set(http_routes(app.routes))
    assert {(LOGIN, "post"), (INTEGRATION, "post"), (SHARE, "post")} <= documented
    assert not any(path.startswith(("/openapi", "/docs")) for path, _method in documented)


@pytest.mark.parametrize(
    ("path", "services"), [(INTEGRATION, INTEGRATION_SERVICES), (SHARE, SHARE_SERVICES)]
)
def test_rpc_request_is_one_of_the_endpoint_services(
    document: dict[str, Any], path: str, services: frozenset[MessageKind]
) -> None:
    """The request body is `oneOf` the endpoint's services, told apart by `service`."""
    ref = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    union = document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    variants = {variant["$ref"].rsplit("/", 1)[1] for variant in union["oneOf"]}
    assert variants == {kind.value for kind in services}
    assert union["discriminator"]["propertyName"] == "service"
    for service, target in union["discriminator"]["mapping"].items():
        schema = document["components"]["schemas"][target.rsplit("/", 1)[1]]
        assert schema["properties"]["service"]["const"] == service


def test_real_dossier_sync_validates_against_the_documented_request(
    document: dict[str, Any],
) -> None:
    """An OpenCPS DongBoHoSoMC passes the integration request schema; a bad dossier code fails."""
    validator = validator_for(document, media_pointer(INTEGRATION, "post", "request"))
    message = valid_case("DongBoHoSoMC")
    assert validator.is_valid(message)
    message["data"][0]["MaHoSo"] = "38.98.H29-210519-0013"
    assert not validator.is_valid(message)
    assert not validator.is_valid({**valid_case("DongBoHoSoMC"), "service": "DongBo"})


def test_every_example_matches_its_schema(document: dict[str, Any]) -> None:
    """Each request and response example of every operation validates against its schema."""
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            media = [("request", operation.get("requestBody", {}).get("content", {}))]
            media += [
                (status, r.get("content", {})) for status, r in operation["responses"].items()
            ]
            for where, content in media:
                examples = content.get("application/json", {}).get("examples", {})
                validator = validator_for(document, media_pointer(path, method, where))
                for name, example in examples.items():
                    errors = [error.message for error in validator.iter_errors(example["value"])]
                    assert errors == [], f"{method} {path} {where} {name}"
                    checked += 1
    assert checked > 30


@pytest.mark.parametrize("path", [LOGIN, INTEGRATION, SHARE])
def test_refusals_are_documented_with_their_body(document: dict[str, Any], path: str) -> None:
    """4xx and 5xx answers carry the refusal body; 429 and 503 say when to retry."""
    responses = document["paths"][path]["post"]["responses"]
    statuses = (*REFUSAL_STATUSES, "403") if path != LOGIN else REFUSAL_STATUSES
    for status in statuses:
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Refusal"}, status
    assert "Retry-After" in responses["429"]["headers"]
    assert "Retry-After" in responses["503"]["headers"]
    refusal = document["components"]["schemas"]["Refusal"]
    assert refusal["required"] == ["error_code", "message"]
    assert refusal["properties"]["findings"]["items"] == {
        "$ref": "#/components/schemas/portal-response.finding"
    }


def test_every_error_code_is_in_the_description_table(document: dict[str, Any]) -> None:
    """Each ErrorCode has a documented meaning and a row in the API description."""
    assert set(CODES) == set(ErrorCode)
    description = document["info"]["description"]
    for code in ErrorCode:
        assert f"| {int(code)} | `{code.name}` |" in description
    assert "HTTP 200 with a non-zero `error_code`" in description


class _Guard:
    """A pure ASGI middleware in Starlette's convention: the wrapped app is `.app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def test_routes_mounted_later_are_documented_generically(tmp_path: Path) -> None:
    """Operator routes mounted after the docs routes, behind middleware, are documented from
    their docstring or name, with path parameters, Bearer auth and the operator error body."""

    async def unit(request: Request) -> Response:
        """Một đơn vị — one provisioned unit.

        Answers the unit's settings.
        """
        return JSONResponse({"code": request.path_params["code"]})

    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": {}})

    operator_app = Starlette(
        routes=[Route("/units/{code}", unit), Route("/faults/{id:int}", list_faults)]
    )
    portal = Portal(f"sqlite:///{tmp_path}/portal.db", PortalConfig())
    app = create_app(portal)
    app.router.routes.append(Mount("/admin", app=_Guard(operator_app)))
    document = get(app, "/openapi.json")[0].json()
    portal.close()
    validate_openapi(document)
    assert set(http_routes(app.routes)) == {
        (path, method) for path, item in document["paths"].items() for method in item
    }
    unit_operation = document["paths"]["/admin/units/{code}"]["get"]
    assert unit_operation["summary"] == "Một đơn vị — one provisioned unit."
    assert unit_operation["description"] == "Answers the unit's settings."
    assert unit_operation["security"] == [{"operatorToken": []}]
    assert unit_operation["parameters"][0]["name"] == "code"
    assert unit_operation["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OperatorError"
    }
    faults_operation = document["paths"]["/admin/faults/{id}"]["get"]
    assert faults_operation["summary"] == "List faults"
    assert faults_operation["parameters"][0]["schema"]["type"] == "integer"
    assert document["components"]["securitySchemes"]["operatorToken"]["scheme"] == "bearer"


# Serving


def test_document_is_served_as_json_and_generated_once_per_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request builds the document; later ones get the same bytes; each app its own."""
    calls: list[int] = []

    def counting(*args: Any) -> dict[str, Any]:
        calls.append(1)
        return build_openapi(*args)

    monkeypatch.setattr(_web, "build_openapi", counting)
    portal = Portal(f"sqlite:///{tmp_path}/portal.db", PortalConfig())
    first, again = get(create_app(portal), "/openapi.json", "/openapi.json")
    assert first.headers["content-type"] == "application/json"
    assert again.content == first.content
    assert len(calls) == 1
    get(create_app(portal), "/openapi.json")
    portal.close()
    assert len(calls) == 2


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_docs_page_loads_nothing_from_outside_the_portal(app: Starlette) -> None:
    """/docs is HTML whose every resource is same-origin and relative; no asset names a URL."""
    [page] = get(app, "/docs")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    links = _Links()
    links.feed(page.text)
    assert links.urls
    assert "openapi.json" in links.urls  # the fallback link for readers without JavaScript
    bodies = [page.text]
    for url in links.urls:
        parts = urlsplit(url)
        assert not parts.scheme, url
        assert not parts.netloc, url
        assert not url.startswith("/"), url  # relative: works under a path prefix too
        [asset] = get(app, urlsplit(urljoin("http://portal.test/docs", url)).path)
        assert asset.status_code == 200, url
        if url != "openapi.json":  # data, not a page asset: its dialect URI is a name, not a load
            bodies.append(asset.text)
    assert len(bodies) == 3  # the page, its script and its style
    for text in bodies:
        assert "http://" not in text
        assert "https://" not in text
        assert "@import" not in text
        assert "url(" not in text


def test_unknown_docs_asset_is_refused_as_json(app: Starlette) -> None:
    """Only the page's own files are served: anything else is the portal's 404 refusal."""
    [response] = get(app, "/docs/..%2Fapp.py")
    assert response.status_code == 404
    assert response.json()["error_code"] == ErrorCode.UNKNOWN_SERVICE


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_docs_script_renders_every_operation_of_the_document(
    app: Starlette, served: httpx.Response, document: dict[str, Any], tmp_path: Path
) -> None:
    """Under node with a minimal DOM, the page's script renders the document without an error,
    and requests nothing but the document and the portal's own paths."""
    spec = tmp_path / "openapi.json"
    spec.write_bytes(served.content)
    script = tmp_path / "docs.js"
    script.write_bytes(get(app, "/docs/docs.js")[0].content)
    completed = subprocess.run(
        ["node", str(RENDER_HARNESS), str(script), str(spec)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    for path in document["paths"]:
        assert path in report["text"]
    assert "MaHoSo" in report["text"]
    assert "HS-001" in report["text"]  # the rule a pattern belongs to, from `x-rule`
    assert "[object" not in report["text"]
    assert "undefined" not in report["text"]
    assert report["fetched"][0] == "openapi.json"
    assert all(urlsplit(url).netloc == "" for url in report["fetched"])


# The portal's answers are what the document says


def _check(document: dict[str, Any], path: str, status: int, answer: Any) -> None:
    validator = validator_for(document, media_pointer(path, "post", str(status)))
    assert [error.message for error in validator.iter_errors(answer)] == []


def test_answers_of_the_portal_match_the_documented_responses(
    make_portal: PortalFactory, document: dict[str, Any]
) -> None:
    """Login, a sync, a lookup, a catalogue and refusals validate against their documented body."""
    _portal, client = make_portal()
    bad_login = client.post(LOGIN, json={"username": "000.00.00.H56", "password": "wrong"})
    assert bad_login.status_code == 401
    _check(document, LOGIN, 401, bad_login.json())
    good_login = client.post(LOGIN, json={"username": "000.00.00.H56", "password": "secret"})
    _check(document, LOGIN, 200, good_login.json())
    session = good_login.json()["session"]
    for path, message in (
        (INTEGRATION, body("tracuu", session)),
        (INTEGRATION, body("dongbo", session)),
        (INTEGRATION, body("laythutuc", session)),
        (SHARE, {"session": session, "madonvi": "000.00.00.H56", "service": "LayDVC"}),
    ):
        answer = client.post(path, json=message)
        assert answer.status_code == 200, answer.text
        _check(document, path, 200, answer.json())
    no_session = client.post(INTEGRATION, json=body("tracuu", "expired"))
    assert no_session.status_code == 401
    _check(document, INTEGRATION, 401, no_session.json())
    wrong_type = client.post(INTEGRATION, content=b"{}", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    _check(document, INTEGRATION, 415, wrong_type.json())


def test_strict_business_refusal_is_a_documented_http_200(
    make_portal: PortalFactory, document: dict[str, Any]
) -> None:
    """Strict mode refuses a non-conformant message with HTTP 200, as the document says."""
    _portal, client = make_portal(mode="strict")
    session = login(client)
    wrong = body("dongbo", session, data_MaHoSo="000.00.14.H56-260303-0007")
    answer = client.post(INTEGRATION, json=wrong)
    assert answer.status_code == 200
    assert answer.json()["error_code"] == ErrorCode.NOT_CONFORMANT
    _check(document, INTEGRATION, 200, answer.json())
