"""The Serve ingress deployment: the FastAPI app of `create_app`, built on each replica with the graph handle.

It also drains the replica when Serve starts to stop it (a rolling `serve deploy`, a downscale). What Ray Serve
2.60 does on a stop (ray/serve/_private/replica.py `_perform_graceful_shutdown`, deployment_state.py
`DeploymentReplica.stop`/`check_stopped`): the controller marks the replica STOPPING and asks it to shut down; the
replica waits until it has no ongoing request (an open WebSocket is one, for its whole life), checking every
`graceful_shutdown_wait_loop_s`, and only then runs the ASGI lifespan shutdown; the controller kills the actor
`graceful_shutdown_timeout_s` after asking, finished or not. A drain in the lifespan shutdown alone would therefore
wait behind our own sockets and be killed first (clients see 1006). Serve offers the user no hook at the start of a
stop, so `StopWatch` asks the controller for this replica's state, through the same call that `serve.status()` makes,
reading the public, stable `ReplicaDetails` schema (also the dashboard's REST API), and the drain runs as soon as the
state is STOPPING: sockets get 1012 and close, so Serve's own wait ends early and the lifespan shutdown runs well
inside the controller's deadline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from ray import serve

from serve.app import create_app
from serve.settings import Settings
from serve.state import AppState

logger = logging.getLogger("csagent.ingress")
# How often a replica asks the controller whether it is being stopped: the drain starts at most this late.
STOP_POLL_S = 1.0
STOPPING = "STOPPING"

ServeDetails = Callable[[], Awaitable[dict[str, Any]]]


class StopWatch:
    """Notices when Serve starts stopping one replica, from `details` (ServeInstanceDetails as a dict)."""

    def __init__(
        self,
        details: ServeDetails,
        *,
        app: str,
        deployment: str,
        replica_id: str,
        poll_s: float = STOP_POLL_S,
    ) -> None:
        self.details = details
        self.app, self.deployment, self.replica_id = app, deployment, replica_id
        self.poll_s = poll_s

    def stopping(self, details: dict[str, Any]) -> bool:
        """Whether these details say this replica is being stopped. Only STOPPING counts (deleting the application
        stops its replicas too): a replica missing from the details (a controller still recovering) must not drain,
        since a draining replica refuses every socket until it is gone."""
        application = details.get("applications", {}).get(self.app) or {}
        deployment = application.get("deployments", {}).get(self.deployment) or {}
        return any(
            replica.get("replica_id") == self.replica_id and replica.get("state") == STOPPING
            for replica in deployment.get("replicas", [])
        )

    async def wait(self) -> None:
        """Return once Serve is stopping this replica; a failed look (controller restarting) is retried."""
        while True:
            try:
                if self.stopping(await self.details()):
                    return
            except Exception as exc:
                logger.warning("could not read this replica's state from Serve", extra={"error": repr(exc)})
            await asyncio.sleep(self.poll_s)


def _serve_details() -> Awaitable[dict[str, Any]]:
    from ray.serve.context import _get_global_client

    client = _get_global_client()
    assert client is not None  # it raises when no controller runs
    return asyncio.to_thread(client.get_serve_details)  # the blocking ray.get stays off the event loop


def _this_replica() -> StopWatch:
    context = serve.get_replica_context()
    return StopWatch(
        _serve_details, app=context.app_name, deployment=context.deployment, replica_id=context.replica_tag
    )


async def drain_when_stopped(app: FastAPI, watch: StopWatch, deadline_s: float) -> None:
    """Wait for Serve to stop this replica, then drain it (serve/state.py `AppState.drain`)."""
    await watch.wait()
    state: AppState = app.state.csagent
    logger.info("Serve is stopping this replica: draining", extra={"sockets": len(state.sockets)})
    await state.drain(deadline_s)
    logger.info("replica drained")


def with_drain_on_stop(app: FastAPI, watch: Callable[[], StopWatch], deadline_s: float) -> FastAPI:
    """`app`, whose lifespan also runs `drain_when_stopped` while the app is up."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(asgi_app: Any) -> AsyncIterator[Any]:
        async with inner(asgi_app) as value:
            drainer = asyncio.create_task(drain_when_stopped(app, watch(), deadline_s), name="drain-on-stop")
            try:
                yield value
            finally:
                # Serve runs this shutdown once the sockets are closed, possibly while running turns still have
                # time to finish: let a started drain end (it is bounded by `deadline_s`), so nothing is cut off
                # without being handed over.
                if not app.state.csagent.draining:
                    drainer.cancel()
                await asyncio.gather(drainer, return_exceptions=True)

    app.router.lifespan_context = lifespan
    return app


@serve.ingress()
class Ingress:
    """Holds the conversation-graph and escalation handles; `__serve_build_asgi_app__` runs after `__init__` on
    the replica."""

    def __init__(self, graph: Any, settings: dict[str, Any], escalation: Any = None) -> None:
        self._graph = graph
        self._escalation = escalation
        self._settings = Settings(**settings)

    def __serve_build_asgi_app__(self) -> FastAPI:
        app = create_app(self._settings, self._graph, self._escalation)
        return with_drain_on_stop(app, _this_replica, self._settings.chat.drain_timeout_s)

    async def check_health(self) -> None:
        """Serve's health probe: the replica answers while its event loop runs."""
