"""A client that behaves exactly like the OpenCPS v2 DVCQG client (domain.md §3a).

Requests: URL = adapter URL + endpoint, POST, the header set and order of Java's
HttpURLConnection as OpenCPS sets it, compact JSON in HashMap key order, every scalar a string.
Answers are read with org.json's 2011 semantics: HTTP ≥ 400 is failure without reading the
body, the body must start with `{`, `error_code` read with `optInt` (non-numeric reads as 0) —
except the final progress update, which succeeds only on exactly 0 or "0".
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class PublishFailed(Exception):
    """What OpenCPS logs when a publish fails (and then retries up to ten times)."""


@dataclass
class Answer:
    status: int
    body: dict[str, Any] | None


def _opt_int(value: Any) -> int:
    """org.json `optInt`: a number or numeric string as int, anything else 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return 0
    return 0


class OpenCPSClient:
    def __init__(self, adapter_url: str, username: str, password: str, madonvi: str) -> None:
        parts = urlsplit(adapter_url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._prefix = parts.path.rstrip("/")
        self._username, self._password, self._madonvi = username, password, madonvi
        self.session: str | None = None
        self.sent: list[bytes] = []

    def _post(self, endpoint: str, payload: dict[str, Any]) -> Answer:
        raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.sent.append(raw)
        connection = http.client.HTTPConnection(self._host, self._port, timeout=60)
        connection.putrequest(
            "POST", self._prefix + endpoint, skip_host=True, skip_accept_encoding=True
        )
        for name, value in (
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
            ("Charset", "utf-8"),
            ("dstcode", ""),
            ("User-Agent", "Java/1.8.0_292"),
            ("Host", f"{self._host}:{self._port}"),
            ("Connection", "keep-alive"),
            ("Content-Length", str(len(raw))),
        ):
            connection.putheader(name, value)
        connection.endheaders(raw)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if response.status >= 400:
            return Answer(response.status, None)
        if not data.startswith(b"{"):
            raise PublishFailed(f"answer does not start with '{{': {data[:20]!r}")
        return Answer(response.status, json.loads(data))

    def login(self) -> None:
        answer = self._post(
            "/api/dvcqg/login", {"password": self._password, "username": self._username}
        )
        if answer.body is None or "session" not in answer.body or "error_code" not in answer.body:
            raise PublishFailed(f"login failed: HTTP {answer.status}")
        if _opt_int(answer.body["error_code"]) != 0:
            raise PublishFailed("login refused")
        self.session = str(answer.body["session"])

    def _rpc(self, service: str, **fields: Any) -> Answer:
        # Java HashMap order for these keys, as captured from OpenCPS.
        payload: dict[str, Any] = {"madonvi": self._madonvi}
        if "data" in fields:
            payload["data"] = fields.pop("data")
        payload["session"] = self.session
        payload["service"] = service
        payload.update(fields)
        return self._post("/api/dvcqg/integration", payload)

    def publish(self, dossier: dict[str, str], progress: dict[str, str]) -> bool:
        """One publish as OpenCPS does it; True when the portal already had the dossier."""
        if self.session is None:
            self.login()
        lookup = self._rpc("TraCuuHoSo", mahoso=dossier["MaHoSo"])
        result = lookup.body.get("result") if lookup.body else None
        known = isinstance(result, list) and len(result) > 0
        procedure = self._rpc("LayThuTuc", maTTHC=dossier["MaTTHC"])
        if procedure.body is None or not isinstance(procedure.body.get("result"), list):
            raise PublishFailed("LayThuTuc: result is not an array (the client crashes)")
        record = procedure.body["result"][0]
        sector = record["LINHVUCTHUCHIEN"][0]
        item = dict(
            dossier,
            TenTTHC=record["TENTTHC"],
            MaLinhVuc=sector["MALINHVUC"],
            TenLinhVuc=sector["TENLINHVUC"],
        )
        sync = self._rpc("DongBoHoSoMC", data=[item], isUpdating="True" if known else "False")
        if sync.body is None or _opt_int(sync.body.get("error_code")) != 0:
            raise PublishFailed(f"DongBoHoSoMC failed: HTTP {sync.status} {sync.body}")
        update = self._rpc("CapNhatTienDoHoSoMC", data=[progress])
        code = update.body.get("error_code") if update.body else None
        if code not in (0, "0"):
            raise PublishFailed(f"CapNhatTienDoHoSoMC failed: HTTP {update.status} {update.body}")
        return known
