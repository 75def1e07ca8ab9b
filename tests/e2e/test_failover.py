"""Failover end to end: the real Serve app with two ingress replicas on PostgreSQL and Redis; one replica is killed
(`ray.kill`) while replies stream to several WebSocket clients.

The clients behave like the UI: each sends messages with a `client_message_id`, and when its socket drops it
reconnects through Serve's proxy (to the surviving replica), subscribes with the last `seq` it holds and resends a
message that was never acknowledged. The turns the killed replica was running are left to the sweepers, with a
short lease (`chat.reply_lease_s`, a setting). At the end the REST history of every conversation must hold each
acknowledged message once with exactly one complete reply, and what the clients were shown must match it.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, WebSocketException

from serve.storage.db import create_engine
from serve.storage.tables import Message
from tests.factories import free_port

pytestmark = [pytest.mark.serve, pytest.mark.slow, pytest.mark.postgres]

REDIS_URL = os.environ.get("CSAGENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CLIENTS = 8
LEASE_S = 3.0
QUESTIONS = [
    "How do I reset my password?",
    "Apex CPU time limit exceeded, what can I do?",
    "How can I import 20,000 contacts from a CSV file?",
    "What is the difference between a profile and a permission set?",
    "How do I refresh a sandbox and how often can I do it?",
    "Emails sent to our support address are not creating cases",
]
INGRESS_PREFIX = "SERVE_REPLICA::csagent#ingress#"


@pytest.fixture(scope="module")
def two_ingress_replicas(prepared: None, postgres_url: str) -> Iterator[str]:
    """The application from `build_app` with two ingress replicas, on PostgreSQL and Redis; yields host:port."""
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray
    from ray import serve

    from serve.builder import build_app
    from serve.settings import get_settings

    base = get_settings()
    port = free_port()
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        _temp_dir=str(Path("/tmp") / f"csagent-failover-{uuid.uuid4().hex[:6]}"),
        log_to_driver=False,
    )
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        chat = {**base.chat.model_dump(mode="json"), "reply_lease_s": LEASE_S, "sweep_interval_s": 0.5}
        limits = {**base.rate_limit.model_dump(mode="json"), "enabled": False}
        app = build_app(
            {
                "deployments": {"ingress": {"num_replicas": 2}},
                "settings": {
                    "env": "test",
                    "database_url": postgres_url,
                    "redis_url": REDIS_URL,
                    "chat": chat,
                    "rate_limit": limits,
                },
            }
        )
        serve.run(app, name="csagent", route_prefix="/")
        _wait_for(lambda: len(_ingress_replicas()) == 2, "two ingress replicas", 120)
        yield f"127.0.0.1:{port}"
    finally:
        serve.shutdown()  # type: ignore[no-untyped-call]
        ray.shutdown()


def _wait_for(check: Callable[[], bool], what: str, bound_s: float) -> None:
    deadline = time.monotonic() + bound_s
    while not check():
        assert time.monotonic() < deadline, f"not within {bound_s} s: {what}"
        time.sleep(0.5)


def _ingress_replicas() -> list[str]:
    """Names of the live ingress replica actors (Serve names them SERVE_REPLICA::<app>#<deployment>#<id>)."""
    import ray

    return sorted(
        actor["name"]
        for actor in ray.util.list_named_actors(all_namespaces=True)
        if actor["namespace"] == "serve" and actor["name"].startswith(INGRESS_PREFIX)
    )


def _kill_one_ingress_replica() -> str:
    import ray

    name = _ingress_replicas()[0]
    ray.kill(ray.get_actor(name, namespace="serve"), no_restart=True)
    return name


@dataclass
class ChatClient:
    """One user with one conversation over a WebSocket that reconnects and resumes like the UI."""

    address: str
    token: str
    conversation_id: str
    number: int
    ws: ClientConnection | None = None
    acked: dict[str, int] = field(default_factory=dict)  # client_message_id -> seq of the stored user message
    settled: dict[int, dict[str, Any]] = field(default_factory=dict)  # seq -> settled message as shown
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)  # a seq shown with two contents
    drops: int = 0
    resumed_after: list[int] = field(default_factory=list)
    resends: int = 0
    answered: int = 0

    def resume_point(self) -> int:
        """The last seq up to which this client holds every settled message."""
        seq = 0
        while seq + 1 in self.settled:
            seq += 1
        return seq

    def in_flight(self, cid: str) -> bool:
        return self.acked[cid] + 1 not in self.settled

    async def _connect(self) -> ClientConnection:
        ws = await connect(f"ws://{self.address}/api/v1/ws?token={self.token}", open_timeout=10)
        after = self.resume_point()
        await ws.send(
            json.dumps({"type": "subscribe", "conversation_id": self.conversation_id, "after_seq": after})
        )
        if self.drops:
            self.resumed_after.append(after)
        return ws

    def _take(self, event: dict[str, Any]) -> None:
        if event["type"] == "message.ack":
            self.acked[event["client_message_id"]] = event["message"]["seq"]
            self.settled[event["message"]["seq"]] = event["message"]
        if event["type"] == "message" and event["message"]["status"] != "streaming":
            message = event["message"]
            shown = self.settled.get(message["seq"])
            if shown is not None and shown["content"] != message["content"]:
                self.conflicts.append((message["seq"], shown["content"], message["content"]))
            self.settled[message["seq"]] = message

    async def exchange(self, content: str) -> None:
        """Send one message and return once its reply is held, across any number of dropped sockets."""
        cid = str(uuid.uuid4())
        frame = json.dumps(
            {
                "type": "message.send",
                "conversation_id": self.conversation_id,
                "client_message_id": cid,
                "content": content,
            }
        )
        sent_on: ClientConnection | None = None
        while True:
            try:
                if self.ws is None:
                    self.ws = await self._connect()
                if cid not in self.acked and sent_on is not self.ws:
                    self.resends += sent_on is not None
                    await self.ws.send(frame)
                    sent_on = self.ws
                while not (cid in self.acked and self.acked[cid] + 1 in self.settled):
                    event = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
                    self._take(event)
                    if event["type"] == "error" and event.get("client_message_id") == cid:
                        sent_on = None  # refused (not stored): send it again
                        break
                else:
                    self.answered += 1
                    return
            except (WebSocketException, InvalidHandshake, OSError, TimeoutError):
                if self.ws is not None:
                    self.drops += 1
                    await self.ws.close()
                self.ws = None
                await asyncio.sleep(0.2)

    async def run(self, stop: asyncio.Event) -> None:
        turn = self.number
        while not stop.is_set():
            await self.exchange(QUESTIONS[turn % len(QUESTIONS)])
            turn += 1
        if self.ws is not None:
            await self.ws.close()


