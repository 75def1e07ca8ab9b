"""Sign-in attempts per account (in memory and in the real Redis) and per-IP limits behind trusted proxies."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from serve.app import create_app
from serve.ratelimit import Decision, RateLimiter
from serve.settings import AuthSettings, RateLimitSettings
from tests.conftest import make_settings

REDIS_URL = os.environ.get("CSAGENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
START = 1_800_000_000.0
STORES = [pytest.param(None, id="memory"), pytest.param(REDIS_URL, id="redis")]


class FrozenClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _run_attempts(url: str | None, plan: list[float | str]) -> list[Decision]:
    """Attempts for one fresh key, 3 per 100 s: a number moves the clock that far, "ok" forgets the count."""
    clock = FrozenClock()
    limiter = RateLimiter(url, clock=clock)
    key = uuid.uuid4().hex

    async def run() -> list[Decision]:
        decisions = []
        try:
            for step in plan:
                if step == "ok":
                    await limiter.forget("test", key)
                elif isinstance(step, float):
                    clock.now += step
                else:
                    decisions.append(await limiter.attempt("test", key, 3, 100))
            return decisions
        finally:
            await limiter.close()

    return asyncio.run(run())


@pytest.mark.parametrize("url", STORES)
def test_attempts_over_the_limit_are_refused_until_the_oldest_leaves_the_window(url: str | None) -> None:
    decisions = _run_attempts(
        url, ["try", 10.0, "try", 10.0, "try", 5.0, "try", 74.0, "try", 1.0, "try", "try"]
    )
    assert [(d.allowed, d.retry_after_s) for d in decisions] == [
        (True, 0),
        (True, 0),
        (True, 0),
        (False, 75),  # at 25 s: the first attempt (at 0 s) leaves the window at 100 s
        (False, 1),  # refused retries were not counted: still the same 100 s
        (True, 0),  # 100 s: the first left; this one is counted
        (False, 10),  # 3 counted again (10, 20, 100): the one at 10 s leaves at 110 s
    ]


@pytest.mark.parametrize("url", STORES)
def test_forget_clears_the_count(url: str | None) -> None:
    decisions = _run_attempts(url, ["try", "try", "ok", "try", "try", "try", "try"])
    assert [d.allowed for d in decisions] == [True, True, True, True, True, False]


@pytest.mark.parametrize("url", STORES)
def test_concurrent_attempts_let_exactly_the_limit_through(url: str | None) -> None:
    limiter = RateLimiter(url, clock=FrozenClock())
    key = uuid.uuid4().hex

    async def run() -> list[bool]:
        try:
            decisions = await asyncio.gather(*(limiter.attempt("test", key, 3, 100) for _ in range(12)))
            return [d.allowed for d in decisions]
        finally:
            await limiter.close()

    assert sorted(asyncio.run(run())) == [False] * 9 + [True] * 3


def test_a_redis_outage_allows_attempts() -> None:
    decisions = _run_attempts("redis://127.0.0.1:1/0", ["try"] * 5)
    assert all(d.allowed for d in decisions)


@pytest.fixture(params=STORES)
def throttled(
    request: pytest.FixtureRequest, tmp_path: Path, graph: LocalHandle
) -> Iterator[tuple[TestClient, FrozenClock, list[str]]]:
    """3 sign-in attempts per account per 15 minutes; the limiter's clock frozen; every password check recorded."""
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'throttle.db'}",
        redis_url=request.param,
        auth=AuthSettings(login_attempts_per_account=3, login_attempts_window_s=900),
    )
    with TestClient(create_app(settings, graph)) as client:
        clock = FrozenClock()
        client.app.state.csagent.limiter.clock = clock  # type: ignore[attr-defined]
        passwords = client.app.state.passwords  # type: ignore[attr-defined]
        checked: list[str] = []
        verify = passwords.verify

        async def recording_verify(password_hash: str | None, password: str) -> bool:
            checked.append(password)
            result: bool = await verify(password_hash, password)
            return result

        passwords.verify = recording_verify
        yield client, clock, checked


def _register(client: TestClient) -> str:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    body = {"email": email, "password": "the right password", "display_name": "T"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    return email


def _login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_wrong_passwords_for_one_account_get_429_with_retry_after(
    throttled: tuple[TestClient, FrozenClock, list[str]],
) -> None:
    client, clock, checked = throttled
    email = _register(client)
    assert [_login(client, email, f"wrong {i}").status_code for i in range(3)] == [401, 401, 401]
    clock.now += 60
    refused = _login(client, email, "the right password")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert refused.headers["retry-after"] == "840"
    assert checked == ["wrong 0", "wrong 1", "wrong 2"], "a refused attempt costs no password hash"
    other = _register(client)
    assert _login(client, other, "the right password").status_code == 200, "other accounts are unaffected"
    clock.now += 840
    assert _login(client, email.upper(), "the right password").status_code == 200


def test_a_success_clears_the_count(throttled: tuple[TestClient, FrozenClock, list[str]]) -> None:
    client, _, _ = throttled
    email = _register(client)
    statuses = [_login(client, email, p).status_code for p in ["no", "no", "the right password", "no", "no"]]
    assert statuses == [401, 401, 200, 401, 401]


def test_unknown_emails_are_throttled_the_same_way(
    throttled: tuple[TestClient, FrozenClock, list[str]],
) -> None:
    client, _, _ = throttled
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    answers = [_login(client, email, "guess") for _ in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[3].json()["error"]["code"] == "too_many_attempts"


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [
        # Trusted: each forwarded client has its own budget of 2.
        (["10.0.0.0/8"], [201, 201, 429, 201]),
        # Not trusted (the default): the header is ignored and everything counts against the peer.
        ([], [201, 201, 429, 429]),
    ],
)
def test_per_ip_limits_believe_x_forwarded_for_only_from_trusted_proxies(
    tmp_path: Path, graph: LocalHandle, trusted: list[str], expected: list[int]
) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'proxy.db'}",
        trusted_proxies=trusted,
        rate_limit=RateLimitSettings(ip_per_minute=2),
    )
    with TestClient(create_app(settings, graph), client=("10.0.0.5", 40000)) as client:
        client.app.state.csagent.limiter.clock = FrozenClock(START + 20)  # type: ignore[attr-defined]
        forwarded = ["198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.2"]
        statuses = [
            client.post(
                "/api/v1/auth/guest", json={}, headers={"X-Forwarded-For": f"1.1.1.1, {ip}"}
            ).status_code
            for ip in forwarded
        ]
    assert statuses == expected
