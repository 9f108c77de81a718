"""The OpenAPI 3.1 document of a mock portal app, generated from the contract and the app's routes.

Nothing here lists a message's fields: the request and answer schemas are the profile's JSON
Schema documents (see `_components`), the error codes come from `ErrorCode` (see `_codes`) and
the paths from the app's routes (see `_routes`). What is written here is what no schema says:
how the three DVCQG calls use those messages, which HTTP statuses carry which codes, and the
prose around them.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from importlib import metadata, resources
from typing import Any

from starlette.routing import BaseRoute

from contracts import INTEGRATION_SERVICES, SHARE_SERVICES, MessageKind, Profile
from mock_portal.docs._codes import REFUSAL, codes_table, refusal_examples, refusal_schema
from mock_portal.docs._components import contract_components, schema_ref
from mock_portal.docs._generic import generic_operation, is_operator, operator_components
from mock_portal.docs._payments import (
    PAYMENT_KINDS,
    PAYMENT_TAG,
    PAYMENT_TAG_TEXT,
    payer_page_operation,
    payment_components,
    payment_operation,
)
from mock_portal.docs._routes import api_routes
from mock_portal.docs._sso import SSO_KINDS, SSO_TAG, SSO_TAG_TEXT, sso_components, sso_operation
from mock_portal.wire import JSON_MEDIA_TYPE, ErrorCode

OPENAPI_VERSION = "3.1.0"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
INTEGRATION_REQUEST = "IntegrationRequest"
SHARE_REQUEST = "ShareRequest"

#: every message kind the three DVCQG calls send or answer (thutuc-record: LayThuTuc's result)
DOCUMENTED_KINDS = frozenset(
    {
        MessageKind.LOGIN,
        MessageKind.LOGIN_RESPONSE,
        MessageKind.PORTAL_RESPONSE,
        MessageKind.THU_TUC_RECORD,
        *INTEGRATION_SERVICES,
        *SHARE_SERVICES,
        *PAYMENT_KINDS,
        *SSO_KINDS,
    }
)

#: failures any endpoint may answer: its store failing, or a fault profile (mock_portal.faults)
#: making the portal overloaded, down for maintenance or broken on purpose
_PORTAL_FAILURES: dict[int, tuple[ErrorCode, ...]] = {
    429: (ErrorCode.THROTTLED,),
    500: (ErrorCode.UNAVAILABLE,),
    502: (ErrorCode.UNAVAILABLE,),
    503: (ErrorCode.STORAGE, ErrorCode.UNAVAILABLE),
    504: (ErrorCode.UNAVAILABLE,),
}
_LOGIN_ERRORS: dict[int, tuple[ErrorCode, ...]] = {
    400: (ErrorCode.MALFORMED,),
    401: (ErrorCode.LOGIN_FAILED,),
    413: (ErrorCode.TOO_LARGE,),
    415: (ErrorCode.MEDIA_TYPE,),
    **_PORTAL_FAILURES,
}
_RPC_ERRORS: dict[int, tuple[ErrorCode, ...]] = {
    400: (ErrorCode.MALFORMED, ErrorCode.UNKNOWN_SERVICE),
    401: (ErrorCode.SESSION,),
    403: (ErrorCode.FORBIDDEN,),
    413: (ErrorCode.TOO_LARGE,),
    415: (ErrorCode.MEDIA_TYPE,),
    **_PORTAL_FAILURES,
}
#: statuses whose refusal says when to come back
_RETRY_AFTER = frozenset({429, 503})
#: codes the portal answers with HTTP 200, because DVCQG's clients read refusals from the body
_BUSINESS_REFUSALS = (ErrorCode.NOT_CONFORMANT, ErrorCode.NOT_FOUND)

_TAGS = {
    "login": "Đăng nhập — log in with the unit's account and get a session",
    "integration": "Tích hợp — the integration RPC: dossiers, progress, statuses, lookups",
    "share": "Chia sẻ — catalogues: procedures, agencies, sectors, online services",
    "operator": "Vận hành — the operator API (its own Bearer token; provinces never reach it)",
    PAYMENT_TAG: PAYMENT_TAG_TEXT,
    SSO_TAG: SSO_TAG_TEXT,
    "other": "Khác — other routes of this portal",
}


@dataclass(frozen=True, slots=True)
class PortalPaths:
    """Where the app serves DVCQG's three calls: the app owns its paths, the document follows."""

    login: str
    integration: str
    share: str


