"""Per-deployment metrics through `ray.serve.metrics`: exported on Ray's metrics endpoint (summed across
replicas, beside Ray's own `ray_serve_*` series), so one Prometheus scrape config collects every deployment.
Ray adds the `deployment`, `replica` and `application` tags itself (and refuses them from us).

Outside a Serve replica (tests, benchmarks, `deployments.local`) nothing is recorded: creating Ray metrics there
would start Ray.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_BOUNDARIES = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0]


def _in_replica() -> bool:
    try:
        from ray import serve

        serve.get_replica_context()
        return True
    except Exception:
        return False


class DeploymentMetrics:
    """Calls, failures and latency per deployment method; plus named counters a deployment declares."""

    def __init__(self, counters: dict[str, str] | None = None) -> None:
        self._calls: Any = None
        self._latency: Any = None
        self._counters: dict[str, Any] = {}
        if not _in_replica():
            return
        from ray.serve import metrics

        self._calls = metrics.Counter(
            "csagent_deployment_calls_total",
            description="Calls of a csagent deployment method, by outcome.",
            tag_keys=("method", "outcome"),  # type: ignore[arg-type]  # Ray's stub says a 1-tuple
        )
        self._latency = metrics.Histogram(
            "csagent_deployment_latency_seconds",
            description="Latency of a csagent deployment method.",
            boundaries=_BOUNDARIES,
            tag_keys=("method",),
        )
        for name, description in (counters or {}).items():
            self._counters[name] = metrics.Counter(
                f"csagent_{name}_total",
                description=description,
                tag_keys=("label",),
            )

    @contextmanager
    def timed(self, method: str) -> Iterator[None]:
        started = time.perf_counter()
        outcome = "error"
        try:
            yield
            outcome = "ok"
        finally:
            if self._calls is not None:
                self._calls.inc(tags={"method": method, "outcome": outcome})
                self._latency.observe(time.perf_counter() - started, tags={"method": method})

    def count(self, name: str, label: str, value: float = 1.0) -> None:
        counter = self._counters.get(name)
        if counter is not None and value > 0:
            counter.inc(value, tags={"label": label})
