"""Property fuzzing of the portal's RPC: whatever a client sends, a clear refusal and no harm.

Hypothesis throws at `POST /api/dvcqg/integration`, `/share` and `/login`: arbitrary JSON and
raw bytes as the whole body, values of the wrong JSON type in every field of a real message,
bodies over the size limit (413), nesting deeper than the limit, invalid UTF-8, wrong content
types (415), unknown services and huge arrays. Every such request must be answered with the
portal's refusal — a JSON object with a non-zero integer `error_code` and a `message` naming the
problem, HTTP 4xx, never a 5xx — and must leave the dossiers, their status events and the
payment transactions exactly as they were (the journal may record the refusal: that is what it
is for). The portal runs in lenient mode, the one that accepts the most.

SQLite runs every property; PostgreSQL a bounded subset (`PG_EXAMPLES` examples each).
`PORTALSIM_RELIABILITY_OUT` collects the inputs tried per class.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_portal._portal import Portal
from mock_portal.config import Limits, PortalConfig
from mock_portal.wire import ErrorCode
from tests._postgres import fresh_schema, postgres_url_or_skip
from tests.mock_portal._client import INTEGRATION, LOGIN, SHARE, body, login
from tests.mock_portal.conftest import UNITS, Clock, TestClient
from tests.mock_portal.fuzz._notes import publish

#: the default limits, but for the body size: big enough for a huge array (a 1 MiB body of
#: small items), small enough that bodies over it are cheap to make
MAX_BODY = 256 << 10
MAX_DEPTH = 32
MAX_ITEMS = Limits().max_items
SQLITE_EXAMPLES = 40
PG_EXAMPLES = 10
DOSSIER = "000.00.14.H56-260302-0001"
TRIED: Counter[tuple[str, str]] = Counter()

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
#: JSON values that are not strings: every string field of a message must refuse them
not_strings = st.recursive(
    st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children | st.text(max_size=10), max_size=4)
        | st.dictionaries(st.text(max_size=8), children | st.text(max_size=10), max_size=4)
    ),
    max_leaves=10,
)


@dataclass
class Target:
    backend: str
    portal: Portal
    client: TestClient
    session: str
    examples: int

    def snapshot(self) -> tuple[Any, ...]:
        """The dossier state a refusal must not touch: dossiers, events, payments."""
        store = self.portal.store
        return (
            sorted(repr(row) for row in store.iter_dossiers()),
            sorted(repr(row) for row in store.iter_dossier_events()),
            sorted(repr(row) for row in store.payments.pending(1_000_000)),
            repr(store.payments.summaries()),
        )

    def post(
        self, path: str, content: bytes, content_type: str | None = "application/json"
    ) -> httpx.Response:
        headers = {"Content-Type": content_type} if content_type is not None else {}
        return self.client.post(path, content=content, headers=headers)


def _target(backend: str, url: str, examples: int) -> Iterator[Target]:
    config = PortalConfig(
        mode="lenient",
        units=UNITS,
        limits=Limits(max_body_bytes=MAX_BODY, max_depth=MAX_DEPTH, login_failures=1_000_000),
    )
    portal = Portal(url, config, clock=Clock())
    portal.start()
    client = TestClient(portal)
    session = login(client)
    seeded = client.post(INTEGRATION, json=body("dongbo", session))
    assert seeded.status_code == 200, seeded.text
    assert seeded.json()["error_code"] == 0, seeded.text
    try:
        yield Target(backend, portal, client, session, examples)
    finally:
        client.close()
        portal.close()


@pytest.fixture(scope="module")
def sqlite_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    yield from _target(
        "sqlite", f"sqlite:///{tmp_path_factory.mktemp('rpc')}/portal.db", SQLITE_EXAMPLES
    )


@pytest.fixture(scope="module")
def postgresql_target() -> Iterator[Target]:
    with fresh_schema(postgres_url_or_skip()) as url:
        yield from _target("postgresql", url, PG_EXAMPLES)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest) -> Target:
    return request.getfixturevalue(f"{request.param}_target")  # type: ignore[no-any-return]


@pytest.fixture(scope="module", autouse=True)
def _figures() -> Iterator[None]:
    yield
    classes: dict[str, dict[str, int]] = {}
    for (backend, kind), count in sorted(TRIED.items()):
        classes.setdefault(kind, {})[backend] = count
    publish({"rpc_properties": {"classes": classes, "total": sum(TRIED.values())}})


def examples(target: Target) -> Any:
    return settings(
        max_examples=target.examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def assert_refused(
    target: Target,
    before: tuple[Any, ...],
    response: httpx.Response,
    kind: str,
    *,
    code: ErrorCode | None = None,
    status: int | None = None,
    naming: str = "",
) -> dict[str, Any]:
    """A clear refusal in the portal's format, and the dossier state untouched."""
    TRIED[target.backend, kind] += 1
    assert response.status_code < 500, response.text
    if status is not None:
        assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert isinstance(answer, dict), answer
    assert isinstance(answer["error_code"], int), answer
    assert answer["error_code"] != 0, answer
    assert response.status_code >= 400 or answer["error_code"] == ErrorCode.NOT_CONFORMANT
    if code is not None:
        assert answer["error_code"] == code, answer
    assert isinstance(answer["message"], str), answer
    assert answer["message"].strip(), answer
    assert naming.lower() in answer["message"].lower(), answer
    assert target.snapshot() == before, f"a refused {kind} changed the dossier state"
    return answer


