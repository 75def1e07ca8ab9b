"""What every csagent deployment shares: bounded async start-up and default Serve options.

Deployment classes stay undecorated; `serve/builder.py` wraps them with `serve.deployment` and an async
constructor that awaits `start()`. Tests and benchmarks run the very same classes in-process through
`deployments.local.LocalHandle`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

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


def serve_options(
    *, max_ongoing: int, target: float, max_replicas: int = 2, num_cpus: float = 0.25
) -> dict[str, Any]:
    """Default Serve options of a csagent deployment (config/serve.yaml may override each one).

    Fractional CPUs: five small deployments share a 2-core machine; autoscaling adds replicas under load.
    """
    return {
        "ray_actor_options": {"num_cpus": num_cpus},
        "autoscaling_config": {
            "min_replicas": 1,
            "max_replicas": max_replicas,
            "target_ongoing_requests": target,
            "upscale_delay_s": 10,
            "downscale_delay_s": 60,
        },
        "max_ongoing_requests": max_ongoing,
        "health_check_period_s": 10,
    }
