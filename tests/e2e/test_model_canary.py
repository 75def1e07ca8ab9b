"""End to end: a canary on the real Serve application. The ingress routes a conversation to grounded@1.1 through
the graph and llm deployments' handles, sticky per conversation; a rollback takes all traffic back; no turn fails.

It prints the two figures of issue 9 (time from `canary` to the first reply by the new version, time for a
rollback to take all traffic); they are measured here, not asserted."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from serve.chat.model_router import bucket
from tests.factories import SOQL_QUESTION, free_port

pytestmark = [pytest.mark.serve, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, prepared: None) -> Iterator[tuple[str, str]]:
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray
    from ray import serve

    from serve.builder import build_app

    port = free_port()
    database = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('canary') / 'canary.db'}"
    temp_dir = Path("/tmp") / f"csagent-e2e-{uuid.uuid4().hex[:6]}"
    ray.init(
        address="local", num_cpus=2, include_dashboard=False, _temp_dir=str(temp_dir), log_to_driver=False
    )
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        app = build_app({"settings": {"database_url": database, "env": "test"}})
        serve.run(app, name="csagent", route_prefix="/")
        yield f"http://127.0.0.1:{port}", database
    finally:
        serve.shutdown()  # type: ignore[no-untyped-call]
        ray.shutdown()


def _reply_version(http: httpx.Client, headers: dict[str, str], chat: str) -> str:
    body = {"content": SOQL_QUESTION, "client_message_id": str(uuid.uuid4())}
    response = http.post(f"/api/v1/conversations/{chat}/messages", json=body, headers=headers)
    assert response.status_code == 200, response.text
    reply = response.json()["reply"]
    assert reply["status"] == "complete", reply
    assert reply["meta"]["model"]["name"] == "grounded"
    return str(reply["meta"]["model"]["version"])


def _new_chat(http: httpx.Client, headers: dict[str, str], *, canary: bool, percent: int) -> str:
    while True:
        chat = str(http.post("/api/v1/conversations", json={}, headers=headers).json()["id"])
        if (bucket(chat) < percent) == canary:
            return chat


def test_canary_sticky_and_rollback_through_the_real_deployments(cluster: tuple[str, str]) -> None:
    from serve.cli_admin import mint_admin_token
    from serve.settings import Settings

    base, database = cluster
    admin = {
        "Authorization": "Bearer "
        + asyncio.run(mint_admin_token(Settings(env="test", database_url=database)))
    }
    with httpx.Client(base_url=base, timeout=60) as http:
        deadline = time.monotonic() + 90
        while http.get("/api/ready").status_code != 200:
            assert time.monotonic() < deadline, http.get("/api/ready").text
            time.sleep(0.5)
        session = http.post("/api/v1/auth/guest", json={}).json()
        user = {"Authorization": f"Bearer {session['access_token']}"}
        before = _new_chat(http, user, canary=False, percent=50)
        assert _reply_version(http, user, before) == "1.0"

        started = time.monotonic()
        body = {"name": "grounded", "version": "1.1", "percent": 50}
        assert http.post("/api/v1/admin/models/canary", json=body, headers=admin).status_code == 200
        on_canary = _new_chat(http, user, canary=True, percent=50)
        versions: list[str] = []
        while (
            not versions or versions[-1] != "1.1"
        ):  # the ingress's cache holds the old weights for up to 1.5 s
            versions.append(_reply_version(http, user, _new_chat(http, user, canary=True, percent=50)))
            assert time.monotonic() - started < 30, versions
        to_canary = time.monotonic() - started
        assert _reply_version(http, user, on_canary) == "1.1"
        on_live = _new_chat(http, user, canary=False, percent=50)
        assert [_reply_version(http, user, chat) for chat in (on_live, on_canary, on_live, before)] == [
            "1.0",
            "1.1",
            "1.0",
            "1.0",
        ]

        started = time.monotonic()
        assert (
            http.post("/api/v1/admin/models/rollback", json={"name": "grounded"}, headers=admin).status_code
            == 200
        )
        while _reply_version(http, user, on_canary) != "1.0":
            assert time.monotonic() - started < 30
        to_rollback = time.monotonic() - started
        assert _reply_version(http, user, on_canary) == "1.0"
        print(f"\ncanary → first reply by 1.1: {to_canary:.2f} s; rollback → all on 1.0: {to_rollback:.2f} s")


def test_the_models_command_over_http(cluster: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """`csagent models status` as a script runs it: real HTTP to the Serve app, the token from `admin token`."""
    from serve.cli import build_parser
    from serve.cli_admin import mint_admin_token
    from serve.cli_models import AdminError, http_transport, run_models
    from serve.settings import Settings

    base, database = cluster
    settings = Settings(env="test", database_url=database)
    transport = http_transport(base, asyncio.run(mint_admin_token(settings)))
    assert run_models(build_parser().parse_args(["models", "status"]), settings, transport) == 0
    out = capsys.readouterr().out
    assert out.startswith("grounded: live 1.0 (100%), no canary")
    assert "rollback" in out.split("recent actions:")[1]
    refused = http_transport(base, "not-a-token")
    with pytest.raises(AdminError, match="401 invalid_token.*csagent admin token"):
        run_models(build_parser().parse_args(["models", "list"]), settings, refused)
