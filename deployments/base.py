"""What every csagent deployment shares: bounded async start-up. (Their Serve options live in config/serve.yaml.)

Deployment classes stay undecorated; `serve/builder.py` wraps them with `serve.deployment` and an async
constructor that awaits `start()`. Tests and benchmarks run the very same classes in-process through
`deployments.local.LocalHandle`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

START_TIMEOUT_S = 300.0


class DeploymentNotReady(RuntimeError):
    """Raised by `check_health` (and requests) before `start()` has finished."""


async def bounded(label: str, work: Callable[[], T], timeout_s: float = START_TIMEOUT_S) -> T:
    """Run blocking start-up work in a thread, failing clearly after `timeout_s`."""
    return await bounded_async(label, asyncio.to_thread(work), timeout_s)


async def bounded_async(label: str, work: Awaitable[T], timeout_s: float = START_TIMEOUT_S) -> T:
    """Await start-up work, failing clearly after `timeout_s`."""
    try:
        return await asyncio.wait_for(work, timeout=timeout_s)
    except TimeoutError as exc:
        raise RuntimeError(f"{label} did not start within {timeout_s:.0f} s") from exc
