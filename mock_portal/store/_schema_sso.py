"""Migration 3: the single sign-on provider's tables (keys, clients' codes and tokens).

See `_migrations.py` for the conventions. Nothing here lets a copy of the database sign in:
codes and access tokens are stored as their SHA-256 (hex), and the signing key's private half
is PKCS#8, encrypted when the portal is given a key passphrase (`[sso] key_passphrase`).

- `sso_keys(kid PK, slot UNIQUE, algorithm, private_key, encrypted, public_jwk, created_at)` —
  the provider's signing keys, all published in the JWKS; the key of the lowest slot signs.
  Worker processes starting together on an empty database each make a key for slot 1 and only
  one insert wins, so all of them sign with the same key. `kid` is the RFC 7638 thumbprint;
  `public_jwk` is JSON.
- `sso_codes(code_hash PK, client_id, redirect_uri, subject, scope, nonce, acr, code_challenge,
  auth_time, created_at, expires_at, used_at)` — authorization codes; `used_at` is set once,
  by the one redemption that wins, so worker processes agree on single use.
- `sso_tokens(token_hash PK, client_id, subject, scope, acr, code_hash, issued_at, expires_at,
  revoked_at)` — access tokens, with the code they came from (revoked when it is replayed).
"""

from __future__ import annotations

SSO_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE sso_keys (
        kid TEXT PRIMARY KEY,
        slot INTEGER NOT NULL UNIQUE,
        algorithm TEXT NOT NULL,
        private_key TEXT NOT NULL,
        encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
        public_jwk TEXT NOT NULL,
        created_at BIGINT NOT NULL
    )""",
    """CREATE TABLE sso_codes (
        code_hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        subject TEXT NOT NULL,
        scope TEXT NOT NULL,
        nonce TEXT,
        acr TEXT NOT NULL,
        code_challenge TEXT,
        auth_time BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    )""",
    "CREATE INDEX sso_codes_expires_at ON sso_codes (expires_at)",
    """CREATE TABLE sso_tokens (
        token_hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        scope TEXT NOT NULL,
        acr TEXT NOT NULL,
        code_hash TEXT,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT
    )""",
    "CREATE INDEX sso_tokens_code_hash ON sso_tokens (code_hash)",
    "CREATE INDEX sso_tokens_client_subject ON sso_tokens (client_id, subject)",
    "CREATE INDEX sso_tokens_expires_at ON sso_tokens (expires_at)",
)
