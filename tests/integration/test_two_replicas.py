"""Two ingress apps in one process sharing PostgreSQL and Redis: a conversation's events reach every socket,
whichever app holds it, and replay-by-seq stays exact.

This checks the Redis fan-out only. Failover between replicas is tested where it really happens: leases between
separate replicas with a moved clock in test_recovery.py, and a killed ingress replica of the real Serve app in
tests/e2e/test_failover.py."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from serve.app import create_app
from serve.settings import Settings
from tests.conftest import make_settings
from tests.factories import conversation, guest

pytestmark = pytest.mark.postgres
REDIS_URL = os.environ.get("CSAGENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def replicas(postgres_url: str, graph: LocalHandle) -> Iterator[tuple[TestClient, TestClient]]:

    settings: Settings = make_settings(postgres_url, redis_url=REDIS_URL)
    with TestClient(create_app(settings, graph)) as one, TestClient(create_app(settings, graph)) as two:
        yield one, two


def _reply(ws: Any) -> list[dict[str, Any]]:
    events = []
    while True:
        event = ws.receive_json()
        events.append(event)
        if (
            event["type"] == "message"
            and event["message"]["role"] == "assistant"
            and event["message"]["status"] != "streaming"
        ):
            return events


def test_events_cross_replicas(replicas: tuple[TestClient, TestClient]) -> None:
    one, two = replicas
    session = guest(one)
    chat = conversation(one, session)
    token = session["access_token"]
    with (
        one.websocket_connect(f"/api/v1/ws?token={token}") as tab_one,
        two.websocket_connect(f"/api/v1/ws?token={token}") as tab_two,
    ):
        for tab in (tab_one, tab_two):
            tab.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0})
            tab.send_json({"type": "ping"})
            assert tab.receive_json() == {"type": "pong"}
        tab_one.send_json(
            {
                "type": "message.send",
                "conversation_id": chat["id"],
                "client_message_id": str(uuid.uuid4()),
                "content": "How do I reset my password?",
            }
        )
        on_one = _reply(tab_one)
        on_two = _reply(tab_two)
    assert on_one[0]["type"] == "message.ack"
    assert [e["message"]["seq"] for e in on_two if e["type"] == "message"] == [1, 2]
    assert [e["index"] for e in on_two if e["type"] == "assistant.delta"] == [
        e["index"] for e in on_one if e["type"] == "assistant.delta"
    ]
    assert on_one[-1]["message"] == on_two[-1]["message"]
    # A reconnect to the other replica replays exactly what was missed.
    with two.websocket_connect(f"/api/v1/ws?token={token}") as again:
        again.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 1})
        replayed = again.receive_json()
        again.send_json({"type": "ping"})
        assert again.receive_json() == {"type": "pong"}
    assert replayed["message"]["seq"] == 2


def test_readiness_includes_redis(replicas: tuple[TestClient, TestClient]) -> None:
    one, _ = replicas
    assert one.get("/api/ready").json()["checks"]["redis"] == "ok"
