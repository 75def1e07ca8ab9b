"""The `local` engine path for real: the packaged gemma-3-270m GGUF, streamed through the llm deployment and
guarded by the graph. Slow (the model loads in 40-70 s on this CPU)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from deployments.graph import ConversationGraph
from deployments.llm import LLMDeployment
from deployments.local import LocalHandle, collect
from serve.settings import Settings
from tests.factories import SOQL_QUESTION

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gemma_llm(prepared: None) -> LLMDeployment:
    settings = Settings(env="test")
    config = settings.llm.model_dump(mode="json") | {"chain": ["gemma-270m", "grounded"]}
    deployment = LLMDeployment(config)
    asyncio.run(deployment.start())
    return deployment


def test_tokens_stream_through_the_llm_deployment(gemma_llm: LLMDeployment) -> None:
    request = {"question": "How do I reset my password?", "passages": []}
    items: list[dict[str, Any]] = asyncio.run(
        collect(LocalHandle(gemma_llm).options(stream=True).generate.remote(request))
    )
    assert items[0] == {
        "type": "engine",
        "name": "gemma-270m",
        "version": "gemma-3-270m-q4_k_m",
        "needs_guard": True,
        "fallback_from": [],
    }
    texts = [i for i in items if i["type"] == "text"]
    assert len(texts) > 3, "tokens arrive one piece at a time"
    assert items[-1]["type"] == "done" and items[-1]["completion_tokens"] >= len(texts) > 0
    assert items[-1]["prompt_tokens"] > 10


def test_cancelling_the_stream_stops_generation(gemma_llm: LLMDeployment) -> None:
    async def first_then_cancel() -> None:
        stream = gemma_llm.generate({"question": "Tell me about Apex triggers", "passages": []})
        async for item in stream:
            if item["type"] == "text":
                break
        await stream.aclose()

    asyncio.run(first_then_cancel())
    # The engine is free again: a new request completes.
    items = asyncio.run(collect(gemma_llm.generate({"question": "hi", "passages": []})))
    assert items[-1]["type"] == "done"


def test_base_model_drafts_are_guarded_or_replaced(gemma_llm: LLMDeployment, graph: LocalHandle) -> None:
    parts = graph._target  # the session graph's own nlp and retrieval, with the gemma chain as its llm
    guarded = ConversationGraph(parts._nlp, parts._retrieval, LocalHandle(gemma_llm))
    turn = {"conversation_id": "c", "message_id": "m", "text": SOQL_QUESTION, "history": []}
    events = asyncio.run(collect(guarded.run_turn(turn)))
    meta = events[-1]["meta"]
    assert meta["guard"] is not None, "the gemma draft went through the groundedness guard"
    if meta["guard"]["passed"]:
        assert meta["model"]["name"] == "gemma-270m"
    else:
        assert meta["model"]["name"] == "grounded" and meta["fallback_from"] == ["gemma-270m"]
        assert meta["citations"], "the replacement is the grounded, cited answer"
