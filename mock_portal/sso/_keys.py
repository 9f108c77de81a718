"""The provider's signing key: an RSA key made once, kept in the store, published as a JWKS.

All JOSE and key work is joserfc's (and, beneath it, cryptography's): generating the key,
writing its private half as PKCS#8 PEM (encrypted with the configured passphrase, if any),
reading it back, the RFC 7638 thumbprint that names it (`kid`), and the JWK of its public half.

The private half is never exported: the JWKS holds public JWKs only, nothing journals or logs
the key, and `SigningKeys` shows itself by `kid` alone.
"""

from __future__ import annotations

from datetime import datetime

import orjson
from joserfc.jwk import RSAKey

from mock_portal.config import ConfigError
from mock_portal.store import SsoTables, StoredKey

ALGORITHM = "RS256"
KEY_SIZE = 2048
#: the slot of the key that signs (see `_schema_sso`)
SIGNING_SLOT = 1


class SigningKeys:
    """The key that signs ID tokens, and the JWKS that lets provinces check them."""

    def __init__(self, current: RSAKey, public: list[dict[str, object]]) -> None:
        self.current = current
        self.kid = str(current.kid)
        self._jwks = {"keys": public}
        self._rogue: RSAKey | None = None

    def __repr__(self) -> str:
        return f"SigningKeys(kid={self.kid!r})"

    @classmethod
    def load(cls, tables: SsoTables, passphrase: str | None, now: datetime) -> SigningKeys:
        """The stored keys, after making and storing the first one if there is none.

        `ConfigError` when the stored key is encrypted and the passphrase is missing or wrong.
        """
        stored = tables.signing_keys()
        if not stored:
            tables.add_signing_key(_new_key(passphrase, now))
            stored = tables.signing_keys()
        signing = stored[0]
        return cls(
            _private_key(signing, passphrase),
            [orjson.loads(key.public_jwk) for key in stored],
        )

    def jwks(self) -> dict[str, list[dict[str, object]]]:
        """The public keys, as `/oauth2/jwks` serves them (RFC 7517 §5)."""
        return self._jwks

    def rogue(self) -> RSAKey:
        """A key of this process alone, made on first use, under the real key's `kid`: what a
        forger signs with. A signature by it fails against the published JWKS."""
        if self._rogue is None:
            self._rogue = RSAKey.generate_key(
                KEY_SIZE, parameters={"kid": self.kid, "use": "sig", "alg": ALGORITHM}
            )
        return self._rogue


def _new_key(passphrase: str | None, now: datetime) -> StoredKey:
    key = RSAKey.generate_key(KEY_SIZE, parameters={"use": "sig", "alg": ALGORITHM}, auto_kid=True)
    private = key.as_pem(private=True, password=passphrase).decode("ascii")
    return StoredKey(
        kid=str(key.kid),
        slot=SIGNING_SLOT,
        algorithm=ALGORITHM,
        private_key=private,
        encrypted=passphrase is not None,
        public_jwk=orjson.dumps(key.as_dict(private=False)).decode("ascii"),
        created_at=now,
    )


def _private_key(stored: StoredKey, passphrase: str | None) -> RSAKey:
    if stored.encrypted and passphrase is None:
        raise ConfigError(
            f"the SSO signing key {stored.kid} in the store is encrypted: set sso.key_passphrase"
        )
    try:
        key = RSAKey.import_key(
            stored.private_key,
            parameters={"kid": stored.kid, "use": "sig", "alg": stored.algorithm},
            password=passphrase if stored.encrypted else None,
        )
    except (ValueError, TypeError):
        raise ConfigError(
            f"the SSO signing key {stored.kid} in the store cannot be read: wrong"
            " sso.key_passphrase?"
        ) from None
    if not key.is_private:
        raise ConfigError(f"the SSO signing key {stored.kid} in the store has no private half")
    return key
