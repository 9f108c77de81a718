"""Counts of what the security suite tried, and what it says of itself, for docs/reliability.md
(`tests._figures`)."""

from __future__ import annotations

from collections import Counter

from tests._figures import record_figures

TRIED: Counter[str] = Counter()

NOTES = [
    "Isolation (`test_isolation.py`, both backends): every integration service that names a "
    "dossier (DongBoHoSoMC, CapNhatTienDoHoSoMC, DongBoTrangThaiHoSo, TraCuuHoSo) sent by "
    "another province's unit, and by a district against its province unit's dossier; a batch "
    "smuggling one foreign dossier among the unit's own; a `madonvi` outside the session's "
    "tree. Each refused 403 (AU-001/AU-003) with nothing of the dossier in the answer, and "
    "dossiers, events and payments unchanged.",
    "Credentials (`test_credentials.py`, both backends): every /admin route, enumerated from "
    "the app's routes, with no token, an empty, wrong, altered or upper-cased token, the stored "
    "digest, a province's session, the Basic scheme, the token in the query: 401 and nothing "
    "changed; forged sessions (random, altered, the stored digest, another portal's) and "
    "expired ones: 401; brute-force logins: 429 with Retry-After after the limit, the right "
    "password included, other accounts unaffected; forged SSO client secrets and access "
    "tokens: refused; payment checksums broken by changing any signed field after signing, or "
    "signed with another key: refused, nothing stored.",
    "Injection (`test_injection.py`, both backends): SQL- and script-injection strings, NFC and "
    "NFD Vietnamese, a right-to-left override and CRLF in every string field of a dossier "
    "sync: no 5xx, no injected sleep, the body journaled byte for byte (but the masked "
    "session), the store still whole; the payer's page, the run report and /docs show them "
    "escaped. Attachment names and links with path traversal, absolute paths, NUL and URL "
    "encodings: nothing read or written on disk.",
    "Secrets (`test_secrets.py`, both backends): a run with every kind of secret (unit "
    "password, wrong password, session tokens, operator token, payment hash keys, SSO client "
    "secret, access and ID tokens, the signing key's private parameters), every logger at "
    "DEBUG; none appears in the logs, the journal (operator API and export), findings, units "
    "or scorecards.",
    "Defect found and fixed: the journal kept each RPC body with its live session token, so "
    'any journal export handed out credentials; the session is now masked `"***"` as login\'s '
    "password is (3111bc7).",
]


def tried(kind: str, count: int = 1) -> None:
    TRIED[kind] += count


def publish() -> None:
    record_figures(
        "security",
        {
            "notes": NOTES,
            "defects_fixed": 1,
            "attacks": dict(sorted(TRIED.items())),
            "total": sum(TRIED.values()),
        },
    )
