"""Retrieval deployment: embeds the question (or takes NLP's vector for it) and searches the versioned index.

The replica refuses, at start-up, an index built with another embedder than the one configured: its vectors and
the query's would not be comparable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from deployments.base import DeploymentNotReady, bounded
from deployments.telemetry import DeploymentMetrics
from models.config import RetrievalConfig, resolve_path
from models.nlp.embedder import Vectors, shared_embedder
from models.retrieval import KnowledgeIndex


class RetrievalDeployment:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = RetrievalConfig.model_validate(config)
        self._index: KnowledgeIndex | None = None
        self._metrics = DeploymentMetrics()

    def _load(self) -> None:
        self._embedder = shared_embedder(self.config.embedder, self.config.embedder_spec)
        index = KnowledgeIndex.load(
            resolve_path(self.config.index_dir), self.config.index_version, embedder=self._embedder.identity
        )
        index.prepare()
        self._index = index

    async def start(self) -> None:
        await bounded("retrieval", self._load)

    async def search(
        self,
        query: str,
        top_k: int | None = None,
        vector: list[float] | None = None,
        embedder: str | None = None,
        language: str = "en",
    ) -> dict[str, Any]:
        """Top passages with scores and per-unit scores; `index_version` says which index answered.

        `vector` is the query's vector when the caller has it already (NLP's `embedding` for the same text); it is
        used only when `embedder` (NLP's `embedder`) is this index's, else the query is embedded here. `language`
        is the question's as detected (word overlap with the English articles counts only where it can mean something);
        a question most of whose words are the articles' is searched as English whatever the detector said.
        """
        if self._index is None:
            raise DeploymentNotReady("retrieval is starting")
        with self._metrics.timed("search"):
            query_vector = self._query_vector(query, vector, embedder)
            english = self._index.reads_as_english(query, language)
            passages = self._index.search(
                query_vector, query, top_k or self.config.top_k, language="en" if english else language
            )
        return {
            "index_version": self._index.version,
            "min_score": self.config.min_score if english else self.config.cross_lingual_min_score,
            "passages": [p.model_dump() for p in passages],
        }

    def _query_vector(self, query: str, vector: list[float] | None, embedder: str | None) -> Vectors:
        if vector is None or (embedder is not None and embedder != self._embedder.identity):
            embedded: Vectors = self._embedder.encode_queries([query])[0]
            return embedded
        if len(vector) != self._embedder.dimension:
            raise ValueError(
                f"search vector has {len(vector)} dimensions; {self._embedder.identity} makes "
                f"{self._embedder.dimension}"
            )
        array: Vectors = np.asarray(vector, dtype=np.float32)
        if not np.all(np.isfinite(array)):
            raise ValueError("search vector holds NaN or infinite values")
        return array

    async def check_health(self) -> None:
        if self._index is None:
            raise DeploymentNotReady("retrieval has not loaded its index")
