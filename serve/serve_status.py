"""What Ray Serve's controller says about this application's deployments, for /api/ready.

The graph's `ready()` asks each deployment through a handle (is a replica answering?); this adds the controller's
view: each deployment's status and how many replicas run. A deployment is ready while it serves traffic:
HEALTHY, or scaling/updating with at least one RUNNING replica. Outside a Serve replica (tests, the local graph)
there is no controller and nothing is added.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

_SERVING = {"HEALTHY", "UPSCALING", "DOWNSCALING", "UPDATING"}
_CACHE_S = 2.0  # load balancers poll /api/ready often; the controller need not answer each probe
_cache: tuple[float, dict[str, str]] | None = None


def summarize(application: Any) -> dict[str, str]:
    """`serve:<deployment>` -> "ok" or why not, from an ApplicationStatusOverview."""
    checks: dict[str, str] = {}
    for name, deployment in sorted(application.deployments.items()):
        status = str(getattr(deployment.status, "value", deployment.status))
        running = sum(
            count
            for state, count in deployment.replica_states.items()
            if str(getattr(state, "value", state)) == "RUNNING"
        )
        if status in _SERVING and running > 0:
            checks[f"serve:{name}"] = "ok"
        else:
            reason = f"{status}, {running} running"
            checks[f"serve:{name}"] = f"{reason}: {deployment.message}" if deployment.message else reason
    return checks


def _query() -> dict[str, str]:
    from ray import serve

    try:
        app_name = serve.get_replica_context().app_name
    except Exception:  # not inside a Serve replica
        return {}
    application = serve.status().applications.get(app_name)
    if application is None:
        return {"serve": f"application {app_name!r} unknown to the controller"}
    return summarize(application)


async def deployment_checks(timeout_s: float) -> dict[str, str]:
    """The controller's view of every deployment of this app (cached briefly); {} outside Serve."""
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < _CACHE_S:
        return _cache[1]
    try:
        checks = await asyncio.wait_for(asyncio.to_thread(_query), timeout_s)
    except Exception as exc:
        checks = {"serve": f"failed: {type(exc).__name__}"}
    _cache = (now, checks)
    return checks
