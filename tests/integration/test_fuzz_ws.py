"""A WebSocket frame fuzzer (hypothesis), on SQLite and PostgreSQL: arbitrary frames on one socket.

Every frame the contract refuses is answered with an `error` event, every event the server sends is a valid
contract event, and the socket stays open and usable throughout (a `ping` after each frame is answered).
Derandomized and bounded, so `make test` runs the same few hundred frames every time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from starlette.testclient import WebSocketTestSession

from deployments.local import LocalHandle
from serve.app import create_app
from serve.frames import (
    PingFrame,
    SendFrame,
    SubscribeFrame,
    TypingFrame,
    client_frame_adapter,
    server_event_adapter,
)
from serve.settings import RateLimitSettings
from tests.conftest import make_settings
from tests.factories import conversation, guest

EXAMPLES = 400
# What PostgreSQL refuses, and what JSON's escapes can smuggle, mixed with ordinary text.
_HOSTILE_CHARS = ["\x00", "\ud800", "\udfff", "\ud83d", "a", "é", "🙂", "\n", '"', "\\", "|"]
TEXT = st.text(max_size=40) | st.lists(st.sampled_from(_HOSTILE_CHARS), max_size=12).map("".join)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**31 - 2, max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)
TYPES = (
    st.sampled_from(
        ["auth", "subscribe", "unsubscribe", "message.send", "typing", "ping", "pong", "error", ""]
    )
    | TEXT
)


@st.composite
def frame_dicts(draw: st.DrawFn, conversation_id: str) -> dict[str, Any]:
    """A frame of the contract, then as often as not broken: a field dropped, replaced by any JSON, or added."""
    kind = draw(st.sampled_from(["auth", "subscribe", "unsubscribe", "message.send", "typing", "ping"]))
    # The real conversation only where a valid frame cannot start a turn (that would stream into later frames).
    ids = st.just(conversation_id) | st.uuids().map(str)
    fields: dict[str, dict[str, st.SearchStrategy[Any]]] = {
        "auth": {"token": st.text(min_size=1, max_size=40) | TEXT},
        "subscribe": {"conversation_id": ids, "after_seq": st.integers(min_value=0, max_value=2**31 - 1)},
        "unsubscribe": {"conversation_id": ids},
        "message.send": {
            "conversation_id": st.uuids().map(str),
            "client_message_id": st.uuids().map(str),
            "content": st.text(min_size=1, max_size=40) | TEXT | st.text(min_size=7990, max_size=8010),
        },
        "typing": {"conversation_id": ids, "state": st.sampled_from(["start", "stop"])},
        "ping": {},
    }
    frame: dict[str, Any] = {"type": kind} | {name: draw(value) for name, value in fields[kind].items()}
    mutation = draw(st.sampled_from(["none"] * 4 + ["drop", "replace", "replace", "extra", "type"]))
    names = sorted(set(frame) - {"type"}) or ["type"]
    if mutation == "drop":
        frame.pop(draw(st.sampled_from(sorted(frame))))
    elif mutation == "replace":
        frame[draw(st.sampled_from(names))] = draw(
            JSON | st.integers(min_value=2**31 - 5, max_value=2**31 + 5)
        )
    elif mutation == "extra":
        frame[draw(TEXT)] = draw(JSON)
    elif mutation == "type":
        frame["type"] = draw(TYPES)
    return frame


def raw_frames(conversation_id: str) -> st.SearchStrategy[str | bytes]:
    shaped = frame_dicts(conversation_id).map(json.dumps)
    return st.one_of(
        shaped,
        shaped,
        shaped,
        shaped,
        JSON.map(json.dumps),
        TEXT,
        st.binary(max_size=64),
        st.just("x" * 70_000),
        st.just("[" * 30_000 + "]" * 30_000),
    )


def _valid(raw: str | bytes) -> Any:
    """The frame the contract accepts, or None (the oracle, independent of the socket's own answer)."""
    if isinstance(raw, bytes):
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        return client_frame_adapter.validate_python(data)
    except ValidationError:
        return None


@pytest.fixture
def fuzz_client(database_url: str, graph: LocalHandle) -> Iterator[TestClient]:
    limits = RateLimitSettings(
        enabled=False
    )  # the fuzzer sends far faster than a person: limits have own tests
    with TestClient(create_app(make_settings(database_url, rate_limit=limits), graph)) as client:
        yield client


def _exchange(ws: WebSocketTestSession, raw: str | bytes, pongs: int) -> list[dict[str, Any]]:
    if isinstance(raw, bytes):
        ws.send_bytes(raw)
    else:
        ws.send_text(raw)
    ws.send_json({"type": "ping"})
    events: list[dict[str, Any]] = []
    while sum(e == {"type": "pong"} for e in events) < pongs:
        events.append(ws.receive_json())
    return events


def test_arbitrary_frames_get_errors_and_never_break_the_socket(fuzz_client: TestClient) -> None:
    session = guest(fuzz_client)
    chat = conversation(fuzz_client, session)["id"]
    seen = {"refused": 0, "accepted": 0}
    with fuzz_client.websocket_connect(f"/api/v1/ws?token={session['access_token']}") as ws:

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(raw=raw_frames(chat))
        def one_frame(raw: str | bytes) -> None:
            frame = _valid(raw)
            events = _exchange(ws, raw, pongs=2 if isinstance(frame, PingFrame) else 1)
            for event in events:
                server_event_adapter.validate_python(event)  # only contract events, well formed
            errors = [e for e in events if e["type"] == "error"]
            assert not [e for e in errors if e["code"] == "internal_error"], f"{raw[:200]!r} broke the server"
            if frame is None:
                seen["refused"] += 1
                assert errors, f"refused frame {raw[:200]!r} got no error: {events}"
            else:
                seen["accepted"] += 1
                following = str(getattr(frame, "conversation_id", "")) == chat
                if isinstance(frame, SubscribeFrame | TypingFrame) and following:
                    assert not errors, f"{raw[:200]!r} is valid, yet: {errors}"
                if isinstance(frame, SendFrame):
                    assert [e["code"] for e in errors] == ["conversation_not_found"]
                    assert errors[0]["client_message_id"] == str(frame.client_message_id)

        one_frame()
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
    assert seen["refused"] > 50 and seen["accepted"] > 20, f"the fuzzer explores both sides: {seen}"
    # Nothing the fuzzer sent was stored (sends went to conversations that are not the caller's).
    listed = fuzz_client.get(
        f"/api/v1/conversations/{chat}/messages",
        headers={"Authorization": f"Bearer {session['access_token']}"},
    )
    assert listed.status_code == 200 and listed.json()["items"] == []
