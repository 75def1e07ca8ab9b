"""The Serve ingress deployment: the FastAPI app of `create_app`, built on each replica with the graph handle."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from ray import serve

from serve.app import create_app
from serve.settings import Settings


@serve.ingress()
class Ingress:
    """Holds the conversation-graph handle; `__serve_build_asgi_app__` runs after `__init__` on the replica."""

    def __init__(self, graph: Any, settings: dict[str, Any]) -> None:
        self._graph = graph
        self._settings = Settings(**settings)

    def __serve_build_asgi_app__(self) -> FastAPI:
        return create_app(self._settings, self._graph)

    async def check_health(self) -> None:
        """Serve's health probe: the replica answers while its event loop runs."""
