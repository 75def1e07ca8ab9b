"""A client that stops reading, against a real server (uvicorn, real TCP): the server gives up on it instead of
buffering its replay without end. The client is a raw socket with a small receive buffer that reads nothing until
the server has let go of it.

The server tries to close with 1013, but its close frame waits behind the unread data like everything else (ASGI
offers no way around the transport's backpressure), so a client that never reads again never sees it: when it
does read, it finds an in-order prefix of the replay, then the close frame if there was room for it, then the end
of the connection. Either way the UI reconnects and resubscribes from its last seq."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from deployments.local import LocalHandle
from serve.app import create_app
from serve.settings import ChatSettings
from serve.storage import conversations as conversation_store
from serve.storage import messages as message_store
from serve.storage.db import create_engine, session_factory, transaction
from tests.conftest import make_settings
from tests.factories import free_port

STORED = 1500  # 8000-character messages: ~12 MB of history, far more than loopback buffers hold
OUTBOX = 16


@pytest.fixture
def server(tmp_path: Path, graph: LocalHandle) -> Iterator[tuple[FastAPI, int]]:
    chat = ChatSettings(sweep_interval_s=0.5, ws_outbox_events=OUTBOX, ws_send_timeout_s=0.5)
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'slow.db'}", chat=chat), graph)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    started = threading.Event()
    while not uvicorn_server.started and thread.is_alive():
        started.wait(0.01)
    assert uvicorn_server.started
    yield app, port
    uvicorn_server.should_exit = True
    thread.join()


async def _store_history(url: str, conversation_id: str) -> None:
    engine = create_engine(url)
    try:
        async with transaction(session_factory(engine)) as session:
            row = await conversation_store.get_conversation_unscoped(
                session=session, conversation_id=uuid.UUID(conversation_id)
            )
            assert row is not None
            for seq in range(1, STORED + 1):
                await message_store.add_message(
                    session=session, conversation_id=row.id, seq=seq, role="user", content="x" * 8000
                )
            row.last_seq = STORED
    finally:
        await engine.dispose()


def _frames(data: bytes) -> list[tuple[int, bytes]]:
    """(opcode, payload) of each complete server frame (unmasked, unfragmented) in `data`."""
    frames, at = [], 0
    while at + 2 <= len(data):
        opcode, length = data[at] & 0x0F, data[at + 1] & 0x7F
        at += 2
        if length == 126:
            (length,) = struct.unpack("!H", data[at : at + 2])
            at += 2
        elif length == 127:
            (length,) = struct.unpack("!Q", data[at : at + 8])
            at += 8
        if at + length > len(data):
            break
        frames.append((opcode, data[at : at + length]))
        at += length
    return frames


def _masked_text(text: str) -> bytes:
    payload, mask = text.encode(), os.urandom(4)
    header = (
        bytes([0x81, 0x80 | 126]) + struct.pack("!H", len(payload))
        if len(payload) > 125
        else bytes([0x81, 0x80 | len(payload)])
    )
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_a_client_that_stops_reading_is_let_go_and_closed_with_1013(server: tuple[FastAPI, int]) -> None:
    app, port = server
    base = f"http://127.0.0.1:{port}"
    session = httpx.post(f"{base}/api/v1/auth/guest", json={}).json()
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    chat = httpx.post(f"{base}/api/v1/conversations", json={}, headers=headers).json()
    state: Any = app.state.csagent
    asyncio.run(_store_history(state.settings.resolved_database_url, chat["id"]))

    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the server's sends back up
    client.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    client.sendall(
        f"GET /api/v1/ws?token={session['access_token']} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    handshake = b""
    while b"\r\n\r\n" not in handshake:
        handshake += client.recv(1)
    assert handshake.startswith(b"HTTP/1.1 101")
    client.sendall(
        _masked_text(json.dumps({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0}))
    )

    # The client reads nothing now; the server must give up on it by itself (bounded waits, no dates involved).
    deadline = time.monotonic() + 30
    while not state.sockets and time.monotonic() < deadline:
        time.sleep(0.02)
    assert state.sockets, "the socket was admitted"
    while state.sockets and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not state.sockets, "the server let go of the socket that does not read"

    client.settimeout(2)
    received, ended = b"", False
    while not ended:
        try:
            chunk = client.recv(1 << 16)
        except TimeoutError:
            break  # a sent close frame keeps the connection open for the client's reply (uvicorn's close timeout)
        ended = not chunk
        received += chunk
    client.close()
    frames = _frames(received)
    replayed = [json.loads(payload) for opcode, payload in frames if opcode == 0x1]
    closes = [payload for opcode, payload in frames if opcode == 0x8]
    assert all(event["type"] == "message" for event in replayed)
    assert [e["message"]["seq"] for e in replayed] == list(range(1, len(replayed) + 1)), (
        "in order, none skipped"
    )
    assert len(replayed) < STORED, (
        f"the replay stopped when the reader did ({len(replayed)} of {STORED} sent)"
    )
    assert [struct.unpack("!H", close[:2])[0] for close in closes] in ([1013], []), closes
    assert closes or ended, "closed with 1013, or the connection ended where no close frame could be written"
