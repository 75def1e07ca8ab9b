"""The loop timers that end a socket at its token's expiry: measured from the app's clock, checked again on firing,
cancellable (the clock is frozen; only zero-delay calls are let run)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from serve.api.ws_expiry import LoopTimers, token_expires_at

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@dataclass
class FrozenNow:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


async def _turns(n: int = 3) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def _delay(timer: object, loop: asyncio.AbstractEventLoop) -> float:
    handle = timer.handle  # type: ignore[attr-defined]
    assert isinstance(handle, asyncio.TimerHandle)
    return handle.when() - loop.time()


def test_the_call_is_scheduled_at_when_read_against_the_app_clock() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        fired: list[str] = []
        timer = LoopTimers(FrozenNow()).call_at(
            (START + timedelta(seconds=900)).timestamp(), lambda: fired.append("x")
        )
        assert 899 < _delay(timer, loop) <= 900
        await _turns()
        assert fired == []
        timer.cancel()

    asyncio.run(scenario())


def test_a_past_expiry_fires_at_once_and_a_cancelled_one_never() -> None:
    async def scenario() -> None:
        fired: list[str] = []
        timers = LoopTimers(FrozenNow())
        timers.call_at(START.timestamp() - 5, lambda: fired.append("past"))
        timers.call_at(START.timestamp(), lambda: fired.append("now")).cancel()
        await _turns()
        assert fired == ["past"]

    asyncio.run(scenario())


def test_a_clock_stepped_back_before_the_call_fires_puts_it_off() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        clock = FrozenNow()
        fired: list[str] = []
        timer = LoopTimers(clock).call_at(START.timestamp(), lambda: fired.append("x"))
        clock.now = START - timedelta(seconds=30)  # corrected wall clock: the token is still good for 30 s
        await _turns()
        assert fired == []
        assert 29 < _delay(timer, loop) <= 30
        timer.cancel()
        assert timer.handle.cancelled(), "cancel reaches the renewed handle"  # type: ignore[attr-defined]

    asyncio.run(scenario())


def test_token_expires_at_reads_exp() -> None:
    token = jwt.encode({"exp": 1_900_000_000, "sub": "x"}, "k" * 32, algorithm="HS256")
    assert token_expires_at(token) == pytest.approx(1_900_000_000)
