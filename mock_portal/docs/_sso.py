"""The SSO provider's operations in the OpenAPI document.

OAuth 2.0 requests are queries and `application/x-www-form-urlencoded` forms, not JSON: their
parameters are documented here (from the provider's own constants), and the answers reference
the contract's `sso-*` schemas (`sso-token-response`, `sso-userinfo`, and the ID token's
`sso-id-token-claims`) like every DVCQG message. Errors are RFC 6749 §5.2 bodies (`OAuthError`),
except where the browser is on the page: there errors are HTML pages or redirects.
"""

from __future__ import annotations

from typing import Any

from contracts import MessageKind
from mock_portal.docs._components import schema_ref
from mock_portal.sso._http import FORM_MEDIA_TYPE
from mock_portal.sso._paths import (
    AUTHORIZE_PATH,
    DISCOVERY_PATH,
    INTROSPECT_PATH,
    JWKS_PATH,
    LOGOUT_PATH,
    TOKEN_PATH,
    USERINFO_PATH,
)
from mock_portal.wire import JSON_MEDIA_TYPE
from simulator.domain import LEVELS_OF_ASSURANCE

SSO_TAG = "sso"
SSO_TAG_TEXT = (
    "Đăng nhập một lần — single sign-on: the OpenID Connect provider that logs citizens and "
    "businesses in for the provinces (authorization code, PKCE S256, RS256 ID tokens)"
)
#: the kinds of the contract the provider answers with
SSO_KINDS = frozenset(
    {MessageKind.SSO_TOKEN_RESPONSE, MessageKind.SSO_USERINFO, MessageKind.SSO_ID_TOKEN_CLAIMS}
)
OAUTH_ERROR = "OAuthError"
CLIENT_BASIC = "clientBasic"
ACCESS_TOKEN = "accessToken"
_HTML = "text/html"
_NO_CACHE = {"Cache-Control": {"description": "no-store", "schema": {"type": "string"}}}
_LOCATION = "Location"


def _string(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **more}


def sso_components() -> dict[str, Any]:
    """Schemas and security schemes the SSO operations refer to."""
    schemas = {
        OAUTH_ERROR: {
            "title": "Lỗi OAuth 2.0 — OAuth 2.0 error",
            "description": "RFC 6749 §5.2 / RFC 6750 §3.1: `error` is a code such as "
            "invalid_request, invalid_client, invalid_grant, unsupported_grant_type, "
            "invalid_token, temporarily_unavailable.",
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": _string("Mã lỗi OAuth — the OAuth error code."),
                "error_description": _string("Giải thích — what is wrong, for people."),
            },
        },
        "OpenIDConfiguration": {
            "title": "Cấu hình OpenID — OpenID provider metadata",
            "description": "OpenID Connect Discovery 1.0 §3; endpoint URLs are under `issuer`.",
            "type": "object",
            "required": [
                "issuer",
                "authorization_endpoint",
                "token_endpoint",
                "jwks_uri",
                "response_types_supported",
                "subject_types_supported",
                "id_token_signing_alg_values_supported",
            ],
            "additionalProperties": True,
            "properties": {
                "issuer": _string("`iss` của ID token — the ID tokens' issuer."),
                "authorization_endpoint": _string("Authorization endpoint URL."),
                "token_endpoint": _string("Token endpoint URL."),
                "userinfo_endpoint": _string("UserInfo endpoint URL."),
                "jwks_uri": _string("JWKS URL."),
                "introspection_endpoint": _string("Introspection endpoint URL (RFC 8414)."),
                "end_session_endpoint": _string("Logout URL (RP-Initiated Logout 1.0)."),
                "response_types_supported": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "`code`.",
                },
                "subject_types_supported": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "`public`.",
                },
                "id_token_signing_alg_values_supported": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "`RS256`.",
                },
            },
        },
        "JWKS": {
            "title": "Bộ khóa công khai — JSON Web Key Set",
            "description": "RFC 7517 §5: the public keys that check ID-token signatures; never "
            "a private key.",
            "type": "object",
            "required": ["keys"],
            "properties": {
                "keys": {
                    "type": "array",
                    "description": "Khóa RSA công khai (kty, kid, use, alg, n, e) — public RSA "
                    "keys.",
                    "items": {"type": "object"},
                }
            },
        },
        "IntrospectionResponse": {
            "title": "Kết quả kiểm tra token — token introspection",
            "description": "RFC 7662 §2.2. Only `active` when the token is unknown, expired or "
            "revoked. A province checks `client_id` is its own and `exp` is ahead.",
            "type": "object",
            "required": ["active"],
            "properties": {
                "active": {"type": "boolean", "description": "Token còn hiệu lực — live."},
                "client_id": _string("Client được cấp token — the client it was issued to."),
                "sub": _string("Tài khoản (TechID) — the account."),
                "scope": _string("Phạm vi — scopes."),
                "token_type": _string("`Bearer`."),
                "exp": {"type": "integer", "description": "Hết hạn (giây Unix) — expiry."},
                "iat": {"type": "integer", "description": "Cấp lúc (giây Unix) — issued at."},
                "iss": _string("Bên phát hành — issuer."),
                "acr": _string("Mức đảm bảo — level of assurance."),
            },
        },
    }
    security = {
        CLIENT_BASIC: {
            "type": "http",
            "scheme": "basic",
            "description": "client_secret_basic: client_id và client_secret (mỗi phần mã hóa "
            "form) — each part form-encoded (RFC 6749 §2.3.1). Or send both in the form "
            "(client_secret_post), never both ways.",
        },
        ACCESS_TOKEN: {
            "type": "http",
            "scheme": "bearer",
            "description": "Access token từ /oauth2/token — the access token of the token "
            "endpoint.",
        },
    }
    return {"schemas": schemas, "securitySchemes": security}


