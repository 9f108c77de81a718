"""The PostgreSQL test fixture: skip locally, fail on CI, when the server is unreachable."""

from __future__ import annotations

import pytest

from tests import _postgres

NOWHERE = "postgresql://portal:s3cret@127.0.0.1:1/test?connect_timeout=2"


def test_unreachable_server_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without CI=true a missing server skips, with the masked URL and the env var in the reason."""
    monkeypatch.setenv(_postgres.ENV_VAR, NOWHERE)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as caught:
        _postgres.postgres_url_or_skip()
    reason = str(caught.value)
    assert "portal:***@127.0.0.1:1" in reason
    assert _postgres.ENV_VAR in reason
    assert "s3cret" not in reason


def test_unreachable_server_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """With CI=true a missing server fails the test instead of skipping it."""
    monkeypatch.setenv(_postgres.ENV_VAR, NOWHERE)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _postgres.postgres_url_or_skip()


def test_search_path_option_is_appended() -> None:
    """The schema is selected through libpq options, after any existing query string."""
    assert _postgres.with_search_path("postgresql://h/db", "t_1") == (
        "postgresql://h/db?options=-csearch_path%3Dt_1"
    )
    assert _postgres.with_search_path("postgresql://h/db?sslmode=disable", "t_1").endswith(
        "?sslmode=disable&options=-csearch_path%3Dt_1"
    )
