"""What the driver pushes to the province, and what it signs as the payment platform.

A pushed dossier carries the fields OpenCPS's `doCreateDossierFromDVCQG` reads (domain.md §3,
"DVCQG → province push"): MaHoSo (the portal's Art. 19-shaped reference), MaTTHC, TECHNICALID,
NgayNopHoSo, MaTinh/MaHuyen/MaXa, MaSoThue, DienThoai, Email, NguoiLienHe and TaiLieuNop with
base64 files. The defective variants each break one thing a province must check.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from datetime import datetime
from typing import Any

import orjson

from contracts.payments import create_checksum
from simulator.domain import VN_TZ, bundled_catalogue, bundled_provinces

__all__ = [
    "confirmation",
    "defective_pushes",
    "dossier_code",
    "fee_procedure",
    "valid_push",
]

_SAMPLE_FILE = base64.b64encode("Đơn đề nghị (bản điện tử)".encode()).decode("ascii")


#: the portal's sequence numbers, 9000-9999: from a random start, then one after the other, so
#: the codes of one process never repeat (and two runs on one day rarely meet)
_SEQUENCE = itertools.count(secrets.randbelow(1000))


def dossier_code(unit: str, now: datetime) -> str:
    """A fresh Art. 19 code of the unit in the portal's own sequence range, 9000-9999."""
    return f"{unit}-{now.astimezone(VN_TZ):%y%m%d}-{9000 + next(_SEQUENCE) % 1000:04d}"


def fee_procedure(preferred: str | None = None) -> tuple[str, str, int]:
    """(MaTTHC, name, fee) of `preferred`, or of the catalogue's first procedure with fees."""
    catalogue = bundled_catalogue()
    if preferred is not None:
        found = catalogue.procedure(preferred)
        if found is not None:
            return found.code, found.name, found.fee_total or 0
    for code in sorted(catalogue.codes()):
        ref = catalogue.procedure(code)
        if ref is not None and ref.fee_total:
            return ref.code, ref.name, ref.fee_total
    raise LookupError("the bundled catalogue has no procedure with fees")


def valid_push(
    unit: str, code: str, procedure: str, procedure_name: str, now: datetime
) -> dict[str, Any]:
    province = bundled_provinces().of_agency(unit)
    return {
        "MaHoSo": code,
        "MaTTHC": procedure,
        "TenTTHC": procedure_name,
        "TECHNICALID": f"TECH{secrets.token_hex(6).upper()}",
        "NgayNopHoSo": now.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S"),
        "MaTinh": province.code if province is not None else "",
        "MaHuyen": "",
        "MaXa": "",
        "MaSoThue": "",
        "DienThoai": "0912345678",
        "Email": "nguyen.van.an@example.vn",
        "NguoiLienHe": "Nguyễn Văn An",
        "TaiLieuNop": [{"TenTepDinhKem": "don-de-nghi.pdf", "Base64": _SAMPLE_FILE}],
    }


def defective_pushes(valid: dict[str, Any], unit: str, now: datetime) -> dict[str, dict[str, Any]]:
    """By case ID, a push that breaks one requirement (each with a fresh MaHoSo)."""
    missing = {k: v for k, v in valid.items() if k != "MaTTHC"} | {
        "MaHoSo": dossier_code(unit, now)
    }
    day = now.astimezone(VN_TZ)
    malformed = valid | {"MaHoSo": f"{unit}-{day:%Y%m%d}-{9000 + next(_SEQUENCE) % 1000:04d}"}
    unknown = valid | {"MaHoSo": dossier_code(unit, now), "MaTTHC": "9.999999"}
    return {"PUSH-003": missing, "PUSH-004": malformed, "PUSH-005": unknown}


def confirmation(
    transaction: dict[str, Any], hash_key_2: str, *, amount: str | None = None, forged: bool = False
) -> dict[str, Any]:
    """A paymentconfirm of `transaction` (the createtransaction the province sent) as paid,
    signed with hash_key_2 over addition_fee|client_id|command|trans_amount|transaction_id|
    version; `amount` replaces (and is signed with) the amount, `forged` spoils one digit."""
    signed = {
        "addition_fee": str(transaction.get("addition_fee", "0")),
        "client_id": str(transaction.get("client_id", "")),
        "command": str(transaction.get("command", "PAY")),
        "trans_amount": amount if amount is not None else str(transaction.get("trans_amount", "")),
        "transaction_id": str(transaction.get("transaction_id", "")),
        "version": str(transaction.get("version", "3.0")),
    }
    checksum = create_checksum(hash_key_2.encode("utf-8"), signed)
    assert checksum is not None  # every signed value is a string
    if forged:
        checksum = ("1" if checksum[0] != "1" else "2") + checksum[1:]
    raw_bill = transaction.get("bill_info")
    bill: dict[str, Any] = raw_bill if isinstance(raw_bill, dict) else {}
    return {
        **signed,
        "transaction_code": f"KP{secrets.token_hex(5).upper()}",
        "payment_fee": "0",
        "description": str(transaction.get("description", "")),
        "locale": "vn",
        "country_code": "vi",
        "currency_code": "VND",
        "environment": "1",
        "MaHoSo": str(bill.get("MaHoSo", "")),
        "status": "0",
        "check_sum": checksum,
    }


def body_text(body: dict[str, Any]) -> str:
    return orjson.dumps(body).decode()