async def _client(http: httpx.AsyncClient, address: str, number: int) -> ChatClient:
    session = (await http.post("/api/v1/auth/guest", json={})).json()
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    chat = (await http.post("/api/v1/conversations", json={}, headers=headers)).json()
    return ChatClient(address, session["access_token"], chat["id"], number)


async def _history(http: httpx.AsyncClient, client: ChatClient) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {client.token}"}
    items: list[dict[str, Any]] = []
    while True:
        page = (
            await http.get(
                f"/api/v1/conversations/{client.conversation_id}/messages",
                params={"after_seq": items[-1]["seq"] if items else 0, "limit": 200},
                headers=headers,
            )
        ).json()
        items += page["items"]
        if not page["has_more"]:
            return items


async def _until(check: Callable[[], bool], what: str, bound_s: float) -> None:
    deadline = time.monotonic() + bound_s
    while not check():
        assert time.monotonic() < deadline, f"not within {bound_s} s: {what}"
        await asyncio.sleep(0.02)


@dataclass
class Outcome:
    clients: list[ChatClient]
    histories: list[list[dict[str, Any]]]
    killed: str
    in_flight_at_kill: int
    recovery_s: float


async def _load_with_a_kill(address: str) -> Outcome:
    async with httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as http:
        clients = [await _client(http, address, n) for n in range(CLIENTS)]
        stop = asyncio.Event()
        tasks = [asyncio.create_task(client.run(stop)) for client in clients]
        try:
            await _until(lambda: all(c.answered >= 1 for c in clients), "every client answered once", 90)

            def in_flight() -> int:
                return sum(1 for c in clients for cid in c.acked if c.in_flight(cid))

            # Kill while replies stream: with the sockets spread over both replicas and all but two of the clients
            # waiting for a reply, the killed replica is running turns it will never finish.
            await _until(lambda: in_flight() >= CLIENTS - 2, "replies streaming", 60)
            at_kill = in_flight()
            waiting = [(c, cid) for c in clients for cid in c.acked if c.in_flight(cid)]
            killed_at = time.monotonic()
            killed = await asyncio.to_thread(_kill_one_ingress_replica)
            answered = [c.answered for c in clients]
            await _until(
                lambda: not any(c.in_flight(cid) for c, cid in waiting),
                "the replies streaming at the kill",
                90,
            )
            recovery_s = time.monotonic() - killed_at
            await _until(
                lambda: all(c.answered >= a + 2 for c, a in zip(clients, answered, strict=True)),
                "two more replies for every client after the kill",
                90,
            )
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks), 60)
        finally:
            for task in tasks:
                task.cancel()
        histories = [await _history(http, client) for client in clients]
    return Outcome(clients, histories, killed, at_kill, recovery_s)


