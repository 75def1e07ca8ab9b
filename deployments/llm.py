"""LLM deployment: the engine chain from the model registry, streamed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from deployments.base import DeploymentNotReady, bounded_async, serve_options
from deployments.telemetry import DeploymentMetrics
from models.config import LLMConfig
from models.engines.base import GenerationRequest
from models.engines.chain import EngineChain
from models.engines.registry import create_chain_engines


class LLMDeployment:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = LLMConfig.model_validate(config)
        self._chain: EngineChain | None = None
        self._metrics = DeploymentMetrics(
            {
                "llm_engine_fallbacks": "Engines that failed before answering, by engine.",
                "llm_tokens": "Completion tokens, by engine.",
            },
        )

    @classmethod
    def default_options(cls) -> dict[str, Any]:
        return serve_options(max_ongoing=16, target=4)

    async def start(self) -> None:
        engines = create_chain_engines(self.config)
        for engine, _spec in engines:
            await bounded_async(f"engine {engine.name}", engine.start())
        self._chain = EngineChain(engines)

    async def generate(
        self, request: dict[str, Any], start_at: str | None = None
    ) -> AsyncGenerator[dict[str, Any], None]:
        """Stream the chain's items as dicts: `engine`, then `text`…, then `done` or `error`."""
        if self._chain is None:
            raise DeploymentNotReady("llm is starting")
        parsed = GenerationRequest.model_validate(request)
        engine = "none"
        with self._metrics.timed("generate"):
            async for item in self._chain.stream(parsed, start_at=start_at):
                if item.type == "engine":
                    engine = item.name
                    for failed in item.fallback_from:
                        self._metrics.count("llm_engine_fallbacks", failed)
                elif item.type == "done":
                    self._metrics.count("llm_tokens", engine, item.completion_tokens)
                yield item.model_dump()

    async def check_health(self) -> None:
        if self._chain is None:
            raise DeploymentNotReady("llm has not started its engines")
        for engine, _spec in self._chain.engines:
            await engine.check_health()
