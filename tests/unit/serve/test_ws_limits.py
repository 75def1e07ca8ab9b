"""Per-socket buckets, socket counts, and the bounded outbound queue of a chat socket."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace
from typing import Any, cast

from serve.api.ws_limits import SocketCounts, TokenBucket, per_minute
from serve.api.ws_socket import CLOSE_TRY_LATER, ChatSocket
from serve.security import Claims
from serve.settings import ChatSettings, Settings
from serve.state import AppState


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_refills_at_its_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(2.0, 3, clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.retry_after_s() == 1
    clock.now += 0.5  # one token at 2 per second
    assert [bucket.take(), bucket.take()] == [True, False]
    clock.now += 100  # never more than the burst
    assert sum(bucket.take() for _ in range(10)) == 3


def test_bucket_ignores_a_clock_that_steps_back() -> None:
    clock = Clock()
    bucket = TokenBucket(1.0, 2, clock)
    assert bucket.take()
    clock.now -= 3600
    assert bucket.take()
    assert not bucket.take()


def test_per_minute_bucket_waits_the_right_time() -> None:
    clock = Clock()
    bucket = per_minute(6, clock)  # one every 10 s after the first six
    assert sum(bucket.take() for _ in range(7)) == 6
    assert bucket.retry_after_s() == 10
    clock.now += 10
    assert bucket.take()


def test_socket_counts_cap_and_release() -> None:
    counts = SocketCounts()
    assert [counts.admit_user("u", 2) for _ in range(3)] == [True, True, False]
    assert counts.admit_user("other", 2)
    counts.release_user("u")
    assert counts.admit_user("u", 2)
    assert counts.admit_ip("10.0.0.1", 1) and not counts.admit_ip("10.0.0.1", 1)
    counts.release_ip("10.0.0.1")
    assert counts.by_ip == {}


class StalledWebSocket:
    """A peer that never reads: once the transport is full, every send blocks (as TCP backpressure does)."""

    scope: dict[str, Any] = {"state": {"request_id": "rid"}}

    def __init__(self) -> None:
        self.sent = 0
        self.closed: tuple[int, str] | None = None

    async def send_text(self, text: str) -> None:
        self.sent += 1
        await asyncio.Event().wait()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed = (code, reason)


def _socket(ws: StalledWebSocket, **chat: Any) -> ChatSocket:
    settings = Settings(env="test", chat=ChatSettings(**chat))
    state = SimpleNamespace(settings=settings, limiter=SimpleNamespace(clock=Clock()))
    caller = Claims(sub=uuid.uuid4(), org=uuid.uuid4(), role="customer")
    return ChatSocket(cast(Any, ws), cast(AppState, state), caller)


def test_a_reader_that_does_not_read_is_closed_with_1013_once_its_queue_is_full() -> None:
    async def run() -> tuple[StalledWebSocket, ChatSocket, int]:
        ws = StalledWebSocket()
        socket = _socket(ws, ws_outbox_events=16)
        writer = asyncio.create_task(socket.writer())
        await asyncio.sleep(0)
        for index in range(100):
            socket.send({"type": "pong", "n": index})
            await asyncio.sleep(0)
        queued = socket.outbox.qsize()
        await socket.close(writer)
        return ws, socket, queued

    ws, socket, queued = asyncio.run(run())
    assert ws.sent == 1, "the writer is stuck on the first event"
    assert queued == 16, "the queue never grows past its bound"
    assert socket.ended.is_set()
    assert ws.closed is not None and ws.closed[0] == CLOSE_TRY_LATER


def test_a_replay_waits_for_room_then_gives_up_on_a_reader_that_does_not_read() -> None:
    async def run() -> tuple[StalledWebSocket, list[bool]]:
        ws = StalledWebSocket()
        socket = _socket(ws, ws_outbox_events=16, ws_send_timeout_s=0.05)
        writer = asyncio.create_task(socket.writer())
        sent = [await socket.send_paced({"type": "message", "n": n}) for n in range(20)]
        await socket.close(writer)
        return ws, sent

    ws, sent = asyncio.run(run())
    # One taken by the stuck writer, sixteen queued, then one wait runs out and the rest are not attempted.
    assert sent == [True] * 17 + [False] * 3
    assert ws.closed is not None and ws.closed[0] == CLOSE_TRY_LATER


def test_a_reader_that_keeps_up_is_never_closed() -> None:
    class Reading(StalledWebSocket):
        async def send_text(self, text: str) -> None:
            self.sent += 1

    async def run() -> tuple[StalledWebSocket, ChatSocket]:
        ws = Reading()
        socket = _socket(ws, ws_outbox_events=16)
        writer = asyncio.create_task(socket.writer())
        for index in range(200):
            socket.send({"type": "pong", "n": index})
            await asyncio.sleep(0)
        await socket.close(writer)
        return ws, socket

    ws, socket = asyncio.run(run())
    assert ws.sent == 200 and not socket.ended.is_set() and ws.closed is None
