"""portalsim's Locust scenarios: the provinces' one-stop systems talking to a (mock) DVCQG.

Each user is one province unit (`000.00.00.Hxx`) of the chosen profile set: it logs in (the
session is reused for ten minutes, as OpenCPS does) and serves one flow. Users are given to
provinces so that every province has one before any has two, then in proportion to the
provinces' shares of national volume; each province's dossiers start at `--dossier-rate` ×
its share a second, whichever of its users is free. The dossiers, their applicants and their
planted faults come from the province profiles (`simulator.synthetic`), made once per process.

With Locust's own command line or web UI, against a running portal (`portalsim serve --demo`
knows every province unit, password "demo"; a run assumes an empty portal, since the same seed
makes the same dossier codes):

    portalsim serve --demo --database /tmp/portal.sqlite3
    locust -f scenarios/portal.py --host http://127.0.0.1:8080              # web UI on :8089
    locust -f scenarios/portal.py --host http://127.0.0.1:8080 --headless -u 204 -r 100 -t 1m
    locust -f scenarios/portal.py --host http://127.0.0.1:8080 --headless --processes 2 -u 408
    locust -f scenarios/portal.py --master --host http://PORTAL:8080          # one machine …
    locust -f scenarios/portal.py --worker --master-host MASTER                  # … others

then `portalsim report --database /tmp/portal.sqlite3` for the scorecard. Or let portalsim do
it all, its own portal included: `portalsim run`.

Options (Locust custom arguments; also environment variables and web UI fields):
`--profile-set` (PORTALSIM_PROFILES, default field-reports), `--seed` (PORTALSIM_SEED, 1),
`--unit-password` (PORTALSIM_PASSWORD, demo), `--time-factor` (PORTALSIM_TIME_FACTOR, 100000),
`--dossier-rate` (PORTALSIM_RATE, 5 a second per load process; 0: as fast as possible),
`--load-partitions` (PORTALSIM_PARTITIONS: workers number their dossier codes apart by the index
their master gives them, modulo this; default 16, so more than 16 workers need more), `--sso-secret`
(PORTALSIM_SSO_SECRET: the secret of every province's SSO client `portalsim-hxx`, redirect URI
`https://motcua-hxx.portalsim.test/sso/callback`, as `portalsim run` registers them; empty: no
SSO logins).

`--payment-secret` (PORTALSIM_PAYMENT_SECRET) and `--callback-port` (PORTALSIM_CALLBACK_PORT):
the keys of every connected province's payment client `PS_Hxx` derive from the secret
(`simulator.run.payments.payment_client`), and the platform's confirmations come to
`http://HOST:PORT/hxx/paymentconfirm`, answered by the load process (one process only: with
`--processes` or workers, leave payments out); without them, no payments.
"""

from __future__ import annotations

from locust import events, task

from simulator.load import ProvinceUser, register_options

register_options(events)


class DossierSync(ProvinceUser):
    """Submission and sync: a new dossier's first publish, as OpenCPS sends it — TraCuuHoSo,
    LayThuTuc, DongBoHoSoMC (isUpdating "False"), CapNhatTienDoHoSoMC."""

    flow = "submission"
    weight = 1

    @task
    def submit(self) -> None:
        self.submit_dossier()


class ProgressSync(ProvinceUser):
    """Progress sync: each later status of a dossier in flight once its compressed wait has
    passed — the same four messages, DongBoHoSoMC with isUpdating "True"."""

    flow = "progress"
    weight = 2

    @task
    def progress(self) -> None:
        self.sync_progress()


class SsoLogins(ProvinceUser):
    """Citizens logging in to the province's one-stop system through the national SSO:
    /oauth2/authorize (state, nonce, PKCE, login_hint) → /oauth2/token → /oauth2/userinfo.
    Provinces not integrated with the SSO, or a run without --sso-secret, send none."""

    flow = "sso"
    weight = 1

    @task
    def login(self) -> None:
        self.sso_login()


class Payments(ProvinceUser):
    """A dossier's fees paid when it reaches status 6 in a province connected to the payment
    platform: createtransaction (HMAC check_sum, the bill from the catalogue's fees), then the
    citizen pays on the platform's page; the platform confirms to the province's callback."""

    flow = "payment"
    weight = 1

    @task
    def pay(self) -> None:
        self.pay_fees()


class CatalogueReads(ProvinceUser):
    """Catalogue synchronisation on the share endpoint: procedures, online services, agencies,
    sectors."""

    flow = "catalogue"
    weight = 1

    @task(4)
    def procedures(self) -> None:
        self.read_catalogue("LayDanhSachTTHC")

    @task(2)
    def online_services(self) -> None:
        self.read_catalogue("LayDVC")

    @task(1)
    def agencies(self) -> None:
        self.read_catalogue("LayDanhMucCoQuan")

    @task(1)
    def sectors(self) -> None:
        self.read_catalogue("LayDanhMucLinhVuc")