def _query(name: str, description: str, *, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


_AUTHORIZE_PARAMETERS = [
    _query("response_type", "`code`.", required=True, enum=["code"]),
    _query("client_id", "client_id đã đăng ký — the registered client.", required=True),
    _query(
        "redirect_uri",
        "Đúng từng ký tự một địa chỉ đã đăng ký — exactly a registered URI (SSO-004).",
        required=True,
    ),
    _query("scope", "Có `openid` — must include `openid`.", required=True),
    _query("state", "Chống CSRF, trả lại nguyên vẹn — returned as sent (SSO-001)."),
    _query("nonce", "Lặp lại trong ID token — echoed in the ID token (SSO-002)."),
    _query("code_challenge", "PKCE S256 challenge, 43-128 base64url (SSO-003)."),
    _query("code_challenge_method", "`S256`.", enum=["S256"]),
    _query(
        "acr_values",
        f"Mức đảm bảo yêu cầu, ví dụ LoA2 — levels asked for, one of "
        f"{', '.join(LEVELS_OF_ASSURANCE)} (SSO-007 when below the client's required level).",
    ),
    _query(
        "login_hint",
        "Bỏ qua trang đăng nhập: TechID, SoDinhDanh, SoCMND, hộ chiếu, MST — skip the login "
        "page: an account's TechID or one of its numbers.",
    ),
    _query("prompt", "`none` (no page: `login_required` without a known hint), `login`, …"),
]
_LOGOUT_PARAMETERS = [
    _query("id_token_hint", "ID token đã nhận — an ID token of this provider."),
    _query(
        "post_logout_redirect_uri",
        "Địa chỉ đã đăng ký để quay lại — exactly a registered URI (SSO-004).",
    ),
    _query("state", "Trả lại khi chuyển hướng — returned on the redirect."),
    _query("client_id", "Khi không có id_token_hint — needed without id_token_hint."),
]


def _form(parameters: list[dict[str, Any]], required: list[str]) -> dict[str, Any]:
    schema = {
        "type": "object",
        "required": required,
        "properties": {
            p["name"]: {**p["schema"], "description": p["description"]} for p in parameters
        },
    }
    return {"required": True, "content": {FORM_MEDIA_TYPE: {"schema": schema}}}


def _json(description: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"description": description, "content": {JSON_MEDIA_TYPE: {"schema": schema}}, **more}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {_HTML: {"schema": {"type": "string"}}}}


def _redirect(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            _LOCATION: {
                "description": "Địa chỉ đã đăng ký kèm tham số — the registered URI with the "
                "answer's parameters.",
                "schema": {"type": "string"},
            }
        },
    }


def _oauth_errors(*statuses: int) -> dict[str, Any]:
    texts = {
        400: "Yêu cầu sai (invalid_request, invalid_grant, unsupported_grant_type…) — a bad "
        "request, code or grant",
        401: "Xác thực client hoặc token sai (invalid_client, invalid_token) — client "
        "authentication or the access token failed; `WWW-Authenticate` says how",
        413: "Thân yêu cầu quá lớn — body over the size limit",
        503: "Không lưu được; thử lại — the store is down (temporarily_unavailable)",
    }
    return {str(status): _json(texts[status], schema_ref(OAUTH_ERROR)) for status in statuses}


def _authorize(method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [SSO_TAG],
        "operationId": f"sso_authorize_{method}",
        "summary": "Xác thực (luồng mã) — authorization, code flow",
        "description": "Bắt đầu đăng nhập (OpenID Connect Core §3.1.2). While the client or "
        "its `redirect_uri` is not established, errors are an HTML page and the browser is "
        "never redirected; after that they go back as `error`, `error_description`, `state`. "
        "POST is the login page answering with the same parameters as a form.",
        "responses": {
            "302": _redirect(
                "Về ứng dụng với `code` và `state`, hoặc `error` — back to the client with "
                "`code` and `state`, or with `error`"
            ),
            "200": _html("Trang đăng nhập: chọn tài khoản — the login page: pick an account"),
            "400": _html(
                "Trang lỗi, không chuyển hướng (client hoặc redirect_uri sai) — an error page, "
                "no redirect (unknown client, unregistered redirect_uri)"
            ),
        },
    }
    if method == "get":
        operation["parameters"] = _AUTHORIZE_PARAMETERS
    else:
        operation["requestBody"] = _form(
            _AUTHORIZE_PARAMETERS, ["response_type", "client_id", "redirect_uri", "scope"]
        )
    return operation


