"""Every response carries X-Request-ID and the security headers, a 500 from an unhandled exception included."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis.exceptions
import sqlalchemy.exc
from fastapi import FastAPI
from fastapi.testclient import TestClient

import serve.app
from serve.app import create_app
from serve.errors import ConversationNotFound, overloaded
from serve.settings import Settings

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


PoolTimeoutError = sqlalchemy.exc.TimeoutError


class Boom(RuntimeError):
    pass


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    # No built UI: its catch-all mount would shadow the routes added below. No lifespan is needed either.
    monkeypatch.setattr(serve.app, "UI_DIST", tmp_path / "no-dist")
    app = create_app(Settings(env="test", database_url="sqlite+aiosqlite:///:memory:"))

    @app.get("/api/v1/boom")
    async def boom() -> dict[str, str]:
        raise Boom("a bug, not bad input")

    @app.get("/api/v1/busy")
    async def busy() -> dict[str, str]:
        raise PoolTimeoutError("QueuePool limit of size 10 overflow 10 reached, connection timed out")

    @app.get("/api/v1/gone")
    async def gone() -> dict[str, str]:
        raise ConversationNotFound()

    return app


def _assert_headers(response: object, request_id: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["x-request-id"] == request_id
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value, name
    assert headers.get_list("x-request-id") == [request_id], "set once, not twice"


def test_an_unhandled_exception_answers_500_with_the_request_id_and_security_headers(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/api/v1/boom", headers={"X-Request-ID": "trace-123"})
    assert response.status_code == 500
    assert response.json()["error"] == {
        "code": "internal_error",
        "message": "Something went wrong on our side.",
        "details": {},
        "request_id": "trace-123",
    }
    _assert_headers(response, "trace-123")


def test_a_500_without_an_incoming_id_gets_a_fresh_one_matching_its_body(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    for sent in ({}, {"X-Request-ID": "not a valid id!"}):
        response = client.get("/api/v1/boom", headers=sent)
        assert response.status_code == 500
        request_id = response.json()["error"]["request_id"]
        assert request_id and request_id != sent.get("X-Request-ID")
        _assert_headers(response, request_id)


def test_handled_errors_and_successes_carry_the_same_headers(app: FastAPI) -> None:
    client = TestClient(app)
    missing = client.get("/api/v1/gone", headers={"X-Request-ID": "trace-404"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "conversation_not_found"
    _assert_headers(missing, "trace-404")
    health = client.get("/api/health", headers={"X-Request-ID": "trace-200"})
    assert health.status_code == 200
    _assert_headers(health, "trace-200")


def test_a_store_that_cannot_answer_in_time_is_a_503_to_retry_not_a_500(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/api/v1/busy", headers={"X-Request-ID": "trace-503"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json()["error"]["code"] == "service_unavailable"
    assert response.json()["error"]["request_id"] == "trace-503"
    _assert_headers(response, "trace-503")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (PoolTimeoutError("pool exhausted"), True),
        (sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("database is locked")), True),
        (redis.exceptions.ConnectionError("Connection refused"), True),
        (redis.exceptions.TimeoutError("Timeout reading from socket"), True),
        (ConnectionRefusedError(111, "Connect call failed"), True),
        (sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("duplicate key")), False),
        (Boom("a bug"), False),
        (KeyError("missing"), False),
    ],
)
def test_only_store_overload_and_outage_count_as_overloaded(exc: BaseException, expected: bool) -> None:
    assert overloaded(exc) is expected
