"""The controller's deployment statuses as /api/ready checks."""

from __future__ import annotations

from ray.serve._private.common import DeploymentStatus, DeploymentStatusTrigger, ReplicaState
from ray.serve.schema import ApplicationStatus, ApplicationStatusOverview, DeploymentStatusOverview

from serve.serve_status import deployment_checks, summarize


def _deployment(status: DeploymentStatus, running: int, message: str = "") -> DeploymentStatusOverview:
    states = {ReplicaState.RUNNING: running} if running else {ReplicaState.STARTING: 1}
    return DeploymentStatusOverview(
        status=status,
        status_trigger=DeploymentStatusTrigger.CONFIG_UPDATE_STARTED,
        replica_states=states,
        message=message,
    )


def test_serving_deployments_are_ok_and_the_rest_say_why() -> None:
    application = ApplicationStatusOverview(
        status=ApplicationStatus.RUNNING,
        message="",
        last_deployed_time_s=0.0,
        deployments={
            "nlp": _deployment(DeploymentStatus.HEALTHY, 1),
            "llm": _deployment(DeploymentStatus.UPSCALING, 2),
            "retrieval": _deployment(DeploymentStatus.UPDATING, 0),
            "graph": _deployment(DeploymentStatus.UNHEALTHY, 1, "replica failed its health check"),
        },
    )
    assert summarize(application) == {
        "serve:graph": "UNHEALTHY, 1 running: replica failed its health check",
        "serve:llm": "ok",
        "serve:nlp": "ok",
        "serve:retrieval": "UPDATING, 0 running",
    }


async def test_outside_a_serve_replica_nothing_is_added() -> None:
    assert await deployment_checks(1.0) == {}
