"""Ray and the ops settings never open anything by accident: the auth decision, the production profile, Redis."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from redis.asyncio import ConnectionPool

from serve import cli
from serve.exposure import RAY_SERVICES, is_loopback, ray_auth_mode
from serve.settings import AuthSettings, OpsSettings, RaySettings, Settings, get_settings

SECRET = AuthSettings(jwt_secret="s" * 40)
LOOPBACK = {"http_host": "127.0.0.1", "ray.dashboard_host": "127.0.0.1"}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.53", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("csagent.internal", False),
        ("", False),
    ],
)
def test_loopback_means_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


ALL_LOOPBACK_RAY = {"Ray's GCS and raylets": "127.0.0.1"}  # not Ray 2.60: what a loopback-only Ray would be


@pytest.mark.parametrize(
    ("configured", "ray_services", "requested", "mode"),
    [
        # Ray 2.60's own services listen on every interface (measured; serve/exposure.py): token auth stays on,
        # a loopback-only development start included.
        (LOOPBACK, RAY_SERVICES, None, "token"),
        ({"http_host": "0.0.0.0", "ray.dashboard_host": "127.0.0.1"}, RAY_SERVICES, None, "token"),
        # Were every listener, Ray's included, on loopback, auth could be off.
        (LOOPBACK, ALL_LOOPBACK_RAY, None, "disabled"),
        ({"http_host": "::1"}, ALL_LOOPBACK_RAY, None, "disabled"),
        ({"http_host": "localhost"}, ALL_LOOPBACK_RAY, "disabled", "disabled"),
        # One listener beyond loopback keeps it on.
        ({"http_host": "0.0.0.0", "ray.dashboard_host": "127.0.0.1"}, ALL_LOOPBACK_RAY, None, "token"),
        ({"http_host": "127.0.0.1", "ray.dashboard_host": "0.0.0.0"}, ALL_LOOPBACK_RAY, None, "token"),
        ({"http_host": "10.1.2.3"}, ALL_LOOPBACK_RAY, None, "token"),
        ({"http_host": "csagent.example.com"}, ALL_LOOPBACK_RAY, None, "token"),
        ({"http_host": "127.0.0.1"}, {"the Ray cluster it joins": "10.0.0.7"}, None, "token"),
        # An operator's explicit auth mode is kept, even on loopback.
        (LOOPBACK, ALL_LOOPBACK_RAY, "token", "token"),
        ({"http_host": "0.0.0.0"}, RAY_SERVICES, "token", "token"),
        # An explicit opt-out is honoured only while csagent's own listeners are on loopback (CI machines).
        (LOOPBACK, RAY_SERVICES, "disabled", "disabled"),
    ],
)
def test_ray_auth_is_off_only_when_every_listener_is_loopback(
    configured: dict[str, str], ray_services: dict[str, str], requested: str | None, mode: str
) -> None:
    assert ray_auth_mode(configured, requested=requested, ray_services=ray_services) == mode


@pytest.mark.parametrize(
    ("configured", "named"),
    [
        ({"http_host": "0.0.0.0", "ray.dashboard_host": "127.0.0.1"}, "http_host (0.0.0.0)"),
        ({"http_host": "127.0.0.1", "ray.dashboard_host": "0.0.0.0"}, "ray.dashboard_host (0.0.0.0)"),
        ({"http_host": "csagent.example.com"}, "http_host (csagent.example.com)"),
    ],
)
def test_disabling_ray_auth_with_a_public_listener_is_refused(configured: dict[str, str], named: str) -> None:
    for services in (RAY_SERVICES, ALL_LOOPBACK_RAY):
        with pytest.raises(ValueError, match="RAY_AUTH_MODE=disabled is refused") as refused:
            ray_auth_mode(configured, requested="disabled", ray_services=services)
        assert named in str(refused.value)


def test_csagent_up_reads_its_listeners_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    local = Settings(env="test")
    assert cli._ray_auth_mode(local) == "token", "Ray's own services are reachable even then"
    public = Settings(env="test", http_host="0.0.0.0", auth=SECRET)
    assert cli._ray_auth_mode(public) == "token"
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    assert cli._ray_auth_mode(local) == "disabled", "a deliberate opt-out on a loopback-only start"
    # A dashboard that is not started opens no listener; one that is, on 0.0.0.0, refuses the opt-out.
    no_dashboard = Settings(env="test", ray=RaySettings(dashboard_host="0.0.0.0", include_dashboard=False))
    assert cli._ray_auth_mode(no_dashboard) == "disabled"
    with pytest.raises(ValueError, match="ray.dashboard_host"):
        cli._ray_auth_mode(Settings(env="test", ray=RaySettings(dashboard_host="0.0.0.0")))
    with pytest.raises(ValueError, match="http_host"):
        cli._ray_auth_mode(public)


def test_csagent_up_refuses_disabled_ray_auth_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    monkeypatch.setenv("CSAGENT_HTTP_HOST", "0.0.0.0")
    monkeypatch.setenv("CSAGENT_AUTH__JWT_SECRET", "s" * 40)
    monkeypatch.setattr(cli, "cmd_prepare", lambda _args: pytest.fail("nothing starts after a refusal"))
    get_settings.cache_clear()
    try:
        assert cli.main(["up"]) == 2
    finally:
        get_settings.cache_clear()
    error = capsys.readouterr().err
    assert error.startswith("csagent up: RAY_AUTH_MODE=disabled is refused: http_host (0.0.0.0)")
    assert error.count("\n") == 1


def test_the_production_profile_opens_nothing_by_accident(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSAGENT_CONFIG", "config/production.yaml")
    monkeypatch.setenv("CSAGENT_AUTH__JWT_SECRET", "s" * 40)
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    settings = Settings()
    assert settings.env == "production"
    assert is_loopback(settings.ray.dashboard_host), "reach the dashboard through an SSH tunnel or a proxy"
    assert not settings.api_docs_enabled
    assert not settings.readiness_details_public
    assert not settings.metrics_open
    assert cli._ray_auth_mode(settings) == "token"


@pytest.mark.parametrize("env", ["development", "test"])
def test_ops_endpoints_are_open_outside_production_unless_closed(env: str) -> None:
    settings = Settings(env=env)
    assert settings.api_docs_enabled and settings.readiness_details_public and settings.metrics_open
    ops = OpsSettings(api_docs=False, readiness_details=False, metrics_token="m" * 16)
    closed = Settings(env=env, ops=ops)
    assert not (closed.api_docs_enabled or closed.readiness_details_public or closed.metrics_open)


def test_production_opens_ops_endpoints_only_when_told() -> None:
    default = Settings(env="production", auth=SECRET)
    assert not (default.api_docs_enabled or default.readiness_details_public or default.metrics_open)
    opened = Settings(env="production", auth=SECRET, ops=OpsSettings(api_docs=True, readiness_details=True))
    assert opened.api_docs_enabled and opened.readiness_details_public
    with pytest.raises(ValueError, match="metrics_token"):
        OpsSettings(metrics_token="short")


def test_production_refuses_a_remote_redis_without_a_password() -> None:
    with pytest.raises(ValueError, match="CSAGENT_REDIS_PASSWORD"):
        Settings(env="production", auth=SECRET, redis_url="redis://redis.internal:6379/0")
    with pytest.raises(ValueError, match="CSAGENT_REDIS_PASSWORD"):
        Settings(env="production", auth=SECRET, redis_url="rediss://redis.internal:6380/0")
    # Loopback, a password in the URL, or the password setting are all fine.
    Settings(env="production", auth=SECRET, redis_url="redis://127.0.0.1:6379/0")
    Settings(env="production", auth=SECRET, redis_url="rediss://:pw@redis.internal:6380/0")
    # Outside production a development Redis needs nothing.
    Settings(env="development", redis_url="redis://redis.internal:6379/0")


def test_the_redis_password_setting_reaches_every_client_through_the_url() -> None:
    settings = Settings(
        env="production",
        auth=SECRET,
        redis_url="rediss://redis.internal:6380/0?ssl_ca_certs=/etc/ca.pem",
        redis_password="p@ss:w/rd",
    )
    assert settings.redis_url is not None
    parts = urlsplit(settings.redis_url)
    assert (parts.scheme, parts.hostname, parts.port, parts.path) == ("rediss", "redis.internal", 6380, "/0")
    assert parts.query == "ssl_ca_certs=/etc/ca.pem"
    # Parsed the way the Redis clients parse it (serve/chat/redis_broker.py, serve/ratelimit.py).
    assert ConnectionPool.from_url(settings.redis_url).connection_kwargs["password"] == "p@ss:w/rd"
    assert "p@ss" not in repr(settings), "the password stays out of logs"
    # The ingress rebuilds its settings from this dump (serve/builder.py): the merge must be idempotent.
    again = Settings(**settings.model_dump(mode="json"))
    assert again.redis_url == settings.redis_url


def test_redis_settings_refuse_what_they_cannot_use() -> None:
    with pytest.raises(ValueError, match="keep one of them"):
        Settings(redis_url="redis://:one@127.0.0.1:6379/0", redis_password="two")
    with pytest.raises(ValueError, match="rediss://"):
        Settings(redis_url="http://127.0.0.1:6379/0")
