"""Small captures built from the rule-case templates, written as NDJSON journals or HAR files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

TEMPLATES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "contracts" / "cases" / "rules" / "_templates.json").read_text(
        encoding="utf-8"
    )
)


def message(template: str, **changes: Any) -> dict[str, Any]:
    """A template body with top-level keys and `data.0.<key>` fields replaced."""
    body = copy.deepcopy(TEMPLATES[template])
    for key, value in changes.items():
        if key.startswith("data_"):
            body["data"][0][key.removeprefix("data_")] = value
        else:
            body[key] = value
    return body


def clean_flow() -> list[tuple[str, dict[str, Any]]]:
    """(receive time, body) of a correct OpenCPS publish of one dossier."""
    return [
        ("2026-03-02T08:31:00+07:00", message("tracuu")),
        ("2026-03-02T08:31:00+07:00", message("dongbo")),
        (
            "2026-03-02T08:31:01+07:00",
            message("capnhat", data_TrangThai="2", data_ThoiDiemXuLy="20260302083015"),
        ),
        ("2026-03-02T09:01:00+07:00", message("capnhat")),
    ]


def write_ndjson(path: Path, entries: list[tuple[str, Any]]) -> Path:
    lines = []
    for index, (received_at, body) in enumerate(entries):
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        lines.append(
            json.dumps(
                {
                    "id": index + 1,
                    "received_at": received_at,
                    "path": "/api/dvcqg/integration",
                    "body": text,
                },
                ensure_ascii=False,
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_har(path: Path, entries: list[tuple[str, Any]], *, pages: int = 1) -> Path:
    har_entries: list[dict[str, Any]] = [
        {
            "startedDateTime": "2026-03-02T08:30:00+07:00",
            "request": {"method": "GET", "url": "https://motcua.example.vn/", "headers": []},
            "response": {"status": 200},
        }
        for _ in range(pages)
    ]
    for received_at, body in entries:
        har_entries.append(
            {
                "startedDateTime": received_at,
                "request": {
                    "method": "POST",
                    "url": "https://dvcqg.example.vn/api/dvcqg/integration",
                    "headers": [{"name": "Content-Type", "value": "application/json"}],
                    "postData": {
                        "mimeType": "application/json",
                        "text": json.dumps(body, ensure_ascii=False),
                    },
                },
                "response": {"status": 200},
            }
        )
    document = {
        "log": {
            "version": "1.2",
            "creator": {"name": "test", "version": "1"},
            "entries": har_entries,
        }
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
