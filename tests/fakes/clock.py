"""A clock that moves only when a test moves it: lease expiry without waiting on the wall clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from serve.storage.tables import utcnow


class ManualClock:
    """Implements serve.chat.lease.Clock: `now()` stands still until `advance()`; `sleep(s)` returns once the
    clock has been moved at least `s` further than it was when the sleep began."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or utcnow()
        self._moved = asyncio.Condition()
        self.sleeping = 0

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        deadline = self._now + timedelta(seconds=seconds)
        async with self._moved:
            self.sleeping += 1
            try:
                await self._moved.wait_for(lambda: self._now >= deadline)
            finally:
                self.sleeping -= 1

    async def advance(self, delta: timedelta) -> None:
        """Move the clock and wake the sleepers whose time has come."""
        self._now += delta
        async with self._moved:
            self._moved.notify_all()
