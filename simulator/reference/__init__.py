"""The reference target of the conformance plan: a virtual province's one-stop system as an HTTP
server (`portalsim province serve`).

- `profiles`: `clean` and the faulty profiles, each with the plan cases it must fail;
- `app`: the Starlette application (pushes, payment lookups and confirmations, SSO login as a
  relying party, trigger hooks for its own flows);
- `relying_party`: its OpenID Connect login and ID-token validation;
- `portal_client`: its calls to the portal (login, DongBoTrangThaiHoSo, createtransaction).
"""
