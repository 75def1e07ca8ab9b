"""Auth endpoints on SQLite and PostgreSQL: happy paths, bad input, token misuse, logout, session lifetimes."""

import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from serve.api.deps import get_clock
from serve.app import create_app
from serve.security import cached_install_key
from serve.settings import AuthSettings
from tests.conftest import make_settings
from tests.factories import auth, guest


def _error_code(response: object) -> str:
    return response.json()["error"]["code"]  # type: ignore[attr-defined,no-any-return]


def test_guest_session_and_me(client: TestClient) -> None:
    session = guest(client, display_name="Ada", language="fr")
    assert session["token_type"] == "bearer" and session["expires_in"] == 900
    me = client.get("/api/v1/me", headers=auth(session))
    assert me.status_code == 200
    assert me.json() | {"id": None, "organization_id": None} == {
        "id": None,
        "organization_id": None,
        "email": None,
        "display_name": "Ada",
        "role": "customer",
        "language": "fr",
    }
    assert me.headers["x-request-id"]


def test_register_login_and_duplicate_email(client: TestClient) -> None:
    body = {"email": "Ada@Example.com", "password": "a long enough password", "display_name": "Ada"}
    created = client.post("/api/v1/auth/register", json=body)
    assert created.status_code == 201
    assert created.json()["user"]["email"] == "ada@example.com"
    again = client.post("/api/v1/auth/register", json=body)
    assert again.status_code == 409 and _error_code(again) == "email_taken"
    login = client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "a long enough password"}
    )
    assert login.status_code == 200


def test_login_failures_look_the_same(client: TestClient) -> None:
    client.post(
        "/api/v1/auth/register", json={"email": "b@example.com", "password": "x" * 12, "display_name": "B"}
    )
    wrong = client.post("/api/v1/auth/login", json={"email": "b@example.com", "password": "nope"})
    unknown = client.post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert _error_code(wrong) == _error_code(unknown) == "invalid_credentials"
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_register_validates_input(client: TestClient) -> None:
    short = client.post(
        "/api/v1/auth/register", json={"email": "c@example.com", "password": "short", "display_name": "C"}
    )
    assert short.status_code == 422 and _error_code(short) == "validation_error"
    bad_email = client.post(
        "/api/v1/auth/register", json={"email": "nope", "password": "x" * 12, "display_name": "C"}
    )
    assert bad_email.status_code == 422


def test_refresh_rotates_and_detects_reuse(client: TestClient) -> None:
    first = guest(client)
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and _error_code(reuse) == "invalid_refresh_token"
    # Reuse revoked the whole family: the newest token is dead too.
    after = client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401
    unknown = client.post("/api/v1/auth/refresh", json={"refresh_token": "x" * 43})
    assert unknown.status_code == 401


