"""A socket lives no longer than the access token that opened it: it is closed with 4401 when the token's `exp`
passes, and the client refreshes its token and reconnects (subscribing with its last `seq`, resending what was
not acknowledged).

Each socket holds one scheduled call from the event loop's timer heap, cancelled when the socket closes: no
polling, so 10,000 idle sockets cost 10,000 heap entries and nothing else. The delay is measured from the app's
injectable clock (`get_clock`), and the call checks that clock again when it fires, so a wall clock stepped back
does not close a socket whose token is still good. Tests swap the timers for ones they fire by hand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol

import jwt
from fastapi import Depends

from serve.api.deps import ClockDep


class Timer(Protocol):
    def cancel(self) -> None: ...


class SocketTimers(Protocol):
    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        """Call `callback` once at `when` (epoch seconds) on the running loop, unless cancelled first."""
        ...


class _Pending:
    """One scheduled expiry; `cancel()` reaches whichever loop handle is current (it may have been renewed)."""

    def __init__(self) -> None:
        self.handle: asyncio.TimerHandle | None = None

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()


@dataclass(frozen=True)
class LoopTimers:
    """The event loop's own timers, with `when` read against the app's clock."""

    clock: Callable[[], datetime]

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        loop = asyncio.get_running_loop()
        pending = _Pending()

        def due() -> None:
            left = when - self.clock().timestamp()
            if left > 0:  # the clock was stepped back, or runs behind the loop's: not yet
                pending.handle = loop.call_later(left, due)
            else:
                callback()

        pending.handle = loop.call_later(max(0.0, when - self.clock().timestamp()), due)
        return pending


async def get_socket_timers(clock: ClockDep) -> SocketTimers:
    """The timers that end sockets at their token's expiry; tests override this dependency."""
    return LoopTimers(clock)


SocketTimersDep = Annotated[SocketTimers, Depends(get_socket_timers)]


def token_expires_at(token: str) -> float:
    """The `exp` (epoch seconds) of an access token that `decode_access_token` has already verified."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return float(claims["exp"])
