"""Rate limits per user and per IP (fixed one-minute windows), shared through Redis when configured.

Without Redis each replica counts on its own (the embedded default). If Redis fails the request is allowed and the
failure logged: a limiter outage must never turn into errors for customers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from serve import metrics

logger = logging.getLogger("csagent.ratelimit")
WINDOW_S = 60


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: int


class RateLimiter:
    """`hit(scope, key, limit)` counts one request and says whether it is within `limit` per minute.

    `clock` (epoch seconds) decides the window; tests inject one so a window never ends mid-test.
    """

    def __init__(self, redis_url: str | None, *, clock: Callable[[], float] = time.time) -> None:
        self._redis: Redis | None = Redis.from_url(redis_url, decode_responses=True) if redis_url else None
        self._local: dict[str, int] = {}
        self.clock = clock

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()

    async def hit(self, scope: str, key: str, limit: int) -> Decision:
        now = self.clock()
        window = int(now // WINDOW_S)
        retry_after = max(1, int((window + 1) * WINDOW_S - now))
        name = f"csagent:rl:{scope}:{key}:{window}"
        count = await self._count(name, window)
        if count is None or count <= limit:
            return Decision(True, 0)
        metrics.RATE_LIMITED.labels(scope=scope).inc()
        return Decision(False, retry_after)

    async def _count(self, name: str, window: int) -> int | None:
        if self._redis is None:
            if len(self._local) > 50_000:  # old windows: drop them all rather than grow without bound
                self._local = {k: v for k, v in self._local.items() if k.endswith(f":{window}")}
            self._local[name] = self._local.get(name, 0) + 1
            return self._local[name]
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, WINDOW_S * 2)
                count, _ = await pipe.execute()
            return int(count)
        except (RedisError, OSError):
            metrics.ERRORS.labels(code="rate_limiter_unavailable").inc()
            logger.warning("rate limiter unavailable; allowing the request")
            return None