ENDPOINTS = st.sampled_from([INTEGRATION, SHARE, LOGIN])


def test_any_json_value_as_the_whole_body(target: Target) -> None:
    before = target.snapshot()

    @examples(target)
    @given(path=ENDPOINTS, value=json_values)
    def run(path: str, value: Any) -> None:
        if isinstance(value, dict) and path == LOGIN:
            value = {**value, "password": "not-the-password"}  # a lucky guess is no refusal
        response = target.post(path, json.dumps(value).encode())
        assert_refused(target, before, response, "JSON value as the body")

    run()


def test_raw_bytes_as_the_whole_body(target: Target) -> None:
    before = target.snapshot()

    @examples(target)
    @given(path=ENDPOINTS, raw=st.binary(max_size=300))
    def run(path: str, raw: bytes) -> None:
        response = target.post(path, raw)
        assert_refused(
            target, before, response, "raw bytes as the body", status=400 if raw.strip() else None
        )

    run()


def _string_fields(message: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(key, None) for every top-level string, (key, "data") for every string of data[0]."""
    fields: list[tuple[str, str | None]] = [
        (k, None) for k, v in message.items() if isinstance(v, str)
    ]
    fields += [(k, "data") for k, v in message["data"][0].items() if isinstance(v, str)]
    return fields


def test_a_value_of_the_wrong_type_in_any_field(target: Target) -> None:
    """Any string field of a real dossier sync given a number, boolean, array or object."""
    template = body("dongbo", target.session)
    fields = _string_fields(template)
    before = target.snapshot()

    @examples(target)
    @given(field=st.sampled_from(fields), value=not_strings)
    def run(field: tuple[str, str | None], value: Any) -> None:
        key, where = field
        message = copy.deepcopy(template)
        container = message["data"][0] if where == "data" else message
        container[key] = value
        response = target.post(INTEGRATION, json.dumps(message).encode())
        assert_refused(target, before, response, "wrong type in a field")

    run()


async def _stream(raw: bytes) -> AsyncIterator[bytes]:
    """The body in 8 KiB chunks with no Content-Length (chunked transfer encoding)."""
    for start in range(0, len(raw), 8192):
        yield raw[start : start + 8192]


def test_bodies_over_the_size_limit_are_413(target: Target) -> None:
    """Declared (Content-Length) or streamed without one: refused once past the limit."""
    before = target.snapshot()

    @examples(target)
    @given(path=ENDPOINTS, extra=st.integers(1, 3 * MAX_BODY), streamed=st.booleans())
    def run(path: str, extra: int, streamed: bool) -> None:
        message = body("dongbo", target.session)
        message["data"][0]["ThongTinKhac"] = "x" * (MAX_BODY + extra)
        raw = json.dumps(message).encode()
        content: Any = _stream(raw) if streamed else raw
        response = target.client.post(
            path, content=content, headers={"Content-Type": "application/json"}
        )
        assert_refused(
            target,
            before,
            response,
            "body over the size limit",
            code=ErrorCode.TOO_LARGE,
            status=413,
            naming=str(MAX_BODY),
        )

    run()


def test_nesting_deeper_than_the_limit(target: Target) -> None:
    before = target.snapshot()

    @examples(target)
    @given(
        path=ENDPOINTS,
        depth=st.integers(MAX_DEPTH, 2000),
        brackets=st.lists(st.sampled_from("[{"), min_size=1, max_size=3),
        field=st.sampled_from(["session", "data", "madonvi", "extra"]),
    )
    def run(path: str, depth: int, brackets: list[str], field: str) -> None:
        opening = "".join(brackets[i % len(brackets)] for i in range(depth))
        text = ""
        for bracket in opening:
            text += '{"k":' if bracket == "{" else "["
        text += "1"
        for bracket in reversed(opening):
            text += "}" if bracket == "{" else "]"
        message = body("dongbo", target.session)
        raw = json.dumps(message)[:-1] + f', "{field}": {text}}}'
        response = target.post(path, raw.encode())
        assert_refused(
            target,
            before,
            response,
            "nesting deeper than the limit",
            code=ErrorCode.MALFORMED,
            status=400,
            naming=f"deeper than {MAX_DEPTH}",
        )

    run()


def test_invalid_utf8_anywhere(target: Target) -> None:
    before = target.snapshot()
    invalid = st.sampled_from(
        [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", b"\x80", b"\xf8\x88\x80\x80\x80"]
    )

    @examples(target)
    @given(path=ENDPOINTS, bad=invalid, at=st.integers(0, 10_000))
    def run(path: str, bad: bytes, at: int) -> None:
        raw = json.dumps(body("dongbo", target.session), ensure_ascii=False).encode()
        # inside a string value, where a lax decoder would let it through
        strings = [i + 1 for i, byte in enumerate(raw) if byte == ord('"')]
        cut = strings[at % len(strings)]
        response = target.post(path, raw[:cut] + bad + raw[cut:])
        assert_refused(
            target,
            before,
            response,
            "invalid UTF-8",
            code=ErrorCode.MALFORMED,
            status=400,
            naming="not UTF-8",
        )

    run()


media_types = st.sampled_from(
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/xml",
        "text/json",
        "application/jsonx",
        "application/json-patch+json",
        "*/*",
        "",
    ]
) | st.from_regex(r"\A[a-z]{1,10}/[a-z0-9.+-]{1,15}\Z").filter(lambda t: t != "application/json")


def test_wrong_content_types_are_415(target: Target) -> None:
    before = target.snapshot()
    raw = json.dumps(body("dongbo", target.session)).encode()

    @examples(target)
    @given(path=ENDPOINTS, media_type=media_types | st.none())
    def run(path: str, media_type: str | None) -> None:
        response = target.post(path, raw, content_type=media_type)
        assert_refused(
            target,
            before,
            response,
            "wrong content type",
            code=ErrorCode.MEDIA_TYPE,
            status=415,
            naming="Content-Type",
        )

    run()


def test_unknown_services_are_named(target: Target) -> None:
    before = target.snapshot()
    known = {
        "DongBoHoSoMC",
        "CapNhatTienDoHoSoMC",
        "DongBoTrangThaiHoSo",
        "TraCuuHoSo",
        "DongBoDanhGia",
        "LayThuTuc",
        "LayDanhSachTTHC",
        "LayDanhMucCoQuan",
        "LayDanhMucLinhVuc",
        "LayDVC",
    }

    @examples(target)
    @given(
        path=st.sampled_from([INTEGRATION, SHARE]),
        service=st.text(max_size=30).filter(lambda s: s not in known),
    )
    def run(path: str, service: str) -> None:
        message = body("dongbo", target.session, service=service)
        response = target.post(path, json.dumps(message).encode())
        answer = assert_refused(target, before, response, "unknown service", status=400)
        assert answer["error_code"] in (ErrorCode.UNKNOWN_SERVICE, ErrorCode.MALFORMED), answer

    run()


def test_huge_arrays(target: Target) -> None:
    """`data` longer than the item limit (413), or an array of up to 60 000 elements where a
    field wants a string (wrong type): refused without walking it."""
    before = target.snapshot()
    elements = st.sampled_from([0, None, "", [], {}, "x", True])
    fields = st.sampled_from(
        ["data", "madonvi", "session", "service", "data.MaHoSo", "data.ChuHoSo"]
    )

    @examples(target)
    @given(field=fields, element=elements, count=st.integers(MAX_ITEMS + 1, 60_000))
    def run(field: str, element: Any, count: int) -> None:
        message = body("dongbo", target.session)
        array = [element] * count
        if field.startswith("data."):
            message["data"][0][field.removeprefix("data.")] = array
        else:
            message[field] = array
        raw = json.dumps(message, separators=(",", ":")).encode()
        response = target.post(INTEGRATION, raw)
        if len(raw) > MAX_BODY:
            assert_refused(target, before, response, "huge array", code=ErrorCode.TOO_LARGE)
        elif field == "data":
            assert_refused(
                target,
                before,
                response,
                "huge array",
                code=ErrorCode.TOO_LARGE,
                status=413,
                naming=f"{count} items",
            )
        else:
            assert_refused(
                target, before, response, "huge array", status=400 if field != "session" else 401
            )

    run()
