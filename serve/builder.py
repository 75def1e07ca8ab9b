"""`build_app(args)`: the one way csagent's Serve application is assembled.

`serve run config/serve.yaml`, `serve deploy config/serve.yaml` and `csagent up` all land here. Arguments are
validated first; each deployment gets its class's default options, overridden by `args.deployments[name]`
(and, for `serve deploy`, by the config file's `deployments:` list, which Serve applies on top).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from ray import serve
from ray.serve import Application, Deployment

from deployments.graph import ConversationGraph
from deployments.llm import LLMDeployment
from deployments.local import LocalHandle
from deployments.nlp import NLPDeployment
from deployments.retrieval import RetrievalDeployment
from serve.ingress import Ingress
from serve.settings import Settings, get_settings

logger = logging.getLogger("csagent.builder")
DEPLOYMENT_NAMES = ("ingress", "graph", "nlp", "retrieval", "llm")


class BuilderArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deployments: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Serve options per deployment name, over the class defaults."
    )
    settings: dict[str, Any] = Field(
        default_factory=dict, description="Settings overrides (same keys as config/app.yaml)."
    )

    def check_names(self) -> None:
        unknown = sorted(set(self.deployments) - set(DEPLOYMENT_NAMES))
        if unknown:
            raise ValueError(
                f"build_app: unknown deployment names {unknown}; known: {list(DEPLOYMENT_NAMES)}"
            )


def served(cls: type) -> type:
    """A subclass whose async constructor also awaits `start()`: Serve marks the replica healthy only after."""

    async def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]
        await self.start()

    return type(cls.__name__, (cls,), {"__init__": __init__, "__module__": cls.__module__})


def _deployment(cls: type) -> Deployment:
    deployment: Deployment = serve.deployment(cls)  # type: ignore[assignment]
    return deployment


def ingress_options() -> dict[str, Any]:
    # Every open WebSocket holds one slot for its whole life: size by connections, not requests.
    return {
        "ray_actor_options": {"num_cpus": 0.25},
        "max_ongoing_requests": 2000,
        "autoscaling_config": {
            "min_replicas": 1,
            "max_replicas": 2,
            "target_ongoing_requests": 500,
            "upscale_delay_s": 10,
            "downscale_delay_s": 120,
        },
        "health_check_period_s": 10,
        "graceful_shutdown_timeout_s": 20,
    }


def _options(name: str, defaults: dict[str, Any], args: BuilderArgs) -> dict[str, Any]:
    options = {**defaults, **args.deployments.get(name, {})}
    if "num_replicas" in options and options["num_replicas"] != "auto":
        options.pop("autoscaling_config", None)
    logger.info("deployment options", extra={"deployment": name, "options": json.dumps(options, default=str)})
    return options


def build_app(args: dict[str, Any]) -> Application:
    """Validate `args`, bind every deployment with its options, and return the application."""
    parsed = BuilderArgs.model_validate(args or {})
    parsed.check_names()
    base = get_settings()
    settings = Settings(**{**base.model_dump(mode="json"), **parsed.settings}) if parsed.settings else base
    nlp = (
        _deployment(served(NLPDeployment))
        .options(name="nlp", **_options("nlp", NLPDeployment.default_options(), parsed))
        .bind(settings.nlp.model_dump(mode="json"))
    )
    retrieval = (
        _deployment(served(RetrievalDeployment))
        .options(name="retrieval", **_options("retrieval", RetrievalDeployment.default_options(), parsed))
        .bind(settings.retrieval.model_dump(mode="json"))
    )
    llm = (
        _deployment(served(LLMDeployment))
        .options(name="llm", **_options("llm", LLMDeployment.default_options(), parsed))
        .bind(settings.llm.model_dump(mode="json"))
    )
    graph = (
        _deployment(served(ConversationGraph))
        .options(name="graph", **_options("graph", ConversationGraph.default_options(), parsed))
        .bind(nlp, retrieval, llm, settings.graph.model_dump(mode="json"))
    )
    app: Application = (
        _deployment(Ingress)
        .options(name="ingress", **_options("ingress", ingress_options(), parsed))
        .bind(graph, settings.model_dump(mode="json"))
    )
    return app


@dataclass(frozen=True)
class LocalDeployments:
    """The deployments composed in this process; benchmarks time the parts, most callers need only `graph`."""

    nlp: NLPDeployment
    retrieval: RetrievalDeployment
    llm: LLMDeployment
    graph: LocalHandle


async def build_local_deployments(settings: Settings) -> LocalDeployments:
    """The same deployments, in this process (tests, benchmarks, `csagent chat --local`)."""
    nlp = NLPDeployment(settings.nlp.model_dump(mode="json"))
    retrieval = RetrievalDeployment(settings.retrieval.model_dump(mode="json"))
    llm = LLMDeployment(settings.llm.model_dump(mode="json"))
    for part in (nlp, retrieval, llm):
        await part.start()
    graph = ConversationGraph(
        LocalHandle(nlp), LocalHandle(retrieval), LocalHandle(llm), settings.graph.model_dump()
    )
    await graph.start()
    return LocalDeployments(nlp, retrieval, llm, LocalHandle(graph))


async def build_local_graph(settings: Settings) -> LocalHandle:
    """The conversation graph over the in-process deployments."""
    return (await build_local_deployments(settings)).graph
