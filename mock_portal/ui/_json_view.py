"""A message body as indented, escaped JSON, with the values findings point at highlighted.

Findings name what they blame with a JSON path (`$.data[0].MaHoSo`, `contracts.json_path`).
`json_view` renders the parsed body itself, node by node, so the value at each path is wrapped
in `<mark class="hl" data-path="…">`, whatever its text looks like. Every key and value is
escaped: a body is whatever a province sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson
from markupsafe import Markup, escape

_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_INDENT = "  "

Step = str | int


def parse_path(path: str) -> tuple[Step, ...] | None:
    """`$.data[0].MaHoSo` → `("data", 0, "MaHoSo")`; None when it is not such a path."""
    if not path.startswith("$"):
        return None
    steps: list[Step] = []
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            return None
        key, index = match.groups()
        steps.append(int(index) if index is not None else key)
        position = match.end()
    return tuple(steps)


def resolves(document: Any, path: str) -> bool:
    """Whether `path` names a node of `document`."""
    steps = parse_path(path)
    if steps is None:
        return False
    node = document
    for step in steps:
        in_list = isinstance(step, int) and isinstance(node, list) and step < len(node)
        in_object = isinstance(step, str) and isinstance(node, dict) and step in node
        if not (in_list or in_object):
            return False
        node = node[step]
    return True


def _scalar(value: Any) -> Markup:
    css = (
        "s"
        if isinstance(value, str)
        else "b"
        if isinstance(value, bool) or value is None
        else "num"
    )
    return Markup('<span class="j-{}">{}</span>').format(css, orjson.dumps(value).decode())


def _render(
    node: Any, here: tuple[Step, ...], marked: dict[tuple[Step, ...], str], depth: int
) -> Markup:
    pad = _INDENT * (depth + 1)
    close = _INDENT * depth
    if isinstance(node, dict) and node:
        items = [
            Markup('{}<span class="j-k">{}</span>: {}').format(
                pad,
                orjson.dumps(key).decode(),
                _render(value, (*here, key), marked, depth + 1),
            )
            for key, value in node.items()
        ]
        inner = Markup("{\n") + Markup(",\n").join(items) + Markup("\n{}}}").format(close)
    elif isinstance(node, list) and node:
        items = [
            Markup("{}{}").format(pad, _render(value, (*here, index), marked, depth + 1))
            for index, value in enumerate(node)
        ]
        inner = Markup("[\n") + Markup(",\n").join(items) + Markup("\n{}]").format(close)
    elif isinstance(node, dict):
        inner = Markup("{}")
    elif isinstance(node, list):
        inner = Markup("[]")
    else:
        inner = _scalar(node)
    path = marked.get(here)
    if path is None:
        return inner
    return Markup('<mark class="hl" data-path="{}">{}</mark>').format(path, inner)


def json_view(document: Any, highlight: Iterable[str] = ()) -> Markup:
    """`<pre class="json">` of `document` with the nodes at the `highlight` paths marked."""
    marked: dict[tuple[Step, ...], str] = {}
    for path in highlight:
        steps = parse_path(path)
        if steps is not None:
            marked.setdefault(steps, path)
    return Markup('<pre class="json">{}</pre>').format(_render(document, (), marked, 0))


def body_view(body: bytes, highlight: Iterable[str] = ()) -> Markup:
    """A raw request body: as highlighted JSON when it parses, else as escaped text."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return Markup('<pre class="json raw">{}</pre>').format(
            escape(body.decode("utf-8", errors="replace"))
        )
    return json_view(document, highlight)
