"""Password hashing runs off the event loop, at most `concurrency` hashes at once."""

from __future__ import annotations

import asyncio
import threading
from typing import Literal

from argon2 import PasswordHasher

from serve.passwords import PasswordHashing
from serve.security import hash_password


class GatedHasher(PasswordHasher):
    """The real argon2 verification, held at a gate the test opens from the event loop.

    If verification ran on the loop, the loop could never open the gate: the guard's timeout turns that deadlock
    into a failure instead of a hang.
    """

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.started = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:  # noqa: A002 - base signature
        with self._lock:
            self.started += 1
        if not self.gate.wait(timeout=60):
            raise RuntimeError("the gate never opened: the event loop was blocked")
        return super().verify(hash, password)


def test_the_loop_keeps_running_while_hashes_are_in_flight_and_the_bound_holds() -> None:
    stored = hash_password("correct horse battery")
    hasher = GatedHasher()
    attempts = ["correct horse battery", "wrong", "correct horse battery", "wrong", "wrong"]

    async def scenario() -> tuple[list[bool], list[tuple[int, int]], int]:
        pool = PasswordHashing(2, hasher=hasher)
        observed: list[tuple[int, int]] = []

        async def probe() -> None:
            while pool.in_flight < 2:
                await asyncio.sleep(0)
            # Two hashes are in flight and none can finish before this coroutine opens the gate: every tick
            # below is the event loop serving other work during the hashes.
            for _ in range(200):
                observed.append((pool.in_flight, hasher.started))
                await asyncio.sleep(0)
            hasher.gate.set()

        try:
            results = await asyncio.gather(*(pool.verify(stored, attempt) for attempt in attempts), probe())
            return [r for r in results if r is not None], observed, pool.in_flight
        finally:
            pool.close()

    results, observed, left = asyncio.run(scenario())
    assert results == [True, False, True, False, False]
    assert len(observed) == 200
    assert {in_flight for in_flight, _ in observed} == {2}, "two hashes ran, the other three waited"
    assert max(started for _, started in observed) <= 2, "no third hash started while two were in flight"
    assert hasher.started == len(attempts) and left == 0


def test_hash_then_verify_through_the_pool() -> None:
    async def scenario() -> tuple[bool, bool, bool]:
        pool = PasswordHashing(1)
        try:
            stored = await pool.hash("a long enough password")
            return (
                await pool.verify(stored, "a long enough password"),
                await pool.verify(stored, "another password"),
                await pool.verify(None, "no account"),
            )
        finally:
            pool.close()

    assert asyncio.run(scenario()) == (True, False, False)
