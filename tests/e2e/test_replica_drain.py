"""A rolling redeploy drains the ingress replicas for real: sockets are told to reconnect (1012), never dropped.

The real Serve app on a local Ray cluster, PostgreSQL and Redis, with two ingress replicas, deployed from the config
(`import_path` serve.builder:build_app) the way `serve run config.yaml` and `serve deploy` do. While clients chat
(they reconnect and resume like the UI: subscribe with their last `seq`, resend what was never acknowledged), the
ingress is redeployed with another environment variable: Serve replaces both ingress replicas one at a time and
leaves the other deployments alone. Each replica being stopped closes its sockets with 1012 and hands its
unfinished turns over (`chat.drain_timeout_s` is 0 here, so every turn still running at the stop is handed over and
a sweeper of the other replica runs it at once; the lease, 60 s, and the sweep interval, 60 s, are both longer
than the test waits, so a turn that was not handed over would not be answered in time).

At the end every client was closed with 1012 only (a killed replica would show 1006), every acknowledged message
has exactly one complete reply, and what the clients were shown matches storage.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from websockets.asyncio.client import ClientConnection

from models.config import PROJECT_ROOT
from tests.e2e.test_failover import ChatClient, _history, _recovered_replies, _until
from tests.factories import free_port

pytestmark = [pytest.mark.serve, pytest.mark.slow, pytest.mark.postgres]

# A Redis database of its own: other e2e clusters' keys and pub/sub stay apart.
REDIS_URL = os.environ.get("CSAGENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/4"
CLIENTS = 6
CLOSE_RESTARTING = 1012


def _config(port: int, database_url: str, build: str) -> dict[str, Any]:
    """The shipped config/serve.yaml with two ingress replicas; `build` is an env var of the ingress replicas only,
    so a new value replaces them and no other deployment."""
    config: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "config" / "serve.yaml").read_text())
    config["http_options"]["port"] = port
    app = config["applications"][0]
    app["args"] = {
        "settings": {
            "env": "test",
            "database_url": database_url,
            "redis_url": REDIS_URL,
            "chat": {"reply_lease_s": 60.0, "sweep_interval_s": 60.0, "drain_timeout_s": 0.0},
            "rate_limit": {"enabled": False},
        },
        # build_app binds config/serve.yaml's options first: without autoscaling there, the count below holds.
        "deployments": {"ingress": {"num_replicas": 2}},
    }
    (ingress,) = (d for d in app["deployments"] if d["name"] == "ingress")
    ingress.pop("autoscaling_config")
    ingress["num_replicas"] = 2
    ingress["ray_actor_options"] = {
        **ingress["ray_actor_options"],
        "runtime_env": {"env_vars": {"BUILD": build}},
    }
    return config


class Cluster:
    """A local Ray cluster with Serve on `port`; `deploy` applies a config as `serve run config.yaml` does."""

    def __init__(self, port: int, database_url: str) -> None:
        self.port, self.database_url = port, database_url

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def deploy(self, build: str) -> None:
        from ray.serve.context import _get_global_client
        from ray.serve.schema import ServeDeploySchema

        client = _get_global_client()
        assert client is not None
        client.deploy_apps(ServeDeploySchema.model_validate(_config(self.port, self.database_url, build)))

    def application(self) -> dict[str, Any]:
        """The application's details (the public ServeInstanceDetails schema)."""
        from ray.serve.context import _get_global_client

        client = _get_global_client()
        assert client is not None
        app: dict[str, Any] = client.get_serve_details()["applications"].get("csagent") or {}
        return app

    def ingress_replicas(self, state: str = "RUNNING") -> set[str]:
        replicas = self.application().get("deployments", {}).get("ingress", {}).get("replicas", [])
        return {r["replica_id"] for r in replicas if r["state"] == state}

    def running(self) -> bool:
        return bool(self.application().get("status") == "RUNNING")


@pytest.fixture(scope="module")
def cluster(prepared: None, postgres_url: str) -> Iterator[Cluster]:
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray
    from ray import serve

    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        _temp_dir=str(Path("/tmp") / f"csagent-drain-{uuid.uuid4().hex[:6]}"),
        log_to_driver=False,
    )
    try:
        port = free_port()
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        cluster = Cluster(port, postgres_url)
        cluster.deploy("1")
        _wait(lambda: cluster.running() and len(cluster.ingress_replicas()) == 2, "two ingress replicas", 150)
        yield cluster
    finally:
        serve.shutdown()  # type: ignore[no-untyped-call]
        ray.shutdown()


