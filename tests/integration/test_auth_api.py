"""Auth endpoints on SQLite and PostgreSQL: happy paths, bad input, token misuse."""

from fastapi.testclient import TestClient

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
