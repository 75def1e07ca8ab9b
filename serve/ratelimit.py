"""Rate limits per user and per IP (fixed one-minute windows), shared through Redis when configured, and
attempt limits (sliding windows, e.g. sign-ins per account).

Without Redis each replica counts on its own (the embedded default). If Redis fails the request is allowed and the
failure logged: a limiter outage must never turn into errors for customers.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
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
        self._attempts: dict[str, list[float]] = {}
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

    async def attempt(self, scope: str, key: str, limit: int, window_s: int) -> Decision:
        """Count one attempt unless `limit` were already counted in the last `window_s` seconds.

        A refused attempt is not counted, so the refusal ends `window_s` after the oldest counted attempt however
        often the caller retries; `retry_after_s` says when. `forget` clears the count (e.g. after a success).
        """
        now = self.clock()
        counted = await self._count_attempt(f"csagent:attempts:{scope}:{key}", now, limit, window_s)
        if counted is None or len(counted) < limit:
            return Decision(True, 0)
        metrics.RATE_LIMITED.labels(scope=scope).inc()
        # Allowed again once fewer than `limit` counted attempts remain in the window.
        unblocks_at = sorted(counted)[len(counted) - limit] + window_s
        return Decision(False, max(1, math.ceil(unblocks_at - now)))

    async def forget(self, scope: str, key: str) -> None:
        name = f"csagent:attempts:{scope}:{key}"
        if self._redis is None:
            self._attempts.pop(name, None)
            return
        try:
            await self._redis.delete(name)
        except (RedisError, OSError):
            logger.warning("rate limiter unavailable; an attempt count was not cleared")

    async def _count_attempt(self, name: str, now: float, limit: int, window_s: int) -> list[float] | None:
        """The times of the attempts counted before this one within the window; this one is counted only when
        there were fewer than `limit`. None when Redis is unavailable."""
        if self._redis is None:
            if len(self._attempts) > 50_000:  # keys with nothing left in their window go
                self._attempts = {k: v for k, v in self._attempts.items() if v and v[-1] > now - window_s}
            earlier = [t for t in self._attempts.get(name, []) if t > now - window_s]
            self._attempts[name] = [*earlier, now] if len(earlier) < limit else earlier
            return earlier
        # Add, then look: concurrent attempts each see the others' entries (MULTI runs atomically), so at most
        # `limit` are let through; a refused one takes its entry back.
        member = f"{now!r}:{uuid.uuid4().hex}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(name, "-inf", now - window_s)
                pipe.zadd(name, {member: now})
                pipe.zrange(name, 0, -1, withscores=True)
                pipe.expire(name, window_s)
                _, _, entries, _ = await pipe.execute()
            earlier = [float(score) for entry, score in entries if entry != member]
            if len(earlier) >= limit:
                await self._redis.zrem(name, member)
            return earlier
        except (RedisError, OSError):
            metrics.ERRORS.labels(code="rate_limiter_unavailable").inc()
            logger.warning("rate limiter unavailable; allowing the attempt")
            return None
