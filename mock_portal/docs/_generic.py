"""Operations for routes the contract does not describe: the operator API and anything else.

Such a route is documented from what it says of itself, its path parameters (with the types
their Starlette convertors read) and its endpoint's docstring (first line: the summary; the
rest: the description; no docstring: the endpoint's name), so it appears in the document the
day it is added. Routes under /admin also get the operator's Bearer scheme and the operator
API's error body (`mock_portal.admin.error`: `{"error": "…"}`), whose statuses are fixed by
that module's docstring: 400 bad input, 401 no or wrong token, 404 unknown thing, 503 store down.
"""

from __future__ import annotations

import inspect
from typing import Any

from mock_portal.docs._components import schema_ref
from mock_portal.docs._routes import ApiRoute
from mock_portal.wire import JSON_MEDIA_TYPE

OPERATOR_PREFIX = "/admin"
OPERATOR_SECURITY = "operatorToken"
OPERATOR_ERROR = "OperatorError"
OTHER_TAG = "other"
OPERATOR_TAG = "operator"

_OPERATOR_REFUSALS = {
    "400": "Dữ liệu vào sai; `error` nêu tham số — bad input; `error` names the parameter",
    "401": "Thiếu hoặc sai mã vận hành — missing or wrong operator token",
    "404": "Không có đối tượng này — no such thing",
    "503": "Cơ sở dữ liệu của cổng không dùng được; thử lại — the store is down; retry",
}


def is_operator(path: str) -> bool:
    return path == OPERATOR_PREFIX or path.startswith(OPERATOR_PREFIX + "/")


def operator_components() -> dict[str, Any]:
    """The security scheme and error body the operator routes refer to."""
    return {
        "schemas": {
            OPERATOR_ERROR: {
                "title": "Lỗi API vận hành — Operator API error",
                "description": "Câu trả lời khi API vận hành từ chối — the body of every "
                "refusal of the operator API.",
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "string",
                        "description": "Vấn đề, nêu tham số sai nếu có — the problem, naming "
                        "the wrong parameter if any.",
                    }
                },
            }
        },
        "securitySchemes": {
            OPERATOR_SECURITY: {
                "type": "http",
                "scheme": "bearer",
                "description": "Mã vận hành của cổng (cấu hình `operator_token`, hoặc mã in ra "
                "một lần khi khởi động lần đầu); mã phiên của tỉnh không dùng được — the "
                "portal's operator token (`operator_token` in the config, or the one shown "
                "once on first start); a province's session is not one.",
            }
        },
    }


def generic_operation(route: ApiRoute, method: str) -> dict[str, Any]:
    """The operation of `method` on `route`, from what the route says of itself."""
    summary, description = _docstring(route)
    operator = is_operator(route.path)
    operation: dict[str, Any] = {
        "tags": [OPERATOR_TAG if operator else OTHER_TAG],
        "operationId": _operation_id(method, route.path),
        "summary": summary,
    }
    if description:
        operation["description"] = description
    if route.parameters:
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": schema}
            for name, schema in route.parameters.items()
        ]
    if method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {
            "required": False,
            "content": {JSON_MEDIA_TYPE: {"schema": {"type": "object"}}},
        }
    responses: dict[str, Any] = {"200": {"description": "Thành công — success"}}
    if method in ("POST", "PUT"):
        responses["201"] = {"description": "Đã tạo — created"}
    if operator:
        operation["security"] = [{OPERATOR_SECURITY: []}]
        for status, text in _OPERATOR_REFUSALS.items():
            responses[status] = {
                "description": text,
                "content": {JSON_MEDIA_TYPE: {"schema": schema_ref(OPERATOR_ERROR)}},
            }
    operation["responses"] = responses
    return operation


def _docstring(route: ApiRoute) -> tuple[str, str]:
    """(summary, description) of the route's endpoint."""
    endpoint = route.endpoint
    text = inspect.getdoc(endpoint) if endpoint is not None else None
    if text:
        summary, _, rest = text.partition("\n")
        return summary.strip(), rest.strip()
    name = getattr(endpoint, "__name__", "")
    if name and name != "<lambda>":
        return name.strip("_").replace("_", " ").capitalize(), ""
    return route.path, ""


def _operation_id(method: str, path: str) -> str:
    words = [part.strip("{}") for part in path.split("/") if part]
    return "_".join([method.lower(), *words]).replace("-", "_").replace(".", "_")
