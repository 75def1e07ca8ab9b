"""Locust scenarios for csagent: REST users and WebSocket chat users, with steady, spike and soak shapes.

    locust -f loadtests/locustfile.py --host http://127.0.0.1:8000                 # web UI
    CSAGENT_SCENARIO=spike locust -f loadtests/locustfile.py --headless --host …   # a shape, headless

Chat users report their own phases as Locust request events (type "WS"): `ack` (stored and acknowledged),
`first_delta` (time to first token) and `complete` (final message), so they appear in Locust's stats and CSV;
also, as successes, `reconnect <close code>` for each socket they had to replace and `model <name>@<version>` for
each reply's version. `CSAGENT_SCENARIO=rollout` with `CSAGENT_STOP_FILE` is the load of
tests/e2e/test_model_rollout.py (canary, promote, rollback and a rolling `serve deploy` under load).
This module is only ever imported by Locust (gevent); never import it from the app or from pytest.
"""

from __future__ import annotations

import json
import os
import random
import select
import struct
import time
import uuid
from pathlib import Path
from typing import Any

import websocket
from locust import HttpUser, LoadTestShape, User, between, events, stats, task

# The CSV statistics reach the disk every second (Locust's default is 10 s): a test reads them while Locust runs.
stats.CSV_STATS_FLUSH_INTERVAL_SEC = 1

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


