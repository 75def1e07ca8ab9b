"""The graph's out-of-scope decision: when the knowledge base may still answer a message the classifier put out of
scope. Real graph and grounded engine; nlp and retrieval replaced by stand-ins that return a chosen verdict."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from deployments.graph import ConversationGraph
from deployments.local import LocalHandle, collect
from models.engines.base import GenerationRequest
from models.engines.grounded import NO_ANSWER, GroundedEngine
from models.nlp.intent import OUT_OF_SCOPE

ARTICLE = "admin-mass-delete-recycle-bin"


class _NLP:
    def __init__(self, intent: dict[str, Any]) -> None:
        self.intent = intent

    async def analyze(self, text: str) -> dict[str, Any]:
        return {
            "intent": {"top": "data_import", "below_threshold": False, **self.intent},
            "sentiment": {"label": "neutral", "score": 0.0},
            "emotion": {"label": "neutral", "score": 0.0},
            "language": {"code": "ko", "confidence": 0.99},
            "entities": [],
            "quick_replies": [],
            "embedder": "test@1",
            "embedding": [0.0, 1.0],
        }


class _Retrieval:
    def __init__(self, score: float) -> None:
        self.score = score

    async def search(self, query: str, **_: Any) -> dict[str, Any]:
        unit = {
            "text": "Deleted records stay in the Recycle Bin for 15 days.",
            "kind": "prose",
            "position": 0,
        }
        passage = {
            "chunk_id": f"{ARTICLE}#0",
            "article_id": ARTICLE,
            "title": "Mass delete and the Recycle Bin",
            "url": None,
            "product_area": "data",
            "heading": "Summary",
            "text": unit["text"],
            "score": self.score,
            "units": [{**unit, "score": self.score}],
        }
        return {"index_version": "kb-test", "min_score": 0.25, "passages": [passage]}


class _LLM:
    """The grounded engine behind the llm deployment's event stream."""

    async def generate(self, request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        engine = GroundedEngine("grounded", "1")
        yield {"type": "engine", "name": engine.name, "version": engine.version, "fallback_from": []}
        async for item in engine.stream(GenerationRequest.model_validate(request)):
            yield item.model_dump()


def _final(intent: dict[str, Any], score: float) -> dict[str, Any]:
    graph = ConversationGraph(
        LocalHandle(_NLP(intent)), LocalHandle(_Retrieval(score)), LocalHandle(_LLM()), {}
    )
    turn = {"conversation_id": "c", "message_id": "m", "text": "휴지통 보관 기간", "history": []}
    events = asyncio.run(collect(LocalHandle(graph).options(stream=True).run_turn.remote(turn)))
    final: dict[str, Any] = events[-1]
    return final


def _cited(final: dict[str, Any]) -> list[str]:
    return [citation["id"] for citation in final["meta"]["citations"]]


def test_an_in_scope_intent_is_answered_from_any_evidence() -> None:
    final = _final({"name": "data_import", "confidence": 0.95}, score=0.3)
    assert _cited(final) == [ARTICLE] and "15 days" in final["content"]


@pytest.mark.parametrize(("score", "answered"), [(0.3, False), (0.49, False), (0.5, True)])
def test_the_out_of_scope_class_is_overruled_only_by_strong_evidence(score: float, answered: bool) -> None:
    final = _final({"name": OUT_OF_SCOPE, "confidence": 0.99}, score=score)
    assert bool(_cited(final)) is answered
    if not answered:
        assert NO_ANSWER.split(".")[0] in final["content"]


def test_an_unsure_classifier_lets_any_evidence_answer() -> None:
    unsure = {"name": OUT_OF_SCOPE, "confidence": 0.62, "below_threshold": True}
    final = _final(unsure, score=0.3)
    assert _cited(final) == [ARTICLE] and "15 days" in final["content"]
    assert final["meta"]["intent"]["name"] == OUT_OF_SCOPE, "the classifier's verdict is still reported"
    weak = _final(unsure, score=0.2)
    assert _cited(weak) == [], "under the evidence floor there is nothing to answer with"
