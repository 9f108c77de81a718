"""The reference province's calls to the portal: login, DongBoTrangThaiHoSo, createtransaction.

Shaped as OpenCPS sends them (domain.md §3a): compact JSON, every scalar a string, the
`Charset` and `dstcode` headers; the session is reused and renewed when the portal says it
expired.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import orjson

from contracts.payments import create_checksum
from simulator.domain import VN_TZ

__all__ = ["PortalClient", "wire_now"]

LOGIN_PATH = "/api/dvcqg/login"
INTEGRATION_PATH = "/api/dvcqg/integration"
CREATE_TRANSACTION_PATH = "/api/pay/createtransaction"


def wire_now() -> str:
    """Now in Vietnamese time, `yyyyMMddHHmmss`."""
    return datetime.now(VN_TZ).strftime("%Y%m%d%H%M%S")


class PortalClient:
    def __init__(self, http: httpx.AsyncClient, unit: str, password: str) -> None:
        self.http = http
        self.unit = unit
        self._password = password
        self._session: str | None = None
        self._lock = asyncio.Lock()
        self._headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Charset": "utf-8",
            "dstcode": unit.rsplit(".", 1)[-1],
        }

    async def _post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        response = await self.http.post(path, content=orjson.dumps(body), headers=self._headers)
        try:
            return response.status_code, orjson.loads(response.content)
        except orjson.JSONDecodeError:
            return response.status_code, None

    async def session(self, *, renew: bool = False) -> str:
        async with self._lock:
            if self._session is None or renew:
                status, body = await self._post(
                    LOGIN_PATH, {"password": self._password, "username": self.unit}
                )
                if not isinstance(body, dict) or "session" not in body:
                    raise RuntimeError(
                        f"the portal refused the login of {self.unit}: HTTP {status}"
                    )
                self._session = str(body["session"])
            return self._session

    async def rpc(self, body: dict[str, Any]) -> tuple[int, Any]:
        body = {**body, "session": await self.session(), "madonvi": self.unit}
        status, answer = await self._post(INTEGRATION_PATH, body)
        if status == 401:
            body["session"] = await self.session(renew=True)
            status, answer = await self._post(INTEGRATION_PATH, body)
        return status, answer

    async def sync_status(
        self, dossier: str, local_code: str, applicant: str, status: str, note: str
    ) -> tuple[int, Any]:
        """DongBoTrangThaiHoSo of a dossier filed on the portal: "2" accepted, "5" refused."""
        return await self.rpc(
            {
                "service": "DongBoTrangThaiHoSo",
                "type": "2",
                "data": {
                    "MaHoSo": dossier,
                    "MaHoSoDonVi": local_code,
                    "MaDoiTuong": applicant,
                    "NoiDung": note,
                    "NgayXuLy": wire_now(),
                    "TrangThai": status,
                    "TaiLieuXuLy": [],
                },
            }
        )

    async def create_transaction(
        self,
        *,
        client_id: str,
        hash_key_1: str,
        transaction_id: str,
        amount: int,
        bill: dict[str, Any],
        return_url: str,
    ) -> tuple[int, Any]:
        """createtransaction signed with hash_key_1 (domain.md §4.1)."""
        body: dict[str, Any] = {
            "client_id": client_id,
            "transaction_id": transaction_id,
            "trans_amount": str(amount),
            "command": "PAY",
            "version": "3.0",
            "description": f"Lệ phí hồ sơ {bill['MaHoSo']}",
            "locale": "vn",
            "country_code": "vi",
            "currency_code": "VND",
            "environment": "1",
            "return_url": return_url,
            "addition_fee": "0",
            "bill_info": bill,
        }
        checksum = create_checksum(hash_key_1.encode("utf-8"), body)
        assert checksum is not None  # every signed field is a string above
        body["check_sum"] = checksum
        return await self._post(CREATE_TRANSACTION_PATH, body)
