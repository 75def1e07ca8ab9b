"""Locust scenarios for csagent: REST users and WebSocket chat users, with steady, spike and soak shapes.

    locust -f loadtests/locustfile.py --host http://127.0.0.1:8000                 # web UI
    CSAGENT_SCENARIO=spike locust -f loadtests/locustfile.py --headless --host …   # a shape, headless

Chat users report their own phases as Locust request events (type "WS"): `ack` (stored and acknowledged),
`first_delta` (time to first token) and `complete` (final message), so they appear in Locust's stats and CSV.
This module is only ever imported by Locust (gevent); never import it from the app or from pytest.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from typing import Any

import websocket
from locust import HttpUser, LoadTestShape, User, between, events, task

QUESTIONS = [
    "I get 'System.LimitException: Too many SOQL queries: 101' in my trigger, how do I fix it?",
    "How do I reset my password?",
    "Apex CPU time limit exceeded, what can I do?",
    "How do I set up multi-factor authentication?",
    "My flow fails with an unhandled fault",
    "How can I import contacts from a CSV file?",
    "What is the difference between a profile and a permission set?",
    "Agents are not receiving work in Omni-Channel",
    "How often can I refresh a full sandbox?",
    "We hit REQUEST_LIMIT_EXCEEDED on the API",
]


class RestUser(HttpUser):
    """Guest start, a conversation, blocking message sends and history reads."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        session = self.client.post("/api/v1/auth/guest", json={}, name="/api/v1/auth/guest").json()
        self.headers = {"Authorization": f"Bearer {session['access_token']}"}
        conversation = self.client.post(
            "/api/v1/conversations", json={}, headers=self.headers, name="/api/v1/conversations"
        )
        self.conversation_id = conversation.json()["id"]

    @task(3)
    def send_message(self) -> None:
        body = {"content": random.choice(QUESTIONS), "client_message_id": str(uuid.uuid4())}
        self.client.post(
            f"/api/v1/conversations/{self.conversation_id}/messages",
            json=body,
            headers=self.headers,
            name="/api/v1/conversations/{id}/messages [send]",
        )

    @task(2)
    def read_history(self) -> None:
        self.client.get(
            f"/api/v1/conversations/{self.conversation_id}/messages",
            headers=self.headers,
            name="/api/v1/conversations/{id}/messages [list]",
        )

    @task(1)
    def list_conversations(self) -> None:
        self.client.get("/api/v1/conversations", headers=self.headers, name="/api/v1/conversations [list]")


class ChatUser(User):
    """A chat user on a real WebSocket: subscribe, send, read the stream, time each phase."""

    weight = 3
    wait_time = between(2, 5)

    def _fire(self, name: str, started: float, error: Exception | None = None, length: int = 0) -> None:
        events.request.fire(
            request_type="WS",
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=length,
            exception=error,
            context={},
        )

    def on_start(self) -> None:
        import requests

        host = self.host or "http://127.0.0.1:8000"
        session = requests.post(f"{host}/api/v1/auth/guest", json={}, timeout=30).json()
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        self.conversation_id = requests.post(
            f"{host}/api/v1/conversations", json={}, headers=headers, timeout=30
        ).json()["id"]
        started = time.perf_counter()
        self.ws = websocket.create_connection(
            host.replace("http", "ws", 1) + f"/api/v1/ws?token={session['access_token']}", timeout=60
        )
        self.ws.send(
            json.dumps({"type": "subscribe", "conversation_id": self.conversation_id, "after_seq": 0})
        )
        self._fire("connect+subscribe", started)

    def on_stop(self) -> None:
        self.ws.close()

    def _receive(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.ws.recv())
        return event

    @task
    def chat_turn(self) -> None:
        cid = str(uuid.uuid4())
        started = time.perf_counter()
        frame = {
            "type": "message.send",
            "conversation_id": self.conversation_id,
            "client_message_id": cid,
            "content": random.choice(QUESTIONS),
        }
        try:
            self.ws.send(json.dumps(frame))
            acked = first_delta = False
            while True:
                event = self._receive()
                if event["type"] == "message.ack" and event.get("client_message_id") == cid and not acked:
                    acked = True
                    self._fire("ack", started)
                elif event["type"] == "assistant.delta" and not first_delta:
                    first_delta = True
                    self._fire("first_delta", started)
                elif event["type"] == "error":
                    raise RuntimeError(f"{event['code']}: {event['message']}")
                elif (
                    event["type"] == "message"
                    and event["message"]["role"] == "assistant"
                    and event["message"]["status"] != "streaming"
                ):
                    self._fire("complete", started, length=len(event["message"]["content"]))
                    return
        except Exception as exc:  # recorded as a failed request; the user reconnects
            self._fire("complete", started, error=exc)
            self.on_stop()
            self.on_start()


class ScenarioShape(LoadTestShape):
    """Stages of (duration s, users, spawn rate) per scenario, picked by CSAGENT_SCENARIO (default: steady)."""

    SCENARIOS: dict[str, list[tuple[int, int, float]]] = {
        "steady": [(60, 20, 5)],
        "smoke": [(20, 6, 3)],
        "spike": [(20, 5, 5), (40, 60, 30), (70, 5, 10)],
        "soak": [(600, 15, 2)],
        "scale": [(30, 5, 5), (150, 80, 2), (270, 2, 5)],
    }

    def __init__(self) -> None:
        super().__init__()
        name = os.environ.get("CSAGENT_SCENARIO", "steady")
        if name not in self.SCENARIOS:
            raise ValueError(f"CSAGENT_SCENARIO={name!r}: choose one of {sorted(self.SCENARIOS)}")
        self.stages = self.SCENARIOS[name]

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        for until, users, rate in self.stages:
            if elapsed < until:
                return users, rate
        return None
