"""Every response carries X-Request-ID and the security headers, a 500 from an unhandled exception included."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import serve.app
from serve.app import create_app
from serve.errors import ConversationNotFound
from serve.settings import Settings

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


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