async def _recovered_replies(postgres_url: str, conversation_ids: list[str]) -> int:
    engine = create_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            metas = (
                await connection.execute(
                    select(Message.meta).where(
                        Message.role == "assistant",
                        Message.conversation_id.in_([uuid.UUID(c) for c in conversation_ids]),
                    )
                )
            ).scalars()
            return sum(1 for meta in metas if meta.get("recovered"))
    finally:
        await engine.dispose()


def test_killing_an_ingress_replica_loses_and_duplicates_nothing(
    two_ingress_replicas: str, postgres_url: str
) -> None:
    outcome = asyncio.run(_load_with_a_kill(two_ingress_replicas))
    assert outcome.killed not in _ingress_replicas()

    dropped = [c for c in outcome.clients if c.drops]
    assert 0 < len(dropped) < CLIENTS, "the killed replica held some of the sockets, the other the rest"
    assert all(c.resumed_after and min(c.resumed_after) > 0 for c in dropped), "they resumed with after_seq"

    acknowledged = answered = 0
    for client, history in zip(outcome.clients, outcome.histories, strict=True):
        by_seq = {m["seq"]: m for m in history}
        assert [m["seq"] for m in history] == list(range(1, len(history) + 1))
        users = [m for m in history if m["role"] == "user"]
        assert Counter(m["client_message_id"] for m in users) == Counter(set(client.acked)), (
            "each stored once"
        )
        assert len([m for m in history if m["role"] == "assistant"]) == len(users), "one reply per message"
        for cid, seq in client.acked.items():
            acknowledged += 1
            assert by_seq[seq]["client_message_id"] == cid
            reply = by_seq[seq + 1]
            assert reply["role"] == "assistant" and reply["status"] == "complete" and reply["content"]
            assert client.settled[seq + 1]["content"] == reply["content"], "what the client was shown"
            answered += 1
        assert client.conflicts == [], "no reply was shown with two different texts"
    assert answered == acknowledged >= 3 * CLIENTS

    recovered = asyncio.run(_recovered_replies(postgres_url, [c.conversation_id for c in outcome.clients]))
    assert recovered >= 1, "the killed replica's unfinished turns were finished by a sweeper"
    print(
        f"failover: {acknowledged} acknowledged, {answered} answered, {len(dropped)} sockets dropped, "
        f"{outcome.in_flight_at_kill} in flight at the kill, {recovered} finished by a sweeper, "
        f"all of them answered {outcome.recovery_s:.1f} s after the kill"
    )
