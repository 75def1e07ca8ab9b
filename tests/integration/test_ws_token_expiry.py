"""A socket is closed with 4401 when its access token expires, on SQLite and PostgreSQL, with the app's clock frozen
and the expiry timers fired by hand: not a moment before `exp`, and nothing acknowledged is lost (the reply is
stored and replayed to the reconnected client that subscribes with its last seq)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from deployments.local import LocalHandle
from serve.api.deps import get_clock
from serve.api.ws_expiry import Timer, get_socket_timers
from serve.app import create_app
from tests.conftest import make_settings
from tests.factories import auth, conversation, guest


@dataclass
class FrozenNow:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class _Entry:
    when: float
    callback: Callable[[], None]
    loop: asyncio.AbstractEventLoop
    cancelled: bool = False
    fired: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class HandFiredTimers:
    """`SocketTimers` whose calls run, on the app's loop, only when the test says time has come."""

    clock: FrozenNow
    entries: list[_Entry] = field(default_factory=list)

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        entry = _Entry(when, callback, asyncio.get_running_loop())
        self.entries.append(entry)
        return entry

    def fire_due(self) -> int:
        """Run every live call due by the frozen clock; how many ran."""
        now = self.clock().timestamp()
        due = [e for e in self.entries if not e.cancelled and not e.fired and e.when <= now]
        for entry in due:
            entry.fired = True
            entry.loop.call_soon_threadsafe(entry.callback)
        return len(due)


@dataclass
class Harness:
    client: TestClient
    clock: FrozenNow
    timers: HandFiredTimers


@pytest.fixture
def harness(database_url: str, graph: LocalHandle) -> Iterator[Harness]:
    app = create_app(make_settings(database_url), graph)
    clock = FrozenNow(datetime.now(UTC).replace(microsecond=0))
    timers = HandFiredTimers(clock)
    app.dependency_overrides[get_clock] = lambda: clock
    app.dependency_overrides[get_socket_timers] = lambda: timers
    with TestClient(app) as client:
        yield Harness(client, clock, timers)


def _exp(session: dict[str, Any]) -> float:
    return float(jwt.decode(session["access_token"], options={"verify_signature": False})["exp"])


def _ping(ws: WebSocketTestSession) -> None:
    ws.send_json({"type": "ping"})
    assert ws.receive_json() == {"type": "pong"}


def _is_reply(event: dict[str, Any]) -> bool:
    return bool(
        event["type"] == "message"
        and event["message"]["role"] == "assistant"
        and event["message"]["status"] != "streaming"
    )


def test_a_socket_is_closed_with_4401_when_its_token_expires_and_not_before(harness: Harness) -> None:
    client, clock, timers = harness.client, harness.clock, harness.timers
    session = guest(client)
    expires = _exp(session)
    with client.websocket_connect(f"/api/v1/ws?token={session['access_token']}") as ws:
        _ping(ws)
        assert [e.when for e in timers.entries] == [expires], "one scheduled call, at the token's exp"
        clock.now = datetime.fromtimestamp(expires, UTC) - timedelta(seconds=1)
        assert timers.fire_due() == 0
        _ping(ws)  # one second before exp the socket still works
        clock.now = datetime.fromtimestamp(expires, UTC)
        assert timers.fire_due() == 1
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(10):
                ws.receive_json()
    assert closed.value.code == 4401
    assert "token expired" in (closed.value.reason or "")


def test_a_socket_closed_by_its_client_cancels_its_expiry(harness: Harness) -> None:
    client, timers = harness.client, harness.timers
    session = guest(client)
    with client.websocket_connect("/api/v1/ws") as ws:
        ws.send_json({"type": "auth", "token": session["access_token"]})
        _ping(ws)
        assert [e.when for e in timers.entries] == [_exp(session)], "the auth frame's token counts too"
    # Leaving the block waits for the endpoint to return: by then its timer is cancelled, not left to fire.
    assert timers.entries[0].cancelled and not timers.entries[0].fired


def test_what_was_acknowledged_before_the_expiry_is_replayed_after_refreshing(harness: Harness) -> None:
    client, clock, timers = harness.client, harness.clock, harness.timers
    session = guest(client)
    chat = conversation(client, session)
    cid = str(uuid.uuid4())
    with client.websocket_connect(f"/api/v1/ws?token={session['access_token']}") as ws:
        ws.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0})
        ws.send_json(
            {
                "type": "message.send",
                "conversation_id": chat["id"],
                "client_message_id": cid,
                "content": "How do I set up MFA for my users?",
            }
        )
        ack = ws.receive_json()
        assert ack["type"] == "message.ack" and ack["client_message_id"] == cid
        clock.now = datetime.fromtimestamp(_exp(session), UTC)
        assert timers.fire_due() == 1  # the token expires while the reply is being written
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(1000):
                ws.receive_json()
        assert closed.value.code == 4401

    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    fresh = refreshed.json()
    with client.websocket_connect(f"/api/v1/ws?token={fresh['access_token']}") as ws:
        after = ack["message"]["seq"]
        ws.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": after})
        events = []
        for _ in range(1000):
            events.append(ws.receive_json())
            if _is_reply(events[-1]):
                break
    reply = events[-1]["message"]
    assert _is_reply(events[-1]) and reply["status"] == "complete" and reply["content"]
    assert reply["seq"] > after
    history = client.get(f"/api/v1/conversations/{chat['id']}/messages", headers=auth(fresh)).json()
    assert [(m["role"], m["seq"]) for m in history["items"]] == [("user", after), ("assistant", reply["seq"])]
    assert history["items"][0]["client_message_id"] == cid
