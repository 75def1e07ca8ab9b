"""Rate limits: in-memory and in the real Redis; 429 with Retry-After; a Redis outage allows and logs."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from serve.app import create_app
from serve.ratelimit import RateLimiter
from serve.settings import RateLimitSettings
from tests.conftest import make_settings
from tests.factories import auth, conversation, guest

REDIS_URL = os.environ.get("CSAGENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Windows are whole minutes of epoch time: 20 s into one, so a test never straddles two.
MID_WINDOW = 1_800_000_000 + 20.0


class FrozenClock:
    def __init__(self, now: float = MID_WINDOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def _three_of_five(limiter: RateLimiter) -> list[bool]:
    key = uuid.uuid4().hex
    try:
        return [(await limiter.hit("test", key, 3)).allowed for _ in range(5)]
    finally:
        await limiter.close()


@pytest.mark.parametrize("url", [None, REDIS_URL])
def test_limit_counts_per_key(url: str | None) -> None:
    limiter = RateLimiter(url, clock=FrozenClock())
    assert asyncio.run(_three_of_five(limiter)) == [True, True, True, False, False]


@pytest.mark.parametrize("url", [None, REDIS_URL])
def test_the_next_window_starts_afresh_and_retry_after_counts_down_to_it(url: str | None) -> None:
    clock = FrozenClock()
    limiter = RateLimiter(url, clock=clock)
    key = uuid.uuid4().hex

    async def run() -> list[tuple[bool, int]]:
        try:
            decisions = [await limiter.hit("test", key, 1) for _ in range(2)]
            clock.now += 60
            decisions.append(await limiter.hit("test", key, 1))
            return [(d.allowed, d.retry_after_s) for d in decisions]
        finally:
            await limiter.close()

    assert asyncio.run(run()) == [(True, 0), (False, 40), (True, 0)]


def test_redis_outage_allows_requests() -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0", clock=FrozenClock())
    assert asyncio.run(_three_of_five(limiter)) == [True] * 5


@pytest.fixture
def strict_client(tmp_path: object, graph: LocalHandle) -> Iterator[TestClient]:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/rl.db",
        redis_url=REDIS_URL,
        rate_limit=RateLimitSettings(ip_per_minute=1000, user_per_minute=4, ws_sends_per_minute=1),
    )
    with TestClient(create_app(settings, graph)) as client:
        client.app.state.csagent.limiter.clock = FrozenClock()  # type: ignore[attr-defined]
        yield client


def test_rest_over_the_user_limit_gets_429_with_retry_after(strict_client: TestClient) -> None:
    session = guest(strict_client)
    statuses = [strict_client.get("/api/v1/me", headers=auth(session)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    refused = strict_client.get("/api/v1/me", headers=auth(session))
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.headers["retry-after"] == "40"
    assert strict_client.get("/api/health").status_code == 200, "health is never limited"


def test_websocket_sends_are_limited_too(strict_client: TestClient) -> None:
    session = guest(strict_client)
    chat = conversation(strict_client, session)
    with strict_client.websocket_connect(f"/api/v1/ws?token={session['access_token']}") as ws:
        for _ in range(2):
            cid = str(uuid.uuid4())
            ws.send_json(
                {
                    "type": "message.send",
                    "conversation_id": chat["id"],
                    "client_message_id": cid,
                    "content": "hello",
                }
            )
        events: list[dict[str, Any]] = []
        while not any(e.get("code") == "rate_limited" for e in events):
            events.append(ws.receive_json())
    refused = next(e for e in events if e.get("code") == "rate_limited")
    assert refused["client_message_id"] == cid
