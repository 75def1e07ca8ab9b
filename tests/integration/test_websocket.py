"""WebSocket protocol on SQLite and PostgreSQL: ack, stream, replay, idempotent resend, tabs, bad frames, 4401."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from deployments.local import LocalHandle
from serve.app import create_app
from serve.settings import ChatSettings
from tests.conftest import make_settings
from tests.factories import SOQL_QUESTION, auth, conversation, guest


def _connect(client: TestClient, session: dict[str, Any]) -> Any:
    return client.websocket_connect(f"/api/v1/ws?token={session['access_token']}")


def _until(ws: WebSocketTestSession, done: Any, limit: int = 500) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for _ in range(limit):
        event = ws.receive_json()
        events.append(event)
        if done(event):
            return events
    raise AssertionError(f"condition not met in {limit} events: {events[-5:]}")


def _is_reply(event: dict[str, Any]) -> bool:
    return bool(
        event["type"] == "message"
        and event["message"]["role"] == "assistant"
        and event["message"]["status"] != "streaming"
    )


def _send_frame(conversation_id: str, content: str, cid: str | None = None) -> dict[str, Any]:
    return {
        "type": "message.send",
        "conversation_id": conversation_id,
        "client_message_id": cid or str(uuid.uuid4()),
        "content": content,
    }


def test_chat_turn_streams_ack_typing_deltas_and_final_message(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    with _connect(client, session) as ws:
        ws.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0})
        cid = str(uuid.uuid4())
        ws.send_json(_send_frame(chat["id"], SOQL_QUESTION, cid))
        events = _until(ws, _is_reply)
    types = [e["type"] for e in events]
    assert types[0] == "message.ack" and events[0]["client_message_id"] == cid
    assert events[0]["message"]["seq"] == 1
    assert "assistant.typing" in types
    deltas = [e for e in events if e["type"] == "assistant.delta"]
    assert deltas and [d["index"] for d in deltas] == list(range(len(deltas)))
    final = events[-1]["message"]
    assert "".join(d["delta"] for d in deltas).strip() == final["content"]
    assert final["meta"]["citations"] and final["meta"]["intent"]["name"] == "apex_governor_limits"
    assert types.index("assistant.typing") < types.index("assistant.delta")


def test_reply_is_stored_when_the_socket_closes_and_replayed_once(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    with _connect(client, session) as ws:
        ws.send_json(_send_frame(chat["id"], "How do I set up MFA for my users?"))
        ack = ws.receive_json()
        assert ack["type"] == "message.ack"
    # The socket is gone mid-turn; the reply is still produced and stored.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        items = client.get(f"/api/v1/conversations/{chat['id']}/messages", headers=auth(session)).json()[
            "items"
        ]
        if len(items) == 2 and items[1]["status"] == "complete":
            break
        time.sleep(0.1)
    else:
        raise AssertionError("reply was not stored")
    with _connect(client, session) as ws:
        ws.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 1})
        replayed = ws.receive_json()
        ws.send_json({"type": "ping"})
        after = ws.receive_json()
    assert replayed["type"] == "message" and replayed["message"]["seq"] == 2
    assert after == {"type": "pong"}, "nothing replayed twice"


def test_resend_after_reconnect_is_not_processed_twice(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    cid = str(uuid.uuid4())
    with _connect(client, session) as ws:
        ws.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0})
        ws.send_json(_send_frame(chat["id"], "How do I import contacts from a CSV file?", cid))
        first = _until(ws, _is_reply)
    with _connect(client, session) as ws:
        ws.send_json(_send_frame(chat["id"], "How do I import contacts from a CSV file?", cid))
        ack = ws.receive_json()
        stored = ws.receive_json()
    assert ack["type"] == "message.ack" and ack["message"]["id"] == first[0]["message"]["id"]
    assert stored["type"] == "message" and stored["message"]["id"] == first[-1]["message"]["id"]
    items = client.get(f"/api/v1/conversations/{chat['id']}/messages", headers=auth(session)).json()["items"]
    assert [m["seq"] for m in items] == [1, 2]


def test_two_tabs_each_receive_every_event(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    with _connect(client, session) as tab_a, _connect(client, session) as tab_b:
        for tab in (tab_a, tab_b):
            tab.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0})
        tab_a.send_json({"type": "ping"})
        assert tab_a.receive_json() == {"type": "pong"}
        tab_b.send_json({"type": "ping"})
        assert tab_b.receive_json() == {"type": "pong"}
        tab_a.send_json(_send_frame(chat["id"], "How do I create a dashboard?"))
        events_a = _until(tab_a, _is_reply)
        events_b = _until(tab_b, _is_reply)
    assert events_a[0]["type"] == "message.ack"
    user_in_b = [e for e in events_b if e["type"] == "message" and e["message"]["role"] == "user"]
    assert len(user_in_b) == 1, "the other tab sees the user's message once"
    assert [e["index"] for e in events_b if e["type"] == "assistant.delta"] == [
        e["index"] for e in events_a if e["type"] == "assistant.delta"
    ]
    assert events_a[-1]["message"] == events_b[-1]["message"]


def test_bad_frames_get_error_events_and_the_socket_stays_open(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    with _connect(client, session) as ws:
        ws.send_text("{not json")
        assert ws.receive_json()["code"] == "malformed_json"
        ws.send_json({"type": "dance"})
        assert ws.receive_json()["code"] == "unknown_frame_type"
        ws.send_json({"type": "subscribe"})
        assert ws.receive_json()["code"] == "invalid_frame"
        ws.send_json([1, 2])
        assert ws.receive_json()["code"] == "invalid_frame"
        cid = str(uuid.uuid4())
        ws.send_json(
            {"type": "message.send", "conversation_id": chat["id"], "client_message_id": cid, "content": ""}
        )
        error = ws.receive_json()
        assert error["code"] == "invalid_frame" and error["client_message_id"] == cid
        ws.send_text(json.dumps(_send_frame(chat["id"], "x" * 70000)))
        assert ws.receive_json()["code"] == "frame_too_large"
        ws.send_bytes(b"\x00\x01")
        assert ws.receive_json()["code"] == "invalid_frame"
        ws.send_json({"type": "subscribe", "conversation_id": str(uuid.uuid4()), "after_seq": 0})
        assert ws.receive_json()["code"] == "conversation_not_found"
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}


def test_someone_elses_conversation_is_refused(client: TestClient) -> None:
    owner, stranger = guest(client), guest(client)
    chat = conversation(client, owner)
    with _connect(client, stranger) as ws:
        ws.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0})
        assert ws.receive_json()["code"] == "conversation_not_found"
        cid = str(uuid.uuid4())
        ws.send_json(_send_frame(chat["id"], "hello", cid))
        error = ws.receive_json()
        assert error["code"] == "conversation_not_found" and error["client_message_id"] == cid


@pytest.mark.parametrize("token", ["forged.token.value", ""])
def test_bad_token_closes_with_4401(client: TestClient, token: str) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect(f"/api/v1/ws?token={token}") as ws,
    ):
        ws.receive_json()
    assert closed.value.code == 4401


def test_auth_frame_works_and_silence_closes_with_4401(settings: Any, graph: LocalHandle) -> None:
    quick = make_settings(
        settings.database_url, chat=ChatSettings(ws_auth_timeout_s=0.3, sweep_interval_s=0.5)
    )
    with TestClient(create_app(quick, graph)) as client:
        session = guest(client)
        with client.websocket_connect("/api/v1/ws") as ws:
            ws.send_json({"type": "auth", "token": session["access_token"]})
            ws.send_json({"type": "ping"})
            assert ws.receive_json() == {"type": "pong"}
        with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/api/v1/ws") as ws:
            ws.receive_json()
        assert closed.value.code == 4401


def test_draining_a_replica_tells_sockets_to_reconnect(client: TestClient) -> None:
    session = guest(client)
    with _connect(client, session) as ws:
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        state = client.app.state.csagent  # type: ignore[attr-defined]
        assert len(state.sockets) == 1
        client.portal.call(state.drain_sockets)  # type: ignore[union-attr]
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1012
