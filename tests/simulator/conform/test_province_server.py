"""The reference target on its own: what it serves, how it judges pushes, payments and logins,
and `portalsim province serve`'s bad input."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from simulator.cli import run
from simulator.conform import dossiers
from simulator.conform.config import ConformConfig
from simulator.conform.plan import case_ids
from simulator.conform.serving import ThreadedServer
from simulator.domain import VN_TZ
from simulator.reference.app import ENDPOINTS, ReferenceProvince, Transaction
from simulator.reference.profiles import PROFILES, reference_profile
from tests.simulator.conform._reference import free_port, load, write_config

# Nothing listens here: the province's calls to the portal fail quietly in these tests.
_NO_PORTAL = f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def config(tmp_path: Path) -> ConformConfig:
    return load(write_config(tmp_path, portal_port=free_port(), target_port=free_port()))


def _client(
    config: ConformConfig, profile: str
) -> Iterator[tuple[httpx.Client, ReferenceProvince]]:
    province = ReferenceProvince(config, reference_profile(profile), _NO_PORTAL)
    with ThreadedServer(province.app) as server, httpx.Client(base_url=server.url) as client:
        yield client, province


@pytest.fixture
def clean(config: ConformConfig) -> Iterator[tuple[httpx.Client, ReferenceProvince]]:
    yield from _client(config, "clean")


def test_every_profile_declares_plan_cases_and_only_clean_declares_none() -> None:
    """Expected failures name real cases; each faulty profile must fail something."""
    for profile in PROFILES.values():
        assert profile.expected_failures <= case_ids()
        assert bool(profile.expected_failures) == (profile.name != "clean")


def test_the_root_describes_the_profile_and_its_endpoints(
    clean: tuple[httpx.Client, ReferenceProvince],
) -> None:
    """`GET /` names the province (Vietnamese name), the profile and the paths to configure."""
    client, _province = clean
    described = client.get("/").json()
    assert described["province"] == {"code": "38", "name": "Thanh Hóa"}
    assert described["profile"] == "clean"
    assert described["endpoints"] == ENDPOINTS


def _push(client: httpx.Client, body: object) -> dict[str, object]:
    answer = client.post(ENDPOINTS["push"], json=body)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    parsed: dict[str, object] = answer.json()
    return parsed


def test_a_valid_push_is_accepted_once_and_defective_ones_are_refused(
    clean: tuple[httpx.Client, ReferenceProvince], config: ConformConfig
) -> None:
    """error_code 0 and a local Art. 19 code; the same push again gets the same code; each
    defective push gets a non-zero error_code naming its problem."""
    client, province = clean
    now = datetime.now(VN_TZ)
    code = dossiers.dossier_code(config.unit, now)
    valid = dossiers.valid_push(config.unit, code, "1.000948", "Chứng thực", now)
    first = _push(client, valid)
    assert first["error_code"] == 0
    assert _push(client, valid)["MaHoSoDonVi"] == first["MaHoSoDonVi"]
    assert len(province.state.dossiers) == 1
    for case_id, body in dossiers.defective_pushes(valid, config.unit, now).items():
        refused = _push(client, body)
        assert refused["error_code"] == 1, case_id
    assert _push(client, [1, 2])["error_code"] == 1


def _confirmation(config: ConformConfig, transaction_id: str, amount: int) -> dict[str, object]:
    assert config.payment is not None
    transaction = {
        "client_id": config.payment.client_id,
        "transaction_id": transaction_id,
        "trans_amount": str(amount),
        "command": "PAY",
        "version": "3.0",
        "addition_fee": "0",
    }
    return dossiers.confirmation(transaction, config.payment.hash_key_2)


def test_payment_confirmations_are_checked_and_idempotent(
    clean: tuple[httpx.Client, ReferenceProvince], config: ConformConfig
) -> None:
    """A forged checksum, an unknown transaction and a wrong amount get -1; the valid one 0,
    and its duplicate 0 again; the paid dossier then owes nothing."""
    client, province = clean
    now = datetime.now(VN_TZ)
    code = dossiers.dossier_code(config.unit, now)
    _push(client, dossiers.valid_push(config.unit, code, "1.000948", "Chứng thực", now))
    owed = client.post(ENDPOINTS["payment_lookup"], json={"MaHoSo": code}).json()
    assert owed["error_code"] == 1
    assert owed["message"]["MaHoSo"] == code
    fee = province.state.dossiers[code].fee
    province.state.transactions["T1"] = Transaction("T1", code, fee)
    valid = _confirmation(config, "T1", fee)
    forged = valid | {"check_sum": "0" * 64}
    confirm = ENDPOINTS["payment_confirm"]
    assert client.post(confirm, json=forged).json()["return_code"] == -1
    assert client.post(confirm, json=_confirmation(config, "T2", fee)).json()["return_code"] == -1
    assert (
        client.post(confirm, json=_confirmation(config, "T1", fee + 1)).json()["return_code"] == -1
    )
    assert client.post(confirm, json=valid).json()["return_code"] == 0
    assert client.post(confirm, json=valid).json()["return_code"] == 0
    assert client.post(ENDPOINTS["payment_lookup"], json={"MaHoSo": code}).json()["error_code"] == 0


def test_the_session_check_refuses_a_browser_that_never_logged_in(
    clean: tuple[httpx.Client, ReferenceProvince],
) -> None:
    """No login, no session: 401; a callback without a started login is refused."""
    client, _province = clean
    assert client.get(ENDPOINTS["sso_session"]).status_code == 401
    assert client.get("/sso/callback", params={"code": "x", "state": "y"}).status_code == 401


def _serve(*arguments: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["province", "serve", *arguments], out, err)
    return code, err.getvalue()


def test_serve_refuses_an_unknown_profile(tmp_path: Path) -> None:
    path = write_config(tmp_path, portal_port=free_port(), target_port=free_port())
    code, err = _serve("--profile", "perfect", "--config", str(path))
    assert code == 2
    assert "perfect" in err


def test_serve_refuses_a_config_without_the_portal_password(tmp_path: Path) -> None:
    """The province must log in to the portal: no password is exit 2 naming the key."""
    path = write_config(
        tmp_path, portal_port=free_port(), target_port=free_port(), omit="province.password"
    )
    code, err = _serve("--profile", "clean", "--config", str(path))
    assert code == 2
    assert err.strip().endswith("province.password: required to log in to the portal")


def test_a_trigger_must_name_a_case_or_group_of_the_plan(tmp_path: Path) -> None:
    path = write_config(tmp_path, portal_port=free_port(), target_port=free_port())
    path.write_text(path.read_text() + '[triggers.PUBLISH]\nhttp = "POST /x"\n', encoding="utf-8")
    code, err = _serve("--profile", "clean", "--config", str(path))
    assert code == 2
    assert "triggers.PUBLISH: 'PUBLISH' is no case or group ID of the plan" in err


@pytest.mark.slow  # a Python process of its own: ~10 s on a loaded machine
def test_province_serve_serves_the_profile_until_interrupted(tmp_path: Path) -> None:
    """`portalsim province serve` in its own process: it announces the endpoints and the cases
    it must fail, answers on its port, and stops on SIGINT."""
    port = free_port()
    path = write_config(tmp_path, portal_port=free_port(), target_port=port)
    command = [sys.executable, "-m", "simulator.cli", "province", "serve", "--profile"]
    command += ["late-sync", "--config", str(path), "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        described = None
        deadline = time.monotonic() + 60
        while described is None and time.monotonic() < deadline:
            try:
                described = httpx.get(f"http://127.0.0.1:{port}/", timeout=2).json()
            except httpx.HTTPError:
                time.sleep(0.2)
        assert described is not None
        assert described["expected_failures"] == ["SYNC-004"]
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    announced = err.decode("utf-8")
    assert "must fail: SYNC-004" in announced
    assert 'push = "/dvcqg/hoso"' in announced
    assert "Traceback" not in announced