def _token() -> dict[str, Any]:
    fields = [
        _query("grant_type", "`authorization_code`.", enum=["authorization_code"]),
        _query("code", "Mã nhận ở redirect — the code of the redirect (single use)."),
        _query("redirect_uri", "Như ở yêu cầu xác thực — as in the authorization request."),
        _query("code_verifier", "PKCE verifier (SSO-008 when missing or wrong)."),
        _query("client_id", "client_secret_post: client_id."),
        _query("client_secret", "client_secret_post: client_secret."),
    ]
    return {
        "tags": [SSO_TAG],
        "operationId": "sso_token",
        "summary": "Đổi mã lấy token — exchange the code for tokens",
        "description": "RFC 6749 §4.1.3. The `id_token` is an RS256 JWT whose payload is a "
        f"`{MessageKind.SSO_ID_TOKEN_CLAIMS.value}` (check its signature against the JWKS, "
        "`iss`, `aud`, `exp` and `nonce`). A reused code is refused and revokes the tokens it "
        "bought (SSO-005); a wrong client secret is SSO-006.",
        "security": [{CLIENT_BASIC: []}, {}],
        "requestBody": _form(fields, ["grant_type", "code", "redirect_uri"]),
        "responses": {
            "200": _json(
                "Token (no-store)",
                schema_ref(MessageKind.SSO_TOKEN_RESPONSE.value),
                headers=_NO_CACHE,
            ),
            **_oauth_errors(400, 401, 413, 503),
        },
    }


def _userinfo(method: str) -> dict[str, Any]:
    return {
        "tags": [SSO_TAG],
        "operationId": f"sso_userinfo_{method}",
        "summary": "Thông tin tài khoản — the account's claims",
        "description": "OpenID Connect Core §5.3, with DVCQG's claims (LoaiTaiKhoan, SoCMND, "
        "SoDinhDanh, HoChieu, MaSoThue, MaSoDoanhNghiep, TechID, loAs).",
        "security": [{ACCESS_TOKEN: []}],
        "responses": {
            "200": _json("Claims", schema_ref(MessageKind.SSO_USERINFO.value)),
            **_oauth_errors(401, 503),
        },
    }


def _introspect() -> dict[str, Any]:
    fields = [
        _query("token", "Access token cần kiểm tra — the access token to check."),
        _query("state", "DVCQG's clients send `0`; ignored."),
        _query("token_type_hint", "Ignored."),
        _query("client_id", "client_secret_post: client_id."),
        _query("client_secret", "client_secret_post: client_secret."),
    ]
    return {
        "tags": [SSO_TAG],
        "operationId": "sso_introspect",
        "summary": "Kiểm tra token — token introspection",
        "description": "RFC 7662, as DVCQG's clients call it (`token=…&state=0`).",
        "security": [{CLIENT_BASIC: []}, {}],
        "requestBody": _form(fields, ["token"]),
        "responses": {
            "200": _json("Introspection", schema_ref("IntrospectionResponse")),
            **_oauth_errors(400, 401, 413, 503),
        },
    }


def _logout(method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [SSO_TAG],
        "operationId": f"sso_logout_{method}",
        "summary": "Đăng xuất — RP-initiated logout",
        "description": "OpenID Connect RP-Initiated Logout 1.0: revokes the client's tokens of "
        "the account `id_token_hint` names; redirects to `post_logout_redirect_uri` only when "
        "the client registered it exactly.",
        "responses": {
            "302": _redirect("Về địa chỉ đã đăng ký với `state` — back with `state`"),
            "200": _html("Trang đã đăng xuất — the logged-out page"),
            "400": _html("Trang lỗi, không chuyển hướng — an error page, no redirect"),
        },
    }
    if method == "get":
        operation["parameters"] = _LOGOUT_PARAMETERS
    else:
        operation["requestBody"] = _form(_LOGOUT_PARAMETERS, [])
    return operation


def sso_operation(path: str, method: str) -> dict[str, Any] | None:
    """The operation of `method` (lower case) on an SSO path; None for any other route."""
    method = method.lower()
    if path == DISCOVERY_PATH and method == "get":
        return {
            "tags": [SSO_TAG],
            "operationId": "sso_discovery",
            "summary": "Cấu hình OpenID — OpenID Connect discovery",
            "responses": {"200": _json("Metadata", schema_ref("OpenIDConfiguration"))},
        }
    if path == JWKS_PATH and method == "get":
        return {
            "tags": [SSO_TAG],
            "operationId": "sso_jwks",
            "summary": "Khóa công khai — the signing keys (JWKS)",
            "responses": {"200": _json("JWKS", schema_ref("JWKS"))},
        }
    if path == AUTHORIZE_PATH and method in ("get", "post"):
        return _authorize(method)
    if path == TOKEN_PATH and method == "post":
        return _token()
    if path == USERINFO_PATH and method in ("get", "post"):
        return _userinfo(method)
    if path == INTROSPECT_PATH and method == "post":
        return _introspect()
    if path == LOGOUT_PATH and method in ("get", "post"):
        return _logout(method)
    return None