def _wait(check: Callable[[], bool], what: str, bound_s: float) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < bound_s, f"not within {bound_s} s: {what}"
        time.sleep(0.5)
    return time.monotonic() - started


class DrainClient(ChatClient):
    """A ChatClient that keeps each of its connections, to read how the server closed them."""

    connections: list[ClientConnection]

    async def _connect(self) -> ClientConnection:
        ws = await super()._connect()
        self.connections = [*getattr(self, "connections", []), ws]
        return ws

    def server_close_codes(self) -> list[int | None]:
        """The close code of every connection that ended before the last (1006: it broke without a close frame)."""
        ended = self.connections[:-1]  # the last one is open, or closed by the client itself at the end
        return [ws.close_code for ws in ended]


async def _client(http: httpx.AsyncClient, address: str, number: int) -> DrainClient:
    session = (await http.post("/api/v1/auth/guest", json={})).json()
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    chat = (await http.post("/api/v1/conversations", json={}, headers=headers)).json()
    return DrainClient(address, session["access_token"], chat["id"], number)


async def _chat_through_a_redeploy(
    cluster: Cluster,
) -> tuple[list[DrainClient], list[list[dict[str, Any]]], float]:
    async with httpx.AsyncClient(base_url=f"http://{cluster.address}", timeout=30) as http:
        clients = [await _client(http, cluster.address, n) for n in range(CLIENTS)]
        stop = asyncio.Event()
        tasks = [asyncio.create_task(client.run(stop)) for client in clients]
        try:
            await _until(lambda: all(c.answered >= 1 for c in clients), "every client answered once", 60)

            def in_flight() -> int:
                return sum(1 for c in clients for cid in c.acked if c.in_flight(cid))

            await _until(lambda: in_flight() >= CLIENTS // 2, "replies streaming", 30)
            old = await asyncio.to_thread(cluster.ingress_replicas)
            started = time.monotonic()
            await asyncio.to_thread(cluster.deploy, "2")

            def replaced() -> bool:
                new = cluster.ingress_replicas()
                return len(new) == 2 and not new & old and cluster.running()

            while not await asyncio.to_thread(replaced):
                assert time.monotonic() - started < 120, "both ingress replicas replaced within 120 s"
                await asyncio.sleep(0.5)
            rollout_s = time.monotonic() - started
            answered = [c.answered for c in clients]
            await _until(
                lambda: all(c.answered >= a + 1 for c, a in zip(clients, answered, strict=True)),
                "one more reply for every client on the new replicas",
                45,
            )
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks), 45)
        finally:
            for task in tasks:
                task.cancel()
        histories = [await _history(http, client) for client in clients]
    return clients, histories, rollout_s


def test_a_rolling_redeploy_tells_every_socket_to_reconnect_and_answers_every_message_once(
    cluster: Cluster, postgres_url: str
) -> None:
    clients, histories, rollout_s = asyncio.run(_chat_through_a_redeploy(cluster))

    codes = Counter(code for client in clients for code in client.server_close_codes())
    assert all(client.drops >= 1 for client in clients), "every socket was on a replaced replica"
    assert set(codes) == {CLOSE_RESTARTING}, f"sockets were told to reconnect, never cut off: {codes}"
    assert all(c.resumed_after and min(c.resumed_after) > 0 for c in clients), "they resumed with after_seq"

    acknowledged = 0
    for client, history in zip(clients, histories, strict=True):
        by_seq = {m["seq"]: m for m in history}
        users = [m for m in history if m["role"] == "user"]
        assert Counter(m["client_message_id"] for m in users) == Counter(set(client.acked)), (
            "each stored once"
        )
        assert len([m for m in history if m["role"] == "assistant"]) == len(users), "one reply per message"
        for seq in client.acked.values():
            acknowledged += 1
            reply = by_seq[seq + 1]
            assert reply["role"] == "assistant" and reply["status"] == "complete" and reply["content"]
            assert client.settled[seq + 1]["content"] == reply["content"], "what the client was shown"
        assert client.conflicts == [], "no reply was shown with two different texts"

    handed_over = asyncio.run(_recovered_replies(postgres_url, [c.conversation_id for c in clients]))
    print(
        f"replica drain: both ingress replicas replaced in {rollout_s:.1f} s; {acknowledged} messages acknowledged "
        f"and answered once; {sum(codes.values())} sockets closed with 1012 ({sum(c.resends for c in clients)} "
        f"resends); {handed_over} turns handed over and finished by the other replica"
    )