def test_bad_tokens_are_401_with_the_contract_body(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer forged.token.value"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        error = response.json()["error"]
        assert error["code"] in {"unauthorized", "invalid_token"} and error["request_id"]


def test_malformed_json_and_wrong_types(client: TestClient) -> None:
    broken = client.post(
        "/api/v1/auth/guest", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and _error_code(broken) == "malformed_json"
    wrong = client.post("/api/v1/auth/guest", json={"display_name": 42})
    assert wrong.status_code == 422 and _error_code(wrong) == "validation_error"
    extra = client.post("/api/v1/auth/guest", json={"display_name": "x", "admin": True})
    assert extra.status_code == 422


def test_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"] == "abc-123"


def test_logout_revokes_the_whole_family(client: TestClient) -> None:
    first = guest(client)
    rotated = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    out = client.post("/api/v1/auth/logout", json={"refresh_token": rotated["refresh_token"]})
    assert out.status_code == 204 and out.content == b""
    for token in (rotated["refresh_token"], first["refresh_token"]):
        after = client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert after.status_code == 401 and _error_code(after) == "invalid_refresh_token"


def test_logout_ends_only_that_sign_in(client: TestClient) -> None:
    body = {"email": "two@example.com", "password": "a long enough password", "display_name": "Two"}
    laptop = client.post("/api/v1/auth/register", json=body).json()
    phone = client.post(
        "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
    ).json()
    assert (
        client.post("/api/v1/auth/logout", json={"refresh_token": laptop["refresh_token"]}).status_code == 204
    )
    still = client.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert still.status_code == 200


def test_logout_of_an_unknown_or_used_token_is_204_and_bad_input_is_422(client: TestClient) -> None:
    session = guest(client)
    for _ in range(2):
        again = client.post("/api/v1/auth/logout", json={"refresh_token": session["refresh_token"]})
        assert again.status_code == 204
    assert client.post("/api/v1/auth/logout", json={"refresh_token": "y" * 43}).status_code == 204
    for bad in ({}, {"refresh_token": 7}, {"refresh_token": "short"}, {"refresh_token": "z" * 43, "x": 1}):
        refused = client.post("/api/v1/auth/logout", json=bad)
        assert refused.status_code == 422 and _error_code(refused) == "validation_error", bad


class StepClock:
    """A frozen UTC clock the test moves by hand (the API's `get_clock` dependency)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def short_sessions(database_url: str, graph: LocalHandle) -> Iterator[tuple[TestClient, StepClock]]:
    """Refresh tokens expire after an hour unused; a sign-in lasts three hours at most."""
    settings = make_settings(
        database_url, auth=AuthSettings(refresh_token_ttl_s=3600, refresh_family_lifetime_s=3 * 3600)
    )
    clock = StepClock()
    app = create_app(settings, graph)
    app.dependency_overrides[get_clock] = lambda: clock
    with TestClient(app) as test_client:
        yield test_client, clock


def _refresh(client: TestClient, token: str) -> Any:
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def test_rotation_never_extends_a_sign_in_past_its_lifetime(
    short_sessions: tuple[TestClient, StepClock],
) -> None:
    client, clock = short_sessions
    token = guest(client)["refresh_token"]
    for step in (3000, 3000, 3000, 1799):  # each refresh well within the hour: 10,799 s after sign-in
        clock.advance(step)
        answer = _refresh(client, token)
        assert answer.status_code == 200, (step, answer.text)
        token = answer.json()["refresh_token"]
    clock.advance(1)  # three hours after sign-in, the newest token, used a second after it was issued
    ended = _refresh(client, token)
    assert ended.status_code == 401 and _error_code(ended) == "invalid_refresh_token"
    assert "maximum age" in ended.json()["error"]["message"]


def test_an_unused_refresh_token_expires_after_its_ttl(short_sessions: tuple[TestClient, StepClock]) -> None:
    client, clock = short_sessions
    kept, idle = guest(client), guest(client)
    clock.advance(3599)
    assert _refresh(client, kept["refresh_token"]).status_code == 200
    clock.advance(1)
    expired = _refresh(client, idle["refresh_token"])
    assert expired.status_code == 401 and "has expired" in expired.json()["error"]["message"]


def test_a_restart_keeps_sessions_signed_with_the_generated_key(tmp_path: Path, graph: LocalHandle) -> None:
    key_file = tmp_path / "var" / "jwt_secret"
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'restart.db'}", auth=AuthSettings(jwt_secret_file=str(key_file))
    )
    with TestClient(create_app(settings, graph)) as first:
        session = guest(first)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    cached_install_key.cache_clear()  # a new process reads the key from the file again
    with TestClient(create_app(settings, graph)) as second:
        assert second.get("/api/v1/me", headers=auth(session)).status_code == 200
    key_file.write_text("another key, long enough to be used as an HS256 secret\n")
    cached_install_key.cache_clear()
    with TestClient(create_app(settings, graph)) as replaced:
        assert replaced.get("/api/v1/me", headers=auth(session)).status_code == 401
    cached_install_key.cache_clear()
