"""The reference target's profiles: `clean`, and faulty ones that each plant specific defects.

A profile is what the reference province does wrong, and the plan cases that must fail because
of it (`expected_failures`): the plan's own test is that the clean profile passes every case and
each faulty profile fails exactly its declared cases. The faults of the province→portal flows
reuse the synthetic provinces' fault model (`simulator.synthetic.Fault`): the field reports'
wrong dossier codes (Đắk Nông) and wrong procedure codes (Gia Lai), late syncs, and the SSO
requests without nonce or PKCE.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.synthetic import Fault, FaultRates

__all__ = ["PROFILES", "ReferenceProfile", "reference_profile"]

#: how long the `late-status-sync` profile waits before syncing a status back
LATE_STATUS_DELAY_S = 120.0


@dataclass(frozen=True, slots=True)
class ReferenceProfile:
    name: str
    description: str
    #: plan case IDs this profile must fail (and no other)
    expected_failures: frozenset[str] = frozenset()
    #: PUSH: accept a push whatever it lacks
    accepts_defective_pushes: bool = False
    #: PUSH: None, never sync the status back; else the delay in seconds
    status_sync_delay: float | None = 0.0
    #: PAY-CONF: accept a confirmation whose check_sum does not verify
    accepts_forged_checksum: bool = False
    #: PAY-CONF: treat a repeated confirmation as a new one and refuse it as "already done"
    refuses_duplicates: bool = False
    #: PAY-CONF: accept confirmations of unknown transactions and of other amounts
    lax_payment_checks: bool = False
    #: PAY-LOOK: name the bill by the province's own dossier code, not the one asked about
    wrong_lookup: bool = False
    #: SSO-RP: take the ID token's claims without checking signature, alg, aud, exp or nonce
    trusts_any_id_token: bool = False
    #: SSO-RP: do not compare the callback's state with the login's
    ignores_state: bool = False
    #: SSO-RP: the authorization request's planted faults (no nonce, no PKCE)
    sso_faults: frozenset[Fault] = frozenset()
    #: SYNC: the dossier faults of the province's own publishes (rates 0 or 1)
    dossier_faults: FaultRates = field(default_factory=FaultRates)


_PROFILES = (
    ReferenceProfile("clean", "Một hệ thống một cửa làm đúng mọi bước — does everything right."),
    ReferenceProfile(
        "accepts-defective-pushes",
        "Tiếp nhận cả hồ sơ thiếu trường, sai mã hồ sơ, sai mã thủ tục — accepts defective "
        "pushes and reports them as accepted.",
        frozenset({"PUSH-003", "PUSH-004", "PUSH-005", "PUSH-006"}),
        accepts_defective_pushes=True,
    ),
    ReferenceProfile(
        "never-syncs-status",
        "Không bao giờ đồng bộ trạng thái hồ sơ về DVCQG — never syncs the status back.",
        frozenset({"PUSH-002"}),
        status_sync_delay=None,
    ),
    ReferenceProfile(
        "late-status-sync",
        f"Đồng bộ trạng thái sau {LATE_STATUS_DELAY_S:g} giây — syncs the status back late.",
        frozenset({"PUSH-002"}),
        status_sync_delay=LATE_STATUS_DELAY_S,
    ),
    ReferenceProfile(
        "accepts-forged-checksum",
        "Ghi nhận xác nhận thanh toán có check_sum giả — accepts a tampered checksum.",
        frozenset({"PAY-CONF-002"}),
        accepts_forged_checksum=True,
    ),
    ReferenceProfile(
        "refuses-duplicate-confirmations",
        "Xử lý lại xác nhận trùng và trả lời lỗi — processes a duplicate confirmation again "
        "and answers it differently from the first.",
        frozenset({"PAY-CONF-003"}),
        refuses_duplicates=True,
    ),
    ReferenceProfile(
        "lax-payment-checks",
        "Ghi nhận xác nhận của giao dịch lạ và sai số tiền — acknowledges confirmations of "
        "unknown transactions and of the wrong amount.",
        frozenset({"PAY-CONF-004", "PAY-CONF-005"}),
        lax_payment_checks=True,
    ),
    ReferenceProfile(
        "wrong-payment-lookup",
        "Trả lời tra cứu bằng mã hồ sơ của tỉnh thay cho mã được hỏi — names the bill by its "
        "own dossier code, not the MaHoSo asked about.",
        frozenset({"PAY-LOOK-001"}),
        wrong_lookup=True,
    ),
    ReferenceProfile(
        "trusts-any-id-token",
        "Không kiểm tra ID token (chữ ký, alg, aud, exp, nonce) — accepts hostile ID tokens.",
        frozenset({"SSO-RP-002", "SSO-RP-003", "SSO-RP-004", "SSO-RP-005", "SSO-RP-006"}),
        trusts_any_id_token=True,
    ),
    ReferenceProfile(
        "ignores-sso-state",
        "Không so khớp state khi quay lại — accepts a callback with the wrong state.",
        frozenset({"SSO-RP-007"}),
        ignores_state=True,
    ),
    ReferenceProfile(
        "sso-without-nonce-pkce",
        "Yêu cầu xác thực không có nonce, không có PKCE — asks for login without nonce and "
        "PKCE, so a token with any nonce passes.",
        frozenset({"SSO-RP-001", "SSO-RP-005"}),
        sso_faults=frozenset({Fault.SSO_NO_NONCE, Fault.SSO_NO_PKCE}),
    ),
    ReferenceProfile(
        "wrong-codes",
        "Sai mã hồ sơ và sai mã thủ tục khi đồng bộ (báo cáo Tây Nguyên 2020: Đắk Nông, Gia "
        "Lai) — wrong dossier and procedure codes in its own syncs.",
        frozenset({"SYNC-002", "SYNC-003"}),
        dossier_faults=FaultRates(dossier_code_date=1.0, procedure_unknown=1.0),
    ),
    ReferenceProfile(
        "late-sync",
        "Đồng bộ hồ sơ lên DVCQG trễ hơn thời hạn — syncs its own dossiers late.",
        frozenset({"SYNC-004"}),
        dossier_faults=FaultRates(late_sync=1.0),
    ),
)

PROFILES: dict[str, ReferenceProfile] = {profile.name: profile for profile in _PROFILES}


def reference_profile(name: str) -> ReferenceProfile:
    """The profile called `name`; KeyError naming the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"no reference profile {name!r}; known: {', '.join(PROFILES)}") from None