class SocketClosed(Exception):
    """The socket closed or dropped; `code` is its close code (1006 for a drop, "timeout" for silence)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"socket closed ({code})")
        self.code = code


class TurnFailed(Exception):
    """A turn that will never be answered: an `error` event, a failed reply, or no reply in time."""


class ChatUser(User):
    """A chat user on a real WebSocket that behaves like the UI across a dropped socket.

    It keeps its access token and the last settled `seq` it saw. When the socket closes or drops (1012 from a
    replica going away, 1006, any code) it reconnects, subscribes again with `after_seq`, resends a message that
    was never acknowledged with the same `client_message_id` (the server stores it once) and keeps waiting for
    that turn's reply; replays of events already seen and `assistant.reset` are taken in stride. A reconnect is not
    a failure: each closed socket is reported as `WS reconnect <close code>` once a new one delivers again (its
    time: from the close to then). Only a turn that gets no final reply within TURN_DEADLINE_S, an `error` event
    or a failed reply is a failure.
    Every few turns it starts a new conversation, as people do (so conversations begun during a canary reach it),
    and each final reply's version is counted as `WS model <name>@<version>`.
    """

    weight = 3
    wait_time = between(2, 5)
    TURNS_PER_CONVERSATION = 3
    TURN_DEADLINE_S = 120.0
    SILENCE_S = 30.0  # no frame for this long: the socket is presumed dead and replaced
    MIN_BACKOFF_S, MAX_BACKOFF_S = 0.25, 4.0  # before a reconnect: up to this long, doubling while it fails

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

        self.http = requests.Session()
        self.base = self.host or "http://127.0.0.1:8000"
        session = self.http.post(f"{self.base}/api/v1/auth/guest", json={}, timeout=30)
        session.raise_for_status()
        self.token: str = session.json()["access_token"]
        self.ws: websocket.WebSocket | None = None
        self.closed: list[tuple[str, float]] = []  # close codes and when, until a new socket has resumed
        self.backoff_s = self.MIN_BACKOFF_S
        started = time.perf_counter()
        self._new_conversation()
        self._connect()
        self._fire("connect+subscribe", started)

    def on_stop(self) -> None:
        self._discard_socket()

    def _new_conversation(self) -> None:
        response = self.http.post(
            f"{self.base}/api/v1/conversations",
            json={},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        response.raise_for_status()
        previous = getattr(self, "conversation_id", None)
        self.conversation_id: str = response.json()["id"]
        self.last_seq = 0  # the last settled seq seen in this conversation: where a resubscribe resumes
        self.turns_here = 0
        if self.ws is not None and previous is not None:
            try:
                self._read_pending()
                self.ws.send(json.dumps({"type": "unsubscribe", "conversation_id": previous}))
                self._subscribe()
            except SocketClosed as closed:
                self._drop(closed.code)  # the next turn reconnects and subscribes to the new conversation
            except (websocket.WebSocketException, OSError):
                self._drop("1006")

    def _subscribe(self) -> None:
        assert self.ws is not None
        frame = {"type": "subscribe", "conversation_id": self.conversation_id, "after_seq": self.last_seq}
        self.ws.send(json.dumps(frame))

    def _connect(self) -> None:
        url = self.base.replace("http", "ws", 1) + f"/api/v1/ws?token={self.token}"
        self.ws = websocket.create_connection(url, timeout=self.SILENCE_S)
        self._subscribe()

    def _discard_socket(self) -> None:
        if self.ws is not None:
            self.ws.shutdown()  # no closing handshake: the peer has gone or is going
            self.ws = None

    def _drop(self, code: str) -> None:
        self._discard_socket()
        self.closed.append((code, time.perf_counter()))

    def _resumed(self) -> None:
        """A new socket delivered an event: each close before it counts as one reconnect, timed to now."""
        for code, since in self.closed:
            self._fire(f"reconnect {code}", since)
        self.closed.clear()
        self.backoff_s = self.MIN_BACKOFF_S

    def _reconnect(self, deadline: float) -> None:
        """Open a new socket and subscribe from `last_seq` after a jittered, growing backoff (reset once a socket
        delivers again), so a replica that answers new sockets with 1012 while it drains is not hammered."""
        while True:
            delay = random.uniform(0, self.backoff_s)
            self.backoff_s = min(self.backoff_s * 2, self.MAX_BACKOFF_S)
            if time.monotonic() + delay > deadline:
                raise TurnFailed("could not reconnect before the turn's deadline")
            time.sleep(delay)
            try:
                self._connect()
                return
            except (websocket.WebSocketException, OSError):
                self._discard_socket()  # refused or unreachable: try again after the next backoff

    def _receive(self) -> dict[str, Any]:
        """The next event; SocketClosed with the close code when the socket closes, drops or falls silent."""
        assert self.ws is not None
        while True:
            try:
                opcode, frame = self.ws.recv_data_frame(True)
            except websocket.WebSocketTimeoutException:
                raise SocketClosed("timeout") from None
            except (websocket.WebSocketException, OSError):
                raise SocketClosed("1006") from None
            if opcode == websocket.ABNF.OPCODE_TEXT:
                event: dict[str, Any] = json.loads(frame.data)
                return event
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code = struct.unpack("!H", frame.data[:2])[0] if len(frame.data) >= 2 else 1005
                raise SocketClosed(str(code))
            # ping and pong frames: websocket-client has answered a ping already

    def _read_pending(self) -> None:
        """Read what arrived while the user was idle, without waiting: a socket the server closed meanwhile (a
        replica going away) raises SocketClosed with its close code here, rather than failing the next send."""
        assert self.ws is not None
        while self.ws.sock is not None and select.select([self.ws.sock], [], [], 0)[0]:
            event = self._receive()
            message = event.get("message") if event["type"] == "message" else None
            if (
                message
                and message["conversation_id"] == self.conversation_id
                and message["status"] != "streaming"
            ):
                self.last_seq = max(self.last_seq, message["seq"])

    def _reply_to(self, event: dict[str, Any], cid: str, user_seq: int | None) -> tuple[int | None, bool]:
        """Take one event of the turn `cid`: (the user message's seq once known, whether the reply is final)."""
        kind = event["type"]
        if kind == "error":
            raise TurnFailed(f"{event['code']}: {event['message']}")
        if kind == "message.ack" and event.get("client_message_id") == cid:
            self.last_seq = max(self.last_seq, event["message"]["seq"])
            return event["message"]["seq"], False
        if kind != "message" or event["message"]["conversation_id"] != self.conversation_id:
            return user_seq, False  # deltas, resets, typing, the last conversation's late events
        message = event["message"]
        if message["status"] == "streaming":
            return user_seq, False  # a replay of a reply still being written: its final message follows
        self.last_seq = max(self.last_seq, message["seq"])
        if message["role"] == "user" and message.get("client_message_id") == cid:
            return message["seq"], False  # a replay shows it stored: as good as the ack
        if message["role"] != "assistant" or user_seq is None or message["seq"] <= user_seq:
            return user_seq, False
        if message["status"] != "complete":
            raise TurnFailed(f"the reply ended {message['status']}: {message['content'][:200]!r}")
        model = (message.get("meta") or {}).get("model") or {}
        events.request.fire(
            request_type="WS",
            name=f"model {model.get('name', 'unknown')}@{model.get('version', 'unknown')}",
            response_time=0,
            response_length=0,
            exception=None,
            context={},
        )
        return user_seq, True

    @task
    def chat_turn(self) -> None:
        cid = str(uuid.uuid4())
        started = time.perf_counter()
        deadline = time.monotonic() + self.TURN_DEADLINE_S
        user_seq: int | None = None
        sent_on: websocket.WebSocket | None = None
        first_delta = False
        try:
            if self.turns_here >= self.TURNS_PER_CONVERSATION:
                self._new_conversation()
            frame = json.dumps(
                {
                    "type": "message.send",
                    "conversation_id": self.conversation_id,
                    "client_message_id": cid,
                    "content": random.choice(QUESTIONS),
                }
            )
            while True:
                if time.monotonic() > deadline:
                    raise TurnFailed(f"no reply within {self.TURN_DEADLINE_S:.0f} s")
                try:
                    if self.ws is None:
                        self._reconnect(deadline)
                    assert self.ws is not None
                    if user_seq is None and sent_on is not self.ws:
                        self._read_pending()
                        self.ws.send(frame)  # the first send, or a resend on a new socket: same id
                        sent_on = self.ws
                    event = self._receive()
                    if self.closed:
                        self._resumed()
                except SocketClosed as closed:
                    self._drop(closed.code)
                    continue
                except (websocket.WebSocketException, OSError):
                    self._drop("1006")
                    continue
                acked = user_seq is not None
                user_seq, done = self._reply_to(event, cid, user_seq)
                if user_seq is not None and not acked:
                    self._fire("ack", started)
                if event["type"] == "assistant.delta" and not first_delta:
                    first_delta = True
                    self._fire("first_delta", started)
                if done:
                    self.turns_here += 1
                    self._fire("complete", started, length=len(event["message"]["content"]))
                    return
        except Exception as exc:  # a failed turn; the next one starts on a fresh socket and conversation
            self._fire("complete", started, error=exc)
            self._discard_socket()
            self.closed.clear()
            self.turns_here = self.TURNS_PER_CONVERSATION


class ScenarioShape(LoadTestShape):
    """Stages of (duration s, users, spawn rate) per scenario, picked by CSAGENT_SCENARIO (default: steady).

    Any scenario ends early once the file named by CSAGENT_STOP_FILE exists; `rollout` (chat users only, for
    tests/e2e/test_model_rollout.py) runs until then, so the test sets its length without a clock.
    """

    SCENARIOS: dict[str, list[tuple[int, int, float]]] = {
        "steady": [(60, 20, 5)],
        "smoke": [(20, 6, 3)],
        "spike": [(20, 5, 5), (40, 60, 30), (70, 5, 10)],
        "soak": [(600, 15, 2)],
        "scale": [(30, 5, 5), (150, 80, 2), (270, 2, 5)],
        "rollout": [(24 * 3600, 4, 4)],
    }
    USER_CLASSES: dict[str, list[type[User]]] = {"rollout": [ChatUser]}

    def __init__(self) -> None:
        super().__init__()
        name = os.environ.get("CSAGENT_SCENARIO", "steady")
        if name not in self.SCENARIOS:
            raise ValueError(f"CSAGENT_SCENARIO={name!r}: choose one of {sorted(self.SCENARIOS)}")
        self.stages = self.SCENARIOS[name]
        self.user_classes = self.USER_CLASSES.get(name)
        stop_file = os.environ.get("CSAGENT_STOP_FILE")
        self.stop_file = Path(stop_file) if stop_file else None

    def tick(self) -> tuple[int, float] | tuple[int, float, list[type[User]]] | None:
        if self.stop_file is not None and self.stop_file.exists():
            return None
        elapsed = self.get_run_time()
        for until, users, rate in self.stages:
            if elapsed < until:
                return (users, rate) if self.user_classes is None else (users, rate, self.user_classes)
        return None
