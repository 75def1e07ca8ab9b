"""`build_app(args)`: the one way csagent's Serve application is assembled.

`serve run config/serve.yaml`, `serve deploy config/serve.yaml` and `csagent up` all land here. Arguments are
validated first; each deployment gets its options from config/serve.yaml (the one place they are written, so
`serve run`/`serve deploy`, which apply that file's `deployments:` list on top, and `build_app` called from code
agree), overridden by `args.deployments[name]` (`csagent up --serve-config`, tests).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml
from pydantic import BaseModel, ConfigDict, Field
from ray import serve
from ray.serve import Application, Deployment

from deployments.escalation import EscalationDeployment
from deployments.graph import ConversationGraph
from deployments.llm import LLMDeployment
from deployments.local import LocalHandle
from deployments.nlp import NLPDeployment
from deployments.retrieval import RetrievalDeployment
from models.config import PROJECT_ROOT
from serve.ingress import Ingress
from serve.settings import Settings, get_settings

logger = logging.getLogger("csagent.builder")
DEPLOYMENT_NAMES = ("ingress", "graph", "nlp", "retrieval", "llm", "escalation")
SERVE_CONFIG = PROJECT_ROOT / "config" / "serve.yaml"


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


def serve_yaml_options(path: Path = SERVE_CONFIG) -> dict[str, dict[str, Any]]:
    """Each deployment's Serve options as config/serve.yaml writes them: the one place they are defined."""
    config = yaml.safe_load(path.read_text())
    listed = config["applications"][0].get("deployments") or []
    options = {d["name"]: {k: v for k, v in d.items() if k != "name"} for d in listed}
    missing = [name for name in DEPLOYMENT_NAMES if name not in options]
    if missing:
        raise ValueError(f"{path} lists no options for the deployments {missing}; add an entry for each")
    return options


def _options(name: str, defaults: dict[str, dict[str, Any]], args: BuilderArgs) -> dict[str, Any]:
    options = {**defaults[name], **args.deployments.get(name, {})}
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
    defaults = serve_yaml_options()
    nlp = (
        _deployment(served(NLPDeployment))
        .options(name="nlp", **_options("nlp", defaults, parsed))
        .bind(settings.nlp.model_dump(mode="json"))
    )
    retrieval = (
        _deployment(served(RetrievalDeployment))
        .options(name="retrieval", **_options("retrieval", defaults, parsed))
        .bind(settings.retrieval.model_dump(mode="json"))
    )
    llm = (
        _deployment(served(LLMDeployment))
        .options(name="llm", **_options("llm", defaults, parsed))
        .bind(settings.llm.model_dump(mode="json"))
    )
    graph = (
        _deployment(served(ConversationGraph))
        .options(name="graph", **_options("graph", defaults, parsed))
        .bind(nlp, retrieval, llm, settings.graph.model_dump(mode="json"))
    )
    # Bound even without `salesforce.*` (then idle): serve.yaml lists it, and Serve refuses options for a
    # deployment the application lacks.
    escalation = (
        _deployment(served(EscalationDeployment))
        .options(name="escalation", **_options("escalation", defaults, parsed))
        .bind(settings.salesforce.model_dump(mode="json"))
    )
    app: Application = (
        _deployment(Ingress)
        .options(name="ingress", **_options("ingress", defaults, parsed))
        .bind(graph, settings.model_dump(mode="json"), escalation)
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


def build_local_escalation(
    settings: Settings, session_factory: Callable[[], requests.Session] = requests.Session
) -> LocalHandle:
    """The escalation deployment in this process (tests give a `session_factory` reaching a local server)."""
    return LocalHandle(EscalationDeployment(settings.salesforce.model_dump(mode="json"), session_factory))
