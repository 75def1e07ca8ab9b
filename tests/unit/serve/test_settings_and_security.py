import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import ValidationError

from serve.errors import InvalidToken
from serve.security import (
    decode_access_token,
    hash_password,
    issue_access_token,
    new_refresh_token,
    signing_key,
    verify_password,
)
from serve.settings import DEV_SECRET, AuthSettings, Settings


def test_defaults_come_from_config_yaml() -> None:
    settings = Settings()
    assert settings.http_port == 8000
    assert settings.llm.chain == ["grounded"]
    assert "gemma-270m" in settings.llm.engines


def test_environment_overrides_flat_and_nested(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSAGENT_HTTP_PORT", "8123")
    monkeypatch.setenv("CSAGENT_AUTH__ACCESS_TOKEN_TTL_S", "600")
    settings = Settings()
    assert settings.http_port == 8123
    assert settings.auth.access_token_ttl_s == 600


def test_production_needs_a_secret_of_its_own() -> None:
    with pytest.raises(
        ValidationError, match="auth.jwt_secret is unset; in production set CSAGENT_AUTH__JWT_SECRET"
    ):
        Settings(env="production")
    with pytest.raises(ValidationError, match="public development placeholder, refused in production"):
        Settings(env="production", auth=AuthSettings(jwt_secret=DEV_SECRET))
    assert Settings(env="production", auth=AuthSettings(jwt_secret="x" * 40)).env == "production"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "csagent.example.com"])
def test_the_development_secret_is_refused_beyond_loopback(host: str) -> None:
    with pytest.raises(
        ValidationError, match=f"auth.jwt_secret is the public development placeholder.*{host}"
    ):
        Settings(env="development", http_host=host, auth=AuthSettings(jwt_secret=DEV_SECRET))
    # Unset, the install's own generated key is used, which is fine on any host.
    assert Settings(env="development", http_host=host).auth.jwt_secret is None


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "::1", "localhost"])
def test_the_development_secret_still_works_on_loopback(host: str) -> None:
    assert Settings(http_host=host, auth=AuthSettings(jwt_secret=DEV_SECRET)).auth.jwt_secret == DEV_SECRET


def test_unknown_chain_engine_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSAGENT_LLM__CHAIN", '["nope"]')
    with pytest.raises(ValidationError, match="nope"):
        Settings()


def test_bad_database_url_says_what_to_use() -> None:
    with pytest.raises(ValidationError, match="postgresql\\+asyncpg"):
        Settings(database_url="mysql://x")


def test_missing_extra_config_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSAGENT_CONFIG", "config/does-not-exist.yaml")
    with pytest.raises(ValueError, match="does-not-exist"):
        Settings()


def test_passwords_hash_and_verify() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong")
    assert not verify_password(None, "anything")


def test_access_tokens_round_trip_and_reject_tampering() -> None:
    settings = AuthSettings()
    user, org = uuid.uuid4(), uuid.uuid4()
    token = issue_access_token(settings, user_id=user, organization_id=org, role="customer")
    claims = decode_access_token(settings, token)
    assert (claims.sub, claims.org, claims.role) == (user, org, "customer")
    forged = jwt.encode(
        {"sub": str(user), "org": str(org)}, "another-secret-that-is-long-enough-000", "HS256"
    )
    for bad in (forged, token + "x", "not.a.jwt"):
        with pytest.raises(InvalidToken):
            decode_access_token(settings, bad)
    other_audience = AuthSettings(jwt_audience="someone-else")
    with pytest.raises(InvalidToken):
        decode_access_token(other_audience, token)


def test_expired_access_token_is_rejected() -> None:
    settings = AuthSettings()
    now = datetime.now(UTC)
    payload = {
        "sub": str(uuid.uuid4()),
        "org": str(uuid.uuid4()),
        "role": "customer",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int((now - timedelta(hours=1)).timestamp()),
        "exp": int((now - timedelta(minutes=1)).timestamp()),
    }
    with pytest.raises(InvalidToken):
        decode_access_token(settings, jwt.encode(payload, signing_key(settings), "HS256"))


def test_refresh_tokens_are_random_and_stored_hashed() -> None:
    token, digest = new_refresh_token()
    other, _ = new_refresh_token()
    assert token != other and token not in digest and len(digest) == 64
