"""`csagent admin token` and `csagent models …` against the real app (in-process), on SQLite and PostgreSQL: the
token made from the install's secret works, the tables print, a refused promote prints the gate's comparison,
and `models eval` scores a version through the real graph and stores the figures."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from serve.app import create_app
from serve.cli import build_parser
from serve.cli_admin import mint_admin_token
from serve.cli_models import AdminError, Transport, run_models
from serve.settings import Settings
from tests.integration.test_admin_models import _clear_lifecycle


@pytest.fixture
def app_client(settings: Settings, graph: LocalHandle) -> Iterator[TestClient]:
    asyncio.run(_clear_lifecycle(settings.resolved_database_url))
    with TestClient(create_app(settings, graph)) as client:
        yield client
    asyncio.run(_clear_lifecycle(settings.resolved_database_url))  # no rollout left for other tests to meet


def _transport(client: TestClient, token: str) -> Transport:
    def call(method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        response = client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.json()

    return call


def _run(settings: Settings, transport: Transport, *argv: str) -> int:
    args = build_parser().parse_args(["models", *argv])
    return run_models(args, settings, transport)


def test_admin_token_signs_in_as_the_one_admin(settings: Settings, app_client: TestClient) -> None:
    token = asyncio.run(mint_admin_token(settings))
    again = asyncio.run(mint_admin_token(settings, ttl_s=3600))
    me = app_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "admin"
    assert app_client.get("/api/v1/me", headers={"Authorization": f"Bearer {again}"}).json()["id"] == me["id"]
    assert (
        app_client.get("/api/v1/admin/models", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )


def test_the_lifecycle_from_the_command_line(
    settings: Settings, app_client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    transport = _transport(app_client, asyncio.run(mint_admin_token(settings)))
    assert _run(settings, transport, "list") == 0
    listing = capsys.readouterr().out
    assert listing.splitlines()[0].split()[:5] == ["engine", "version", "kind", "stage", "traffic"]
    assert any(
        line.split()[:5] == ["grounded", "1.1", "grounded", "available", "0%"]
        for line in listing.splitlines()
    )

    assert _run(settings, transport, "canary", "grounded@1.1", "25", "--reason", "try shorter answers") == 0
    assert any(
        line.split()[:5] == ["grounded", "1.1", "grounded", "canary", "25%"]
        for line in capsys.readouterr().out.splitlines()
    )

    assert _run(settings, transport, "promote", "grounded@1.1") == 1
    refused = capsys.readouterr().out
    assert "promote refused: grounded@1.1 was never evaluated" in refused
    assert "key_fact_accuracy" in refused and "FAIL" in refused

    with pytest.raises(AdminError, match="--force needs --reason"):
        _run(settings, transport, "promote", "grounded@1.1", "--force")
    with pytest.raises(
        AdminError, match="422 validation_error.*percent: Input should be greater than or equal to 1"
    ):
        _run(settings, transport, "canary", "grounded@1.1", "0")

    assert _run(settings, transport, "status") == 0
    status = capsys.readouterr().out
    assert "25% of new conversations" in status
    assert "grounded: live 1.0 (75%), canary 1.1 (25%)" in status
    assert "canary" in status.split("recent actions:")[1] and "try shorter answers" in status

    assert _run(settings, transport, "rollback", "grounded") == 0
    capsys.readouterr()
    assert _run(settings, transport, "status", "--audit", "0") == 0
    assert capsys.readouterr().out.strip() == "grounded: live 1.0 (100%), no canary"


def test_eval_scores_a_version_and_stores_them(
    settings: Settings, app_client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    transport = _transport(app_client, asyncio.run(mint_admin_token(settings)))
    assert _run(settings, transport, "eval", "grounded@1.1", "--sample", "6") == 0
    out = capsys.readouterr().out
    assert "evaluating grounded@1.1 on 6 items" in out and "scores stored for grounded@1.1 (6 items)" in out
    token = transport  # the same admin reads them back through the API
    status, body = token("GET", "/api/v1/admin/models", None)
    assert status == 200
    row = next(r for r in body["engines"] if (r["name"], r["version"]) == ("grounded", "1.1"))
    assert row["scores"]["items"] == 6 and 0.0 <= row["scores"]["key_fact_accuracy"] <= 1.0
    assert set(row["scores"]["figures"]) >= {"refuse_recall", "intent_accuracy", "latency_p50_ms"}
