"""Retrieval deployment: embeds the question and searches the versioned knowledge index."""

from __future__ import annotations

from typing import Any

from deployments.base import DeploymentNotReady, bounded, serve_options
from deployments.telemetry import DeploymentMetrics
from models.config import RetrievalConfig, resolve_path
from models.nlp.embedder import shared_embedder
from models.retrieval import KnowledgeIndex


class RetrievalDeployment:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = RetrievalConfig.model_validate(config)
        self._index: KnowledgeIndex | None = None
        self._metrics = DeploymentMetrics()

    @classmethod
    def default_options(cls) -> dict[str, Any]:
        return serve_options(max_ongoing=32, target=8)

    def _load(self) -> None:
        self._embedder = shared_embedder()
        self._index = KnowledgeIndex.load(resolve_path(self.config.index_dir), self.config.index_version)

    async def start(self) -> None:
        await bounded("retrieval", self._load)

    async def search(self, query: str, top_k: int | None = None) -> dict[str, Any]:
        """Top passages with scores and per-unit scores; `index_version` says which index answered."""
        if self._index is None:
            raise DeploymentNotReady("retrieval is starting")
        with self._metrics.timed("search"):
            vector = self._embedder.encode([query])[0]
            passages = self._index.search(vector, query, top_k or self.config.top_k)
        return {
            "index_version": self._index.version,
            "min_score": self.config.min_score,
            "passages": [p.model_dump() for p in passages],
        }

    async def check_health(self) -> None:
        if self._index is None:
            raise DeploymentNotReady("retrieval has not loaded its index")
