"""The payment platform's checksums and amounts (domain.md §4), for the rules and the mock portal.

Every call carries `check_sum`, the hex HMAC-SHA256 of some of its fields joined by `|`:

- createtransaction (province → platform), key `hash_key_1`:
  `addition_fee|client_id|command|trans_amount|transaction_id|version`;
- transactiondetail (province → platform), key `hash_key_1`: `client_id|command|transaction_id`;
- paymentconfirm (platform → province), key `hash_key_2`: the same six fields as
  createtransaction, with the values the province sent when it created the transaction.

The order is domain.md's. OpenCPS's `PayGateUtil.generateChecksum` declares its parameters as
`(addition_fee, client_id, trans_amount, command, transaction_id, version, key)`, but the text it
builds is `addition_fee|client_id|command|trans_amount|transaction_id|version`: the parameter
list differs from the documented order, the signed text does not. OpenCPS checks a confirmation
against the values it stored (`String.valueOf` of its amounts), not against what the callback
carries, which is why the platform must sign exactly the strings the province sent.

Pure: no I/O. Keys are bytes (the UTF-8 of the configured key); the hex digest is lower case,
and a received checksum is compared in constant time, ignoring the case of its hex digits.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "CREATE_FIELDS",
    "DETAIL_FIELDS",
    "create_checksum",
    "detail_checksum",
    "same_checksum",
    "sign",
    "signed_text",
    "vnd",
]

#: fields of createtransaction (and paymentconfirm) that `check_sum` covers, in signing order
CREATE_FIELDS: tuple[str, ...] = (
    "addition_fee",
    "client_id",
    "command",
    "trans_amount",
    "transaction_id",
    "version",
)
#: fields of transactiondetail that `check_sum` covers, in signing order
DETAIL_FIELDS: tuple[str, ...] = ("client_id", "command", "transaction_id")


def sign(key: bytes, values: Iterable[str]) -> str:
    """Hex HMAC-SHA256 of `values` joined by `|` (UTF-8), under `key`."""
    text = "|".join(values).encode("utf-8")
    return hmac.new(key, text, hashlib.sha256).hexdigest()


def signed_text(body: Any, fields: Sequence[str]) -> list[str] | None:
    """The values `fields` of `body`, in order; None when one is missing or not a string."""
    if not isinstance(body, Mapping):
        return None
    values = [body.get(name) for name in fields]
    if not all(isinstance(value, str) for value in values):
        return None
    return [str(value) for value in values]


def create_checksum(key: bytes, body: Any) -> str | None:
    """The createtransaction (and paymentconfirm) checksum of `body`; None when unsignable."""
    values = signed_text(body, CREATE_FIELDS)
    return sign(key, values) if values is not None else None


def detail_checksum(key: bytes, body: Any) -> str | None:
    """The transactiondetail checksum of `body`; None when unsignable."""
    values = signed_text(body, DETAIL_FIELDS)
    return sign(key, values) if values is not None else None


def same_checksum(given: object, expected: str) -> bool:
    """Whether a received `check_sum` is `expected`: constant time, hex case ignored."""
    if not isinstance(given, str) or not given.isascii():
        return False
    return hmac.compare_digest(given.lower().encode("ascii"), expected.lower().encode("ascii"))


def vnd(value: object) -> int | None:
    """An amount in VND as the wire carries it (a string of digits, or a JSON number); None when
    it is not a whole non-negative amount."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value >= 0 and value.is_integer() else None
    if isinstance(value, str) and value.isascii():
        whole, dot, fraction = value.partition(".")
        if whole.isdigit() and (not dot or (fraction.isdigit() and not fraction.strip("0"))):
            return int(whole)
    return None
