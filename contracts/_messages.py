"""Message kinds of the DVCQG integration and how a captured request is recognised as one."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class MessageKind(enum.StrEnum):
    """Every message the contract describes; the value names its schema document."""

    LOGIN = "login"
    LOGIN_RESPONSE = "login-response"
    DONG_BO_HO_SO = "DongBoHoSoMC"
    CAP_NHAT_TIEN_DO = "CapNhatTienDoHoSoMC"
    DONG_BO_TRANG_THAI = "DongBoTrangThaiHoSo"
    TRA_CUU_HO_SO = "TraCuuHoSo"
    DONG_BO_DANH_GIA = "DongBoDanhGia"
    LAY_THU_TUC = "LayThuTuc"
    LAY_DANH_SACH_TTHC = "LayDanhSachTTHC"
    LAY_DANH_MUC_CO_QUAN = "LayDanhMucCoQuan"
    LAY_DANH_MUC_LINH_VUC = "LayDanhMucLinhVuc"
    LAY_DVC = "LayDVC"
    THU_TUC_RECORD = "thutuc-record"
    PORTAL_RESPONSE = "portal-response"
    PAY_CREATE = "pay-createtransaction"
    PAY_CREATE_RESPONSE = "pay-createtransaction-response"
    PAY_DETAIL = "pay-transactiondetail"
    PAY_DETAIL_RESPONSE = "pay-transactiondetail-response"
    PAY_CONFIRM = "pay-paymentconfirm"
    PAY_CONFIRM_RESPONSE = "pay-paymentconfirm-response"
    PAY_LOOKUP = "pay-dptracuuthanhtoanhs"
    PAY_LOOKUP_RESPONSE = "pay-dptracuuthanhtoanhs-response"
    SSO_TOKEN_RESPONSE = "sso-token-response"
    SSO_ID_TOKEN_CLAIMS = "sso-id-token-claims"
    SSO_USERINFO = "sso-userinfo"
    UNKNOWN = "unknown"


#: RPC services a province sends in the integration envelope (`service` key).
INTEGRATION_SERVICES: frozenset[MessageKind] = frozenset(
    {
        MessageKind.DONG_BO_HO_SO,
        MessageKind.CAP_NHAT_TIEN_DO,
        MessageKind.DONG_BO_TRANG_THAI,
        MessageKind.TRA_CUU_HO_SO,
        MessageKind.DONG_BO_DANH_GIA,
        MessageKind.LAY_THU_TUC,
    }
)

#: Catalogue services of the share endpoint.
SHARE_SERVICES: frozenset[MessageKind] = frozenset(
    {
        MessageKind.LAY_THU_TUC,
        MessageKind.LAY_DANH_SACH_TTHC,
        MessageKind.LAY_DANH_MUC_CO_QUAN,
        MessageKind.LAY_DANH_MUC_LINH_VUC,
        MessageKind.LAY_DVC,
    }
)

_SERVICE_KINDS = {kind.value: kind for kind in INTEGRATION_SERVICES | SHARE_SERVICES}

# The last path segment names the payment call; paths are configurable, their tails are not.
_PATH_TAIL_KINDS = {
    "login": MessageKind.LOGIN,
    "createtransaction": MessageKind.PAY_CREATE,
    "transactiondetail": MessageKind.PAY_DETAIL,
    "paymentconfirm": MessageKind.PAY_CONFIRM,
    "dptracuuthanhtoanhs": MessageKind.PAY_LOOKUP,
}


@dataclass(slots=True)
class Message:
    """One captured message: its position in the capture, its kind and its parsed body."""

    index: int
    kind: MessageKind
    body: Any
    received_at: datetime | None = None
    path: str | None = None
    #: the unit whose session sent it, when known (the portal knows it); None: trust `madonvi`
    unit: str | None = None
    #: the body as received, when the reader has it (lets text checks skip walking the tree)
    raw: str | None = None


def classify(body: Any, path: str | None = None) -> MessageKind:
    """Recognise a request body as one of the contract's messages (UNKNOWN when none fits).

    The `service` key decides for RPC envelopes; otherwise the URL's last segment, then the
    body's shape (captures without URLs, such as a journal written by another tool).
    """
    if isinstance(body, dict):
        service = body.get("service")
        if service is not None:
            return (
                _SERVICE_KINDS.get(service, MessageKind.UNKNOWN)
                if isinstance(service, str)
                else MessageKind.UNKNOWN
            )
    if path:
        tail = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1].lower()
        kind = _PATH_TAIL_KINDS.get(tail)
        if kind is not None:
            return kind
    if not isinstance(body, dict):
        return MessageKind.UNKNOWN
    return _classify_by_shape(body)


def _classify_by_shape(body: dict[str, Any]) -> MessageKind:
    if "username" in body and "password" in body:
        return MessageKind.LOGIN
    if "client_id" in body and "command" in body:
        return MessageKind.PAY_CREATE if "bill_info" in body else MessageKind.PAY_DETAIL
    if "transaction_id" in body and "status" in body and "check_sum" in body:
        return MessageKind.PAY_CONFIRM
    return MessageKind.UNKNOWN