def build_openapi(
    profile: Profile, routes: Sequence[BaseRoute], paths: PortalPaths
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of an app with `routes` judging messages by `profile`."""
    schemas: dict[str, Any] = contract_components(profile, DOCUMENTED_KINDS)
    schemas[REFUSAL] = refusal_schema()
    schemas[INTEGRATION_REQUEST] = _service_union(
        schemas, INTEGRATION_SERVICES, "Thông điệp tích hợp — an integration request"
    )
    schemas[SHARE_REQUEST] = _service_union(
        schemas, SHARE_SERVICES, "Thông điệp chia sẻ — a catalogue request"
    )
    builders = {
        paths.login: lambda: _login(schemas),
        paths.integration: lambda: _rpc(schemas, "integration", INTEGRATION_REQUEST),
        paths.share: lambda: _rpc(schemas, "share", SHARE_REQUEST),
    }
    operations: dict[str, dict[str, Any]] = {}
    for route in api_routes(routes):
        item = operations.setdefault(route.path, {})
        for method in route.methods:
            if route.path in builders and method == "POST":
                item["post"] = builders[route.path]()
            elif (payment := payment_operation(schemas, route.path, method)) is not None:
                item[method.lower()] = payment
            elif (sso := sso_operation(route.path, method)) is not None:
                item[method.lower()] = sso
            elif (page := payer_page_operation(route, method)) is not None:
                item[method.lower()] = page
            else:
                item[method.lower()] = generic_operation(route, method)
    components: dict[str, Any] = {"schemas": schemas}
    if any(op["tags"] == [PAYMENT_TAG] for item in operations.values() for op in item.values()):
        schemas.update(payment_components())
    if any(is_operator(path) for path in operations):
        operator = operator_components()
        schemas.update(operator["schemas"])
        components["securitySchemes"] = operator["securitySchemes"]
    if any(op["tags"] == [SSO_TAG] for item in operations.values() for op in item.values()):
        sso = sso_components()
        schemas.update(sso["schemas"])
        components.setdefault("securitySchemes", {}).update(sso["securitySchemes"])
    used_tags = {tag for item in operations.values() for op in item.values() for tag in op["tags"]}
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": JSON_SCHEMA_DIALECT,
        "info": _info(profile, paths),
        "tags": [
            {"name": name, "description": text} for name, text in _TAGS.items() if name in used_tags
        ],
        "paths": operations,
        "components": components,
    }


def _info(profile: Profile, paths: PortalPaths) -> dict[str, Any]:
    description = f"""\
Cổng giả lập của Cổng Dịch vụ công quốc gia (DVCQG) cho việc tích hợp của các tỉnh theo Thông \
tư 01/2018/TT-VPCP. A mock of Vietnam's National Public Service Portal: a province's client \
works against it by changing only its base URL and credentials. The paths are this mock's own \
(the real ones are not public) and are kept stable. Messages are judged by the contract profile \
`{profile.name}` ({profile.title}); every schema below is generated from that contract.

## Luồng — Flow

1. `POST {paths.login}` with the unit's user name and password answers a `session`.
2. Every call to `POST {paths.integration}` and `POST {paths.share}` carries `session`, \
`madonvi` and `service` in its JSON body; `service` names the operation. A session acts only \
for its own unit tree: another unit's `madonvi` or dossier is refused (403).

## Trả lời — Answers

Every answer is a JSON object with an integer `error_code`, 0 on success. A request the portal \
cannot read or may not serve is refused with an HTTP status of 4xx or 5xx. **Business refusals \
come as HTTP 200 with a non-zero `error_code`**, as DVCQG's clients (OpenCPS) expect: in strict \
mode a message that breaks a rule of the contract is answered 200 with `error_code` \
{int(ErrorCode.NOT_CONFORMANT)} and its `findings`; in lenient mode it is accepted and its \
findings are recorded for the scorecard. Clients should treat any HTTP status of 400 or more \
as a failure without reading the body. An operator may also make the portal slow, down for \
maintenance, overloaded or broken on purpose (fault profiles): then any endpoint may answer \
429, 500, 502, 503 or 504, wait, cut the connection, or send a body that is not JSON.

## Mã lỗi — Error codes

{codes_table()}
"""
    return {
        "title": "portalsim — DVCQG giả lập (mock National Public Service Portal)",
        "summary": f"Tích hợp DVCQG theo hồ sơ {profile.name} — DVCQG integration, {profile.name}",
        "version": _version(),
        "description": unicodedata.normalize("NFC", description),
        "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
    }


def _version() -> str:
    try:
        return metadata.version("portalsim")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _service_union(
    schemas: dict[str, Any], services: Iterable[MessageKind], title: str
) -> dict[str, Any]:
    """One of the services' schemas, told apart by the constant `service` each one requires."""
    kinds = _ordered(services)
    return {
        "title": title,
        "description": "Một trong các dịch vụ, chọn theo `service` — one of the services, "
        "chosen by `service`: "
        + "; ".join(f"`{kind.value}` ({_title(schemas, kind)})" for kind in kinds)
        + ".",
        "oneOf": [schema_ref(kind.value) for kind in kinds],
        "discriminator": {
            "propertyName": "service",
            "mapping": {kind.value: schema_ref(kind.value)["$ref"] for kind in kinds},
        },
    }


def _ordered(kinds: Iterable[MessageKind]) -> list[MessageKind]:
    """`kinds` in the order `MessageKind` declares them (the order of a dossier's life)."""
    chosen = set(kinds)
    return [kind for kind in MessageKind if kind in chosen]


def _title(schemas: dict[str, Any], kind: MessageKind) -> str:
    return str(schemas[kind.value].get("title", kind.value))


def _login(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "tags": ["login"],
        "operationId": "login",
        "summary": _title(schemas, MessageKind.LOGIN),
        "description": schemas[MessageKind.LOGIN.value].get("description", ""),
        "requestBody": _body(schema_ref(MessageKind.LOGIN.value), [MessageKind.LOGIN]),
        "responses": {
            "200": {
                "description": _title(schemas, MessageKind.LOGIN_RESPONSE),
                "content": {
                    JSON_MEDIA_TYPE: {
                        "schema": schema_ref(MessageKind.LOGIN_RESPONSE.value),
                        "examples": _examples([MessageKind.LOGIN_RESPONSE]),
                    }
                },
            },
            **_errors(_LOGIN_ERRORS),
        },
    }


def _rpc(schemas: dict[str, Any], endpoint: str, request: str) -> dict[str, Any]:
    services = _ordered(INTEGRATION_SERVICES if endpoint == "integration" else SHARE_SERVICES)
    listed = "\n".join(f"- `{kind.value}`: {_title(schemas, kind)}" for kind in services)
    business = ", ".join(f"`{code.name}` ({int(code)})" for code in _BUSINESS_REFUSALS)
    return {
        "tags": [endpoint],
        "operationId": endpoint,
        "summary": _TAGS[endpoint],
        "description": f"Một envelope, thao tác do `service` chọn — one envelope, the operation "
        f"named by `service`:\n\n{listed}",
        "requestBody": _body(schema_ref(request), services),
        "responses": {
            "200": {
                "description": f"{_title(schemas, MessageKind.PORTAL_RESPONSE)}. Từ chối nghiệp "
                f"vụ cũng là HTTP 200 với `error_code` khác 0 — business refusals are HTTP 200 "
                f"too, with a non-zero `error_code`: {business}; a `NOT_CONFORMANT` refusal has "
                f"no `result`, so the body is a portal-response or a Refusal. For LayThuTuc "
                f"`result[0]` is a `{MessageKind.THU_TUC_RECORD.value}`.",
                "content": {
                    JSON_MEDIA_TYPE: {
                        "schema": {
                            "anyOf": [
                                schema_ref(MessageKind.PORTAL_RESPONSE.value),
                                schema_ref(REFUSAL),
                            ]
                        },
                        "examples": {
                            **_examples([MessageKind.PORTAL_RESPONSE]),
                            **refusal_examples(_BUSINESS_REFUSALS),
                        },
                    }
                },
            },
            **_errors(_RPC_ERRORS),
        },
    }


def _body(schema: dict[str, Any], kinds: Iterable[MessageKind]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {JSON_MEDIA_TYPE: {"schema": schema, "examples": _examples(kinds)}},
    }


def _errors(statuses: dict[int, tuple[ErrorCode, ...]]) -> dict[str, Any]:
    """A refusal response per HTTP status, naming the codes it carries, one example each."""
    responses: dict[str, Any] = {}
    for status, codes in statuses.items():
        names = ", ".join(f"`{code.name}` ({int(code)})" for code in codes)
        response: dict[str, Any] = {
            "description": f"{HTTPStatus(status).phrase}: {names}",
            "content": {
                JSON_MEDIA_TYPE: {
                    "schema": schema_ref(REFUSAL),
                    "examples": refusal_examples(codes),
                }
            },
        }
        if status in _RETRY_AFTER:
            response["headers"] = {
                "Retry-After": {
                    "description": "Số giây chờ trước khi thử lại — seconds to wait before "
                    "retrying (sent with throttling and maintenance windows).",
                    "schema": {"type": "integer", "minimum": 0},
                }
            }
        responses[str(status)] = response
    return responses


def _examples(kinds: Iterable[MessageKind]) -> dict[str, Any]:
    """The shipped examples of `kinds`, named `<kind>` or `<kind>-<n>` when there are several."""
    examples: dict[str, Any] = {}
    for kind in kinds:
        found = _shipped_examples().get(kind.value, [])
        for index, example in enumerate(found, start=1):
            name = kind.value if len(found) == 1 else f"{kind.value}-{index}"
            examples[name] = {"summary": example["summary"], "value": example["value"]}
    return examples


@cache
def _shipped_examples() -> dict[str, list[dict[str, Any]]]:
    """Real message bodies (from the contract's schema cases), checked against it by the tests."""
    text = resources.files("mock_portal.docs").joinpath("examples.json").read_text("utf-8")
    examples: dict[str, list[dict[str, Any]]] = json.loads(text)
    return examples
