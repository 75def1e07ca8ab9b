"""How the ingress notices that Serve is stopping its replica (serve/ingress.py StopWatch), and the time budget of a
stop: the drain must end, with margin, before Serve kills the replica."""

from __future__ import annotations

import asyncio
from typing import Any

from serve.builder import serve_yaml_options
from serve.ingress import STOP_POLL_S, StopWatch
from serve.settings import Settings

# Closing the sockets, Serve's last wait loop and the lifespan shutdown all come after the turns' deadline.
MARGIN_S = 5.0


def _details(*replicas: tuple[str, str]) -> dict[str, Any]:
    listed = [{"replica_id": replica_id, "state": state} for replica_id, state in replicas]
    return {"applications": {"csagent": {"deployments": {"ingress": {"replicas": listed}}}}}


class Scripted:
    """Serve details read from a script, one answer per call (the last repeats); an exception is raised."""

    def __init__(self, *answers: dict[str, Any] | Exception) -> None:
        self.answers = list(answers)
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        if isinstance(answer, Exception):
            raise answer
        return answer


def _watch(details: Scripted) -> StopWatch:
    return StopWatch(details, app="csagent", deployment="ingress", replica_id="me", poll_s=0)


def test_only_this_replica_stopping_counts() -> None:
    watch = _watch(Scripted())
    assert not watch.stopping(_details(("me", "RUNNING"), ("other", "STOPPING")))
    assert watch.stopping(_details(("me", "STOPPING"), ("other", "RUNNING")))


def test_a_replica_missing_from_the_details_is_not_stopping() -> None:
    """Not listed: Serve is still starting it, or a restarted controller has not recovered the application yet.
    Draining then would refuse every socket for the rest of the replica's life."""
    watch = _watch(Scripted())
    assert not watch.stopping(_details(("me", "RUNNING")))
    assert not watch.stopping({"applications": {}})
    assert not watch.stopping(_details(("other", "STOPPING")))


async def test_waiting_returns_at_the_stop_and_rides_out_failed_reads() -> None:
    details = Scripted(
        _details(("me", "STARTING")),
        RuntimeError("controller restarting"),
        _details(("me", "RUNNING")),
        _details(("me", "STOPPING")),
    )
    await asyncio.wait_for(_watch(details).wait(), 10)
    assert details.calls == 4


def test_the_drain_ends_well_before_serve_kills_the_replica() -> None:
    """Serve kills a stopping replica graceful_shutdown_timeout_s after asking it to stop; the drain starts up to a
    poll later and its turns may take drain_timeout_s."""
    ingress = serve_yaml_options()["ingress"]
    budget = STOP_POLL_S + Settings(env="test").chat.drain_timeout_s + MARGIN_S
    assert budget <= ingress["graceful_shutdown_timeout_s"]
    assert ingress.get("graceful_shutdown_wait_loop_s", 2.0) <= MARGIN_S / 2
