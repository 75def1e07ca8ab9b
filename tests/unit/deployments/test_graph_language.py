"""The language a message is searched in: the detector's when it is sure, else the one picked in the UI (the
conversation's). Real graph; nlp, retrieval and llm replaced by stand-ins that record what they were asked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from deployments.graph import ConversationGraph
from deployments.local import LocalHandle, collect


class _NLP:
    def __init__(self, code: str, confidence: float) -> None:
        self.language = {"code": code, "confidence": confidence}

    async def analyze(self, text: str) -> dict[str, Any]:
        return {
            "intent": {"name": "password_reset", "confidence": 0.9, "top": "password_reset"},
            "sentiment": {"label": "neutral", "score": 0.0},
            "emotion": {"label": "neutral", "score": 0.0},
            "language": self.language,
            "entities": [],
            "quick_replies": [],
            "embedder": "test@1",
            "embedding": [0.0, 1.0],
        }


class _Retrieval:
    def __init__(self) -> None:
        self.languages: list[str] = []

    async def search(self, query: str, **options: Any) -> dict[str, Any]:
        self.languages.append(options["language"])
        return {"index_version": "kb-test", "min_score": 0.25, "passages": []}


class _LLM:
    async def generate(self, request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        yield {"type": "engine", "name": "grounded", "version": "1", "fallback_from": []}
        yield {"type": "done", "prompt_tokens": 0, "completion_tokens": 0, "cited_articles": []}


@pytest.mark.parametrize(
    ("detected", "confidence", "picked", "searched"),
    [
        ("pt", 0.3, "es", "es"),  # unsure: the UI's language decides
        ("pt", 0.3, "es-MX", "es"),
        ("pt", 0.95, "es", "pt"),  # sure: the message's own language
        ("en", 0.95, "ja", "en"),
    ],
)
def test_the_message_is_searched_in_the_reply_language(
    detected: str, confidence: float, picked: str, searched: str
) -> None:
    retrieval = _Retrieval()
    graph = ConversationGraph(
        LocalHandle(_NLP(detected, confidence)), LocalHandle(retrieval), LocalHandle(_LLM()), {}
    )
    turn = {
        "conversation_id": "c",
        "message_id": "m",
        "text": "senha bloqueada do usuário",
        "history": [],
        "conversation_language": picked,
    }
    events = asyncio.run(collect(LocalHandle(graph).options(stream=True).run_turn.remote(turn)))
    assert retrieval.languages == [searched]
    assert events[-1]["meta"]["language"] == searched
