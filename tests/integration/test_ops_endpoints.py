"""What the public listener tells about the system: readiness details, metrics and API docs by environment.

The app runs with its real lifespan (database on SQLite and PostgreSQL); the conversation graph is a stand-in
whose readiness the test sets, since only the ingress's answers are under test here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from serve.app import create_app
from serve.security import issue_access_token
from serve.settings import AuthSettings, OpsSettings, Settings

SECRET = AuthSettings(jwt_secret="s" * 40)
METRICS_TOKEN = "prometheus-scrape-token-0123456789"
BROKEN_LLM = "failed: EngineError: /srv/models/qwen.gguf is missing"


class StandInGraph:
    def __init__(self, checks: dict[str, str]) -> None:
        self.checks = checks

    async def ready(self) -> dict[str, str]:
        return self.checks


@contextmanager
def running(settings: Settings, checks: dict[str, str] | None = None) -> Iterator[TestClient]:
    graph = LocalHandle(StandInGraph(checks or {"graph": "ok", "llm": "ok"}))
    with TestClient(create_app(settings, graph)) as client:
        yield client


def production(database_url: str, **overrides: object) -> Settings:
    return Settings(env="production", database_url=database_url, auth=SECRET, **overrides)  # type: ignore[arg-type]


def bearer(role: str) -> dict[str, str]:
    token = issue_access_token(SECRET, user_id=uuid.uuid4(), organization_id=uuid.uuid4(), role=role)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("checks", "status", "ready"),
    [({"graph": "ok", "llm": "ok"}, 200, True), ({"graph": "ok", "llm": BROKEN_LLM}, 503, False)],
)
def test_production_readiness_tells_the_public_only_ready_or_not(
    database_url: str, checks: dict[str, str], status: int, ready: bool
) -> None:
    with running(production(database_url), checks) as client:
        for headers in ({}, bearer("customer"), bearer("agent"), {"Authorization": "Bearer forged"}):
            response = client.get("/api/ready", headers=headers)
            assert response.status_code == status, headers
            assert response.json() == {"ready": ready, "checks": {}}, headers
        admin = client.get("/api/ready", headers=bearer("admin"))
        assert admin.status_code == status
        assert admin.json() == {"ready": ready, "checks": {"database": "ok", **checks}}


def test_readiness_details_stay_public_outside_production_or_when_enabled(database_url: str) -> None:
    checks = {"graph": "ok", "llm": BROKEN_LLM}
    expected = {"ready": False, "checks": {"database": "ok", **checks}}
    with running(Settings(env="test", database_url=database_url), checks) as client:
        assert client.get("/api/ready").json() == expected
    enabled = production(database_url, ops=OpsSettings(readiness_details=True))
    with running(enabled, checks) as client:
        assert client.get("/api/ready").json() == expected


def test_production_metrics_need_the_token(database_url: str) -> None:
    with running(production(database_url)) as client:
        response = client.get("/metrics")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    with running(production(database_url, ops=OpsSettings(metrics_token=METRICS_TOKEN))) as client:
        no_scheme = {"Authorization": METRICS_TOKEN}  # the token without the Bearer scheme
        for headers in ({}, {"Authorization": "Bearer wrong"}, no_scheme, bearer("admin")):
            refused = client.get("/metrics", headers=headers)
            assert refused.status_code == 401, headers
            assert refused.json()["error"]["code"] == "unauthorized"
            assert refused.headers["www-authenticate"] == "Bearer"
        scraped = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert scraped.status_code == 200
        assert "csagent_http_request_duration_seconds_bucket" in scraped.text


def test_metrics_are_open_in_development_until_a_token_is_set(database_url: str) -> None:
    with running(Settings(env="development", database_url=database_url)) as client:
        assert client.get("/metrics").status_code == 200
    token = OpsSettings(metrics_token=METRICS_TOKEN)
    with running(Settings(env="development", database_url=database_url, ops=token)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).status_code == 200


DOCS = ("/api/docs", "/api/v1/openapi.json")


def test_api_docs_are_off_in_production_unless_enabled(database_url: str) -> None:
    with running(production(database_url)) as client:
        for path in (*DOCS, "/api/redoc", "/docs", "/redoc", "/openapi.json"):
            response = client.get(path)
            assert response.status_code == 404, path
    with running(production(database_url, ops=OpsSettings(api_docs=True))) as client:
        for path in DOCS:
            assert client.get(path).status_code == 200, path
    with running(Settings(env="development", database_url=database_url)) as client:
        assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "csagent API"
        assert client.get("/api/docs").status_code == 200
