"""The SSO signing key: made once, kept in the store (encrypted with a passphrase if given),
published as public JWKs only, shared by every process, never journaled."""

from __future__ import annotations

from datetime import datetime

import pytest
from joserfc.jwk import RSAKey

from mock_portal._portal import Portal
from mock_portal.config import ConfigError, PortalConfig, SsoSettings
from mock_portal.sso._keys import SIGNING_SLOT, SigningKeys
from mock_portal.store import Store, StoredKey
from tests.mock_portal._sso import CLIENTS, JWKS, RelyingParty
from tests.mock_portal.conftest import TEST_NOW, Clock, PortalFactory

PASSPHRASE = "mot-cau-mat-khau-rat-dai-2026"
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi"}


def _config(passphrase: str | None = None) -> PortalConfig:
    return PortalConfig(sso_clients=CLIENTS, sso=SsoSettings(key_passphrase=passphrase))


def test_jwks_publishes_the_public_half_only(make_portal: PortalFactory) -> None:
    """The JWKS holds one RS256 signing key named by its thumbprint, without private members."""
    _portal, client = make_portal(sso_clients=CLIENTS)
    [key] = client.get(JWKS).json()["keys"]
    assert {key["kty"], key["alg"], key["use"]} == {"RSA", "RS256", "sig"}
    assert not PRIVATE_MEMBERS & set(key)
    assert key["kid"] == RSAKey.import_key(key).thumbprint()


def test_private_key_is_encrypted_with_the_passphrase(database_url: str, clock: Clock) -> None:
    """With a passphrase the stored PEM is encrypted; without it, or with a wrong one, the
    portal refuses to start, naming the setting."""
    Portal(database_url, _config(PASSPHRASE), clock=clock).close()
    with Store.open(database_url) as store:
        [stored] = store.sso.signing_keys()
    assert stored.encrypted
    assert stored.private_key.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert "PRIVATE" not in repr(stored)
    for passphrase in (None, "mot-cau-mat-khau-khac-han"):
        with pytest.raises(ConfigError, match=r"sso\.key_passphrase"):
            Portal(database_url, _config(passphrase), clock=clock)
    again = Portal(database_url, _config(PASSPHRASE), clock=clock)
    try:
        assert again.sso.keys.kid == stored.kid
        assert "PRIVATE" not in repr(again.sso.keys)
    finally:
        again.close()


def test_key_without_a_passphrase_is_stored_unencrypted(database_url: str, clock: Clock) -> None:
    """Without a passphrase the key is plain PKCS#8 and is read back on the next start."""
    first = Portal(database_url, _config(), clock=clock)
    kid = first.sso.keys.kid
    first.close()
    with Store.open(database_url) as store:
        [stored] = store.sso.signing_keys()
    assert not stored.encrypted
    assert stored.private_key.startswith("-----BEGIN PRIVATE KEY-----")
    second = Portal(database_url, _config(), clock=clock)
    try:
        assert second.sso.keys.kid == kid
    finally:
        second.close()


def test_the_first_key_to_be_stored_wins(database_url: str) -> None:
    """Two processes making the first key at once: one insert wins, and both sign with it."""
    with Store.open(database_url) as store:
        store.migrate()
        keys = [_stored(RSAKey.generate_key(2048, auto_kid=True)) for _ in range(2)]
        assert store.sso.add_signing_key(keys[0]) is True
        assert store.sso.add_signing_key(keys[1]) is False
        loaded = [SigningKeys.load(store.sso, None, TEST_NOW) for _ in range(2)]
    assert {keys.kid for keys in loaded} == {keys[0].kid}


def _stored(key: RSAKey) -> StoredKey:
    return StoredKey(
        kid=str(key.kid),
        slot=SIGNING_SLOT,
        algorithm="RS256",
        private_key=key.as_pem(private=True).decode(),
        encrypted=False,
        public_jwk='{"kty":"RSA"}',
        created_at=datetime(2026, 3, 2, tzinfo=TEST_NOW.tzinfo),
    )


def test_a_portal_without_clients_makes_its_key_when_first_asked(
    make_portal: PortalFactory,
) -> None:
    """No client, no key at start; the JWKS request makes and stores it."""
    portal, client = make_portal()
    assert portal.store.sso.signing_keys() == []
    assert len(client.get(JWKS).json()["keys"]) == 1
    assert len(portal.store.sso.signing_keys()) == 1


def test_the_key_never_reaches_the_journal(make_portal: PortalFactory) -> None:
    """After a whole login, no journal row holds private key material."""
    portal, client = make_portal(sso_clients=CLIENTS)
    RelyingParty(client).tokens()
    [stored] = portal.store.sso.signing_keys()
    secret_body = stored.private_key.splitlines()[1]
    private = portal.sso.keys.current.as_dict(private=True)
    for entry in portal.store.iter_journal():
        text = entry.body.decode() + entry.response
        assert "PRIVATE KEY" not in text
        assert secret_body not in text
        assert str(private["d"]) not in text


def test_signing_keys_show_themselves_by_kid_alone(make_portal: PortalFactory) -> None:
    """repr of the keys (as a log or traceback would show it) names the kid, nothing secret."""
    portal, _client = make_portal(sso_clients=CLIENTS)
    keys = portal.sso.keys
    assert repr(keys) == f"SigningKeys(kid={keys.kid!r})"
    assert CLIENTS[0].client_secret not in repr(CLIENTS)


def test_portal_on_a_fresh_database_serves_keys_across_clients(
    make_portal: PortalFactory,
) -> None:
    """Every client's tokens are signed by the one key."""
    _portal, client = make_portal(sso_clients=CLIENTS)
    kids = set()
    for sso in CLIENTS:
        rp = RelyingParty(client, sso)
        kids.add(rp.verify(rp.tokens()["id_token"]).header["kid"])
    assert len(kids) == 1
