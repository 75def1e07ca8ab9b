"""Password hashing off the event loop, a bounded number at a time.

One argon2 hash takes tens of milliseconds of CPU and 64 MiB. On the ingress event loop a burst of sign-ins would
stall every stream the replica holds, so hashes run in a small thread pool (argon2-cffi releases the GIL while it
works). The semaphore, not only the pool's size, is the bound: a request waiting for a slot waits on the loop,
where it can be cancelled (the client went away) before it costs a hash, and `in_flight` shows how many run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher

from serve.security import hash_password, verify_password

T = TypeVar("T")


class PasswordHashing:
    """`await hash(password)` and `await verify(stored_hash, password)`, at most `concurrency` at once.

    Create it on the event loop that will use it (the app's lifespan); `close()` stops its threads.
    """

    def __init__(self, concurrency: int, *, hasher: PasswordHasher | None = None) -> None:
        self.concurrency = concurrency
        self.in_flight = 0
        self._hasher = hasher or PasswordHasher()
        self._slots = asyncio.Semaphore(concurrency)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="csagent-argon2")

    async def hash(self, password: str) -> str:
        return await self._run(lambda: hash_password(password, self._hasher))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """False for a wrong password and for no account (`None`), after the same work either way."""
        return await self._run(lambda: verify_password(password_hash, password, self._hasher))

    async def _run(self, work: Callable[[], T]) -> T:
        async with self._slots:
            self.in_flight += 1
            try:
                return await asyncio.get_running_loop().run_in_executor(self._pool, work)
            finally:
                self.in_flight -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
