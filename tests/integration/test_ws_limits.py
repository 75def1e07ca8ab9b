"""WebSocket hardening on SQLite and PostgreSQL: bad input answered with `error` on an open socket, and every
per-socket, per-user and per-IP limit enforced (clocks frozen and moved by hand)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
import sqlalchemy.exc
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from deployments.local import LocalHandle
from serve.app import create_app
from serve.schemas import SEQ_MAX
from serve.settings import ChatSettings, RateLimitSettings
from tests.conftest import make_settings
from tests.factories import conversation, guest
from tests.integration.test_rate_limits import FrozenClock

AppFactory = Callable[..., AbstractContextManager[TestClient]]


@pytest.fixture
def make_client(database_url: str, graph: LocalHandle) -> Iterator[AppFactory]:
    """A TestClient for an app with the given chat / rate-limit settings and a frozen limiter clock."""

    class _Started:
        def __init__(self, **overrides: Any) -> None:
            chat = ChatSettings(sweep_interval_s=0.5, **overrides.pop("chat", {}))
            limits = RateLimitSettings(**overrides.pop("rate_limit", {}))
            self.client = TestClient(
                create_app(make_settings(database_url, chat=chat, rate_limit=limits), graph)
            )

        def __enter__(self) -> TestClient:
            self.client.__enter__()
            self.client.app.state.csagent.limiter.clock = FrozenClock()  # type: ignore[attr-defined]
            return self.client

        def __exit__(self, *exc: object) -> None:
            self.client.__exit__(*exc)

    yield _Started


def _clock(client: TestClient) -> FrozenClock:
    clock: FrozenClock = client.app.state.csagent.limiter.clock  # type: ignore[attr-defined]
    return clock


def _ws(client: TestClient, session: dict[str, Any], **headers: str) -> Any:
    return client.websocket_connect(f"/api/v1/ws?token={session['access_token']}", headers=dict(headers))


def _answer(ws: WebSocketTestSession, frame: dict[str, Any] | str) -> dict[str, Any]:
    """Send a frame and return the first event it causes (a `ping` after it proves the socket is still open)."""
    ws.send_text(frame if isinstance(frame, str) else json.dumps(frame))
    ws.send_json({"type": "ping"})
    first: dict[str, Any] = ws.receive_json()
    if first != {"type": "pong"}:
        assert ws.receive_json() == {"type": "pong"}, "the socket stays usable"
    return first


def _closed_with(ws: WebSocketTestSession) -> int:
    with pytest.raises(WebSocketDisconnect) as closed:
        for _ in range(100):
            ws.receive_json()
    return closed.value.code


def test_bad_input_gets_an_error_and_the_socket_stays_open(make_client: AppFactory) -> None:
    with make_client() as client:
        session = guest(client)
        chat = conversation(client, session)
        with _ws(client, session) as ws:
            too_far = {"type": "subscribe", "conversation_id": chat["id"], "after_seq": SEQ_MAX + 1}
            assert _answer(ws, too_far)["code"] == "invalid_frame"
            highest = {"type": "subscribe", "conversation_id": chat["id"], "after_seq": SEQ_MAX}
            assert _answer(ws, highest) == {"type": "pong"}, "nothing to replay, no error"
            cid = str(uuid.uuid4())
            nul = {
                "type": "message.send",
                "conversation_id": chat["id"],
                "client_message_id": cid,
                "content": "a\x00",
            }
            error = _answer(ws, nul)
            assert error["code"] == "invalid_frame" and error["client_message_id"] == cid
            assert _answer(ws, '{"type": "typing", "conversation_id": "\\ud800", "state": "start"}')[
                "code"
            ] == ("invalid_frame")
            assert _answer(ws, "[" * 30000 + "]" * 30000)["code"] == "malformed_json"
            assert (
                _answer(ws, '{"type": "subscribe", "after_seq": ' + "9" * 5000 + "}")["code"]
                == "malformed_json"
            )
        messages = client.get(
            f"/api/v1/conversations/{chat['id']}/messages",
            headers={"Authorization": f"Bearer {session['access_token']}"},
        )
        assert messages.json()["items"] == [], "a refused send stores nothing"


def test_a_failure_while_handling_a_frame_is_an_internal_error_logged_with_the_request_id(
    make_client: AppFactory,
) -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    logging.getLogger("csagent.ws").addHandler(handler)
    try:
        with make_client() as client:
            session = guest(client)
            chat = conversation(client, session)
            state = client.app.state.csagent  # type: ignore[attr-defined]

            async def broken(*args: object) -> None:
                raise RuntimeError("database went away")

            state.chat.submit = broken
            cid = str(uuid.uuid4())
            send = {
                "type": "message.send",
                "conversation_id": chat["id"],
                "client_message_id": cid,
                "content": "hi",
            }
            with _ws(client, session, **{"X-Request-ID": "ws-req-42"}) as ws:
                error = _answer(ws, send)
                assert error["type"] == "error" and error["code"] == "internal_error"
                assert error["client_message_id"] == cid
                assert _answer(ws, {"type": "ping"}) == {"type": "pong"}
    finally:
        logging.getLogger("csagent.ws").removeHandler(handler)
    failed = [r for r in records if r.getMessage() == "websocket frame failed"]
    assert len(failed) == 1 and getattr(failed[0], "request_id", None) == "ws-req-42"
    assert failed[0].exc_info is not None and "database went away" in str(failed[0].exc_info[1])


def test_frames_of_every_type_are_rate_limited_per_socket(make_client: AppFactory) -> None:
    with make_client(rate_limit={"ws_frames_per_s": 1.0, "ws_frame_burst": 3}) as client:
        session = guest(client)
        with _ws(client, session) as ws:
            for _ in range(3):
                ws.send_json({"type": "ping"})
                assert ws.receive_json() == {"type": "pong"}
            ws.send_text("not even json")  # refused before it is parsed
            refused = ws.receive_json()
            assert refused["code"] == "rate_limited" and "1 seconds" in refused["message"]
            _clock(client).now += 1
            ws.send_json({"type": "ping"})
            assert ws.receive_json() == {"type": "pong"}
            ws.send_json({"type": "ping"})
            assert ws.receive_json()["code"] == "rate_limited"
            ws.send_json({"type": "ping"})
            assert ws.receive_json()["code"] == "rate_limited"
            ws.send_json({"type": "ping"})  # the burst's worth of refusals in a row: closed
            assert _closed_with(ws) == 1008
        with _ws(client, session) as ws:  # a new socket has its own bucket
            _clock(client).now += 10
            ws.send_json({"type": "ping"})
            assert ws.receive_json() == {"type": "pong"}


def test_subscribe_and_typing_have_their_own_limits(make_client: AppFactory) -> None:
    limits = {"ws_subscribes_per_minute": 2, "ws_typing_per_minute": 3}
    with make_client(rate_limit=limits) as client:
        session = guest(client)
        chat = conversation(client, session)
        subscribe = {"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0}
        typing = {"type": "typing", "conversation_id": chat["id"], "state": "start"}
        with _ws(client, session) as ws:
            assert [_answer(ws, subscribe) for _ in range(2)] == [{"type": "pong"}] * 2
            assert _answer(ws, subscribe)["code"] == "rate_limited"
            assert [_answer(ws, typing) for _ in range(3)] == [{"type": "pong"}] * 3
            assert _answer(ws, typing)["code"] == "rate_limited"
            _clock(client).now += 30  # one subscribe a 30 s, one typing a 20 s
            assert _answer(ws, subscribe) == {"type": "pong"}
            assert _answer(ws, typing) == {"type": "pong"}
            assert _answer(ws, subscribe)["code"] == "rate_limited"


def test_a_store_that_cannot_answer_in_time_gets_service_unavailable_and_the_socket_stays(
    make_client: AppFactory,
) -> None:
    with make_client() as client:
        session = guest(client)
        chat = conversation(client, session)
        state = client.app.state.csagent  # type: ignore[attr-defined]

        async def pool_exhausted(*args: object) -> None:
            raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached")

        state.chat.submit = pool_exhausted
        cid = str(uuid.uuid4())
        send = {
            "type": "message.send",
            "conversation_id": chat["id"],
            "client_message_id": cid,
            "content": "hi",
        }
        with _ws(client, session) as ws:
            error = _answer(ws, send)
            assert error["code"] == "service_unavailable" and error["client_message_id"] == cid
            assert _answer(ws, {"type": "ping"}) == {"type": "pong"}


def test_a_socket_follows_a_bounded_number_of_conversations(make_client: AppFactory) -> None:
    with make_client(chat={"ws_max_subscriptions": 2}) as client:
        session = guest(client)
        chats = [conversation(client, session)["id"] for _ in range(3)]
        with _ws(client, session) as ws:
            for chat in chats[:2]:
                assert _answer(ws, {"type": "subscribe", "conversation_id": chat}) == {"type": "pong"}
            assert _answer(ws, {"type": "subscribe", "conversation_id": chats[0], "after_seq": 0}) == {
                "type": "pong"
            }
            refused = _answer(ws, {"type": "subscribe", "conversation_id": chats[2]})
            assert refused["code"] == "too_many_subscriptions"
            # Unsubscribing frees the slot (silently; twice is harmless), and the one refused is followed now.
            for _ in range(2):
                assert _answer(ws, {"type": "unsubscribe", "conversation_id": chats[0]}) == {"type": "pong"}
            assert _answer(ws, {"type": "subscribe", "conversation_id": chats[2]}) == {"type": "pong"}


def test_sockets_per_user_are_capped_and_freed_on_close(make_client: AppFactory) -> None:
    with make_client(chat={"ws_max_sockets_per_user": 2}) as client:
        session, other = guest(client), guest(client)
        with _ws(client, session) as first, _ws(client, session) as second:
            for ws in (first, second):
                assert _answer(ws, {"type": "ping"}) == {"type": "pong"}
            with _ws(client, session) as third:
                assert _closed_with(third) == 1008
            with _ws(client, other) as elsewhere:  # another user is not affected
                assert _answer(elsewhere, {"type": "ping"}) == {"type": "pong"}
        with _ws(client, session) as again:
            assert _answer(again, {"type": "ping"}) == {"type": "pong"}


def test_sockets_per_ip_are_capped_before_authentication(make_client: AppFactory) -> None:
    with make_client(chat={"ws_max_sockets_per_ip": 2}) as client:
        first_user, second_user = guest(client), guest(client)
        with _ws(client, first_user) as first, _ws(client, second_user) as second:
            for ws in (first, second):
                assert _answer(ws, {"type": "ping"}) == {"type": "pong"}
            with client.websocket_connect("/api/v1/ws") as anonymous:  # no token yet: refused by address
                assert _closed_with(anonymous) == 1008
        with _ws(client, first_user) as again:
            assert _answer(again, {"type": "ping"}) == {"type": "pong"}


def test_the_pre_auth_frame_is_small(make_client: AppFactory) -> None:
    with make_client(chat={"ws_auth_max_frame_bytes": 512}) as client:
        session = guest(client)
        with client.websocket_connect("/api/v1/ws") as ws:
            ws.send_json({"type": "auth", "token": session["access_token"], "padding": "x" * 1000})
            assert _closed_with(ws) == 1009
        with client.websocket_connect("/api/v1/ws") as ws:
            ws.send_json({"type": "auth", "token": session["access_token"]})
            assert _answer(ws, {"type": "ping"}) == {"type": "pong"}


def test_sockets_per_ip_count_the_client_behind_a_trusted_proxy(
    database_url: str, graph: LocalHandle
) -> None:
    settings = make_settings(
        database_url,
        chat=ChatSettings(sweep_interval_s=0.5, ws_max_sockets_per_ip=1),
        trusted_proxies=["10.0.0.0/8"],
    )
    with TestClient(create_app(settings, graph), client=("10.0.0.5", 40000)) as client:
        session = guest(client)

        def behind_proxy(ip: str) -> Any:
            return _ws(client, session, **{"X-Forwarded-For": f"1.1.1.1, {ip}"})

        with behind_proxy("198.51.100.1") as first, behind_proxy("198.51.100.2") as second:
            for ws in (first, second):  # one proxy, two clients: each has its own cap
                assert _answer(ws, {"type": "ping"}) == {"type": "pong"}
            assert set(client.app.state.ws_counts.by_ip) == {"198.51.100.1", "198.51.100.2"}  # type: ignore[attr-defined]
            with behind_proxy("198.51.100.1") as again:
                assert _closed_with(again) == 1008
