"""Bounds on what one WebSocket may cost: per-socket token buckets and per-user / per-IP socket counts.

Buckets are per socket, so they need no shared store; they read the app's injected clock (the rate limiter's, epoch
seconds), so tests move time by hand. Socket counts are per ingress replica: N replicas admit up to N times the
setting, which still bounds what any one replica holds. A count shared through Redis would outlive a replica that
crashed without decrementing it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


class TokenBucket:
    """`take()` spends one token if there is one; tokens refill at `rate_per_s` up to `burst`."""

    def __init__(self, rate_per_s: float, burst: float, clock: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock
        self._tokens = burst
        self._at = clock()

    def take(self) -> bool:
        now = self.clock()
        # A clock that steps back (wall time corrected) must not drain the bucket.
        self._tokens = min(self.burst, self._tokens + max(0.0, now - self._at) * self.rate_per_s)
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False

    def retry_after_s(self) -> int:
        """Whole seconds until the next token (at least 1)."""
        missing = max(0.0, 1 - self._tokens)
        return max(1, int(-(-missing // self.rate_per_s)))


def per_minute(limit: int, clock: Callable[[], float]) -> TokenBucket:
    """`limit` at once, then `limit` a minute."""
    return TokenBucket(limit / 60, limit, clock)


@dataclass
class SocketCounts:
    """Open sockets of this replica by user and by client IP."""

    by_user: Counter[str] = field(default_factory=Counter)
    by_ip: Counter[str] = field(default_factory=Counter)

    def admit_ip(self, ip: str, limit: int) -> bool:
        if self.by_ip[ip] >= limit:
            return False
        self.by_ip[ip] += 1
        return True

    def admit_user(self, user: str, limit: int) -> bool:
        if self.by_user[user] >= limit:
            return False
        self.by_user[user] += 1
        return True

    @staticmethod
    def _release(counter: Counter[str], key: str) -> None:
        counter[key] -= 1
        if counter[key] <= 0:
            del counter[key]

    def release_ip(self, ip: str) -> None:
        self._release(self.by_ip, ip)

    def release_user(self, user: str) -> None:
        self._release(self.by_user, user)
