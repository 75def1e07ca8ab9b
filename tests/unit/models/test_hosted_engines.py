"""The `openai` and `anthropic` engines for real: the official SDKs against local servers speaking the vendors'
streaming wire formats, alone and as the first link of the chain [hosted, grounded].

Every fault case ends with exactly one complete reply: one `engine` item per engine started, a `reset` when the
hosted engine had already sent text, the grounded answer complete, `done` last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from models.config import EngineSpec
from models.engines.anthropic_engine import AnthropicEngine
from models.engines.base import Done, Engine, EngineError, GenerationRequest, TextChunk
from models.engines.chain import ChainItem, EngineChain, EngineStarted, Reset
from models.engines.grounded import GroundedEngine
from models.engines.openai_engine import OpenAIEngine
from models.engines.prompt import system_prompt
from tests.fakes.llm_servers import (
    Cut,
    Event,
    Reply,
    ScriptedServer,
    Stall,
    Step,
    anthropic_delta,
    anthropic_error,
    anthropic_error_event,
    anthropic_head,
    anthropic_stream,
    openai_chunk,
    openai_error,
    openai_stream,
)
from tests.fakes.passages import soql_passages

KEY_ENV = "CSAGENT_TEST_LLM_KEY"
PIECES = ["Apex allows ", "100 SOQL queries ", "per transaction [1]."]
REQUEST = GenerationRequest(question="Too many SOQL queries 101: how do I fix it?", passages=soql_passages())


@dataclass
class Provider:
    """How one vendor's engine is built and what its wire format looks like."""

    kind: str
    make: Callable[[str, EngineSpec], Engine]
    path: str  # the path the SDK posts to, under the server's root
    url_suffix: str  # appended to the server root for `base_url`
    stream: Callable[[Sequence[str]], list[Step]]
    partial: Callable[[Sequence[str]], list[Step]]  # the first pieces of an answer, no ending
    error_event: Event  # an error inside a 200 stream
    error_body: Callable[[str, str], dict[str, Any]]
    rate_limit_kind: str


def _openai_partial(pieces: Sequence[str]) -> list[Step]:
    return [openai_chunk("", role=True), *(openai_chunk(p) for p in pieces)]


def _anthropic_partial(pieces: Sequence[str]) -> list[Step]:
    return [*anthropic_head(), *(anthropic_delta(p) for p in pieces)]


OPENAI = Provider(
    kind="openai",
    make=OpenAIEngine,
    path="/v1/chat/completions",
    url_suffix="/v1",
    stream=openai_stream,
    partial=_openai_partial,
    error_event=Event(
        {"error": {"message": "The server had an error", "type": "server_error", "code": None}}
    ),
    error_body=openai_error,
    rate_limit_kind="rate_limit_exceeded",
)
ANTHROPIC = Provider(
    kind="anthropic",
    make=AnthropicEngine,
    path="/v1/messages",
    url_suffix="",
    stream=anthropic_stream,
    partial=_anthropic_partial,
    error_event=anthropic_error_event("overloaded_error", "Overloaded"),
    error_body=lambda message, kind: anthropic_error(kind, message),
    rate_limit_kind="rate_limit_error",
)
PROVIDERS = [pytest.param(OPENAI, id="openai"), pytest.param(ANTHROPIC, id="anthropic")]


@pytest.fixture(autouse=True)
def _api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test-123")


def hosted_spec(provider: Provider, server: ScriptedServer, **overrides: Any) -> EngineSpec:
    body: dict[str, Any] = {
        "kind": provider.kind,
        "version": "test-1",
        "model": f"{provider.kind}-test-model",
        "base_url": server.base_url + provider.url_suffix,
        "api_key_env": KEY_ENV,
        "max_retries": 0,
        "max_new_tokens": 64,
        "first_token_timeout_s": 5.0,
        "timeout_s": 10.0,
    }
    return EngineSpec.model_validate(body | overrides)


async def collect_engine(engine: Engine) -> list[Any]:
    await engine.start()
    return [item async for item in engine.stream(REQUEST)]


async def grounded_answer() -> str:
    items = await collect_engine(GroundedEngine("grounded", "1.0"))
    return "".join(i.text for i in items if isinstance(i, TextChunk))


class Chain:
    """[hosted, grounded] with the failures the chain reports."""

    def __init__(self, provider: Provider, server: ScriptedServer, **overrides: Any) -> None:
        self.hosted = provider.make("hosted", hosted_spec(provider, server, **overrides))
        grounded = GroundedEngine("grounded", "1.0")
        grounded_spec = EngineSpec(kind="grounded", version="1.0")
        self.chain = EngineChain(
            [(self.hosted, hosted_spec(provider, server, **overrides)), (grounded, grounded_spec)]
        )
        self.failures: list[tuple[str, EngineError]] = []
        self.chain.on_failure = self.record

    def record(self, engine: Engine, error: EngineError, *, skipped: bool, last: bool) -> None:
        assert not skipped and not last
        self.failures.append((engine.name, error))

    async def run(self) -> list[ChainItem]:
        await self.hosted.start()
        return [item async for item in self.chain.stream(REQUEST)]


def text_after_last_reset(items: Sequence[ChainItem]) -> str:
    resets = [n for n, item in enumerate(items) if isinstance(item, Reset)]
    tail = items[resets[-1] + 1 :] if resets else items
    return "".join(i.text for i in tail if isinstance(i, TextChunk))


async def assert_grounded_replaced(items: list[ChainItem], *, reset: bool) -> None:
    """One complete reply from grounded after the hosted engine failed."""
    started = [i for i in items if isinstance(i, EngineStarted)]
    assert [s.name for s in started] == ["hosted", "grounded"]
    assert started[1].fallback_from == ["hosted"]
    resets = [i for i in items if isinstance(i, Reset)]
    assert len(resets) == (1 if reset else 0)
    if reset:
        assert resets[0].failed_engine == "hosted"
        position = items.index(resets[0])
        assert any(isinstance(i, TextChunk) for i in items[:position]), "the reset voids text already sent"
        assert items[position + 1] == started[1], "the next engine starts right after the reset"
    else:
        assert not any(isinstance(i, TextChunk) for i in items[: items.index(started[1])])
    assert text_after_last_reset(items) == await grounded_answer()
    assert isinstance(items[-1], Done) and items[-1].cited_articles == ["dev-soql-101"]
    assert sum(isinstance(i, Done | EngineError) for i in items) == 1


# -- the engines alone --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_streams_the_answer_with_usage_and_citations(provider: Provider) -> None:
    async with ScriptedServer([Reply(steps=provider.stream(PIECES))]) as server:
        items = await collect_engine(provider.make("hosted", hosted_spec(provider, server)))
    assert [i.text for i in items if isinstance(i, TextChunk)] == PIECES
    done = items[-1]
    assert isinstance(done, Done)
    assert (done.prompt_tokens, done.completion_tokens) == (42, 3)
    assert done.cited_articles == ["dev-soql-101"]
    sent = server.requests[0]
    assert (sent.method, sent.path) == ("POST", provider.path)
    assert sent.body["stream"] is True and sent.body["max_tokens"] == 64
    assert sent.body["model"] == f"{provider.kind}-test-model"
    assert sent.headers["authorization"] == "Bearer sk-test-123"  # the key from the variable the entry names
    if provider is OPENAI:
        assert sent.body["stream_options"] == {"include_usage": True}
        assert sent.body["messages"][0]["role"] == "system"
        data = sent.body["messages"][1]["content"]
    else:
        assert sent.body["system"] == system_prompt(REQUEST)
        data = sent.body["messages"][0]["content"]
    assert '<passage id="1" title="Too many SOQL queries: 101"' in data


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_missing_key_is_an_in_band_error(provider: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)
    async with ScriptedServer([Reply(steps=provider.stream(PIECES))]) as server:
        items = await collect_engine(provider.make("hosted", hosted_spec(provider, server)))
        assert server.requests == []
    assert items == [
        EngineError(
            code="missing_api_key", message=f"engine hosted: environment variable {KEY_ENV} is not set"
        )
    ]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_aclose_hangs_up_on_the_server(provider: Provider) -> None:
    async with ScriptedServer([Reply(steps=[*provider.partial(PIECES[:1]), Stall()])]) as server:
        engine = provider.make("hosted", hosted_spec(provider, server))
        await engine.start()
        stream = engine.stream(REQUEST)
        first = await anext(stream)
        assert isinstance(first, TextChunk)
        await stream.aclose()
        for _ in range(200):  # the server notices the hang-up within a few loop turns
            if server.client_hangups:
                break
            await server_turn()
        assert server.client_hangups == 1


async def server_turn() -> None:
    import asyncio

    await asyncio.sleep(0.01)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_sdk_retry_honours_retry_after_then_answers(provider: Provider) -> None:
    limited = Reply(
        status=429,
        headers={"retry-after": "0", "x-should-retry": "true"},
        body=provider.error_body("slow down", provider.rate_limit_kind),
    )
    async with ScriptedServer([limited, Reply(steps=provider.stream(PIECES))]) as server:
        chain = Chain(provider, server, max_retries=1)
        items = await chain.run()
    assert len(server.requests) == 2
    assert [i.name for i in items if isinstance(i, EngineStarted)] == ["hosted"]
    assert text_after_last_reset(items) == "".join(PIECES)
    assert isinstance(items[-1], Done)


# -- each fault through the chain [hosted, grounded] ---------------------------------------------------------------
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_rate_limit_falls_back_at_once_with_retry_after(provider: Provider) -> None:
    limited = Reply(
        status=429,
        headers={"retry-after": "7"},
        body=provider.error_body("slow down", provider.rate_limit_kind),
    )
    async with ScriptedServer([limited]) as server:
        chain = Chain(provider, server)
        items = await chain.run()
    await assert_grounded_replaced(items, reset=False)
    [(name, error)] = chain.failures
    assert (name, error.code, error.retry_after_s) == ("hosted", "rate_limited", 7.0)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_server_error_falls_back(provider: Provider) -> None:
    async with ScriptedServer([Reply(status=500, body=provider.error_body("boom", "api_error"))]) as server:
        chain = Chain(provider, server)
        items = await chain.run()
    await assert_grounded_replaced(items, reset=False)
    assert chain.failures[0][1].code == "http_500"


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_error_event_after_200_before_text_falls_back(provider: Provider) -> None:
    steps = [*provider.partial([]), provider.error_event]
    async with ScriptedServer([Reply(steps=steps)]) as server:
        chain = Chain(provider, server)
        items = await chain.run()
    await assert_grounded_replaced(items, reset=False)
    expected = "api_error" if provider is OPENAI else "overloaded_error"
    assert chain.failures[0][1].code == expected


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_error_event_after_text_resets_and_grounded_answers(provider: Provider) -> None:
    steps = [*provider.partial(PIECES[:2]), provider.error_event]
    async with ScriptedServer([Reply(steps=steps)]) as server:
        chain = Chain(provider, server)
        items = await chain.run()
    await assert_grounded_replaced(items, reset=True)
    assert [
        i.text
        for i in items[: items.index(next(i for i in items if isinstance(i, Reset)))]
        if isinstance(i, TextChunk)
    ] == PIECES[:2]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_stall_before_first_token_falls_back(provider: Provider) -> None:
    async with ScriptedServer([Reply(steps=[Stall()])]) as server:
        chain = Chain(provider, server, first_token_timeout_s=0.3)
        items = await chain.run()
    await assert_grounded_replaced(items, reset=False)
    assert chain.failures[0][1].code == "engine_timeout"


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_connection_cut_mid_stream_resets_and_grounded_answers(provider: Provider) -> None:
    async with ScriptedServer([Reply(steps=[*provider.partial(PIECES[:2]), Cut()])]) as server:
        chain = Chain(provider, server)
        items = await chain.run()
    await assert_grounded_replaced(items, reset=True)
    assert chain.failures[0][1].code == "connection_error"


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_stream_ending_without_its_last_event_resets(provider: Provider) -> None:
    async with ScriptedServer([Reply(steps=provider.partial(PIECES[:2]))]) as server:
        chain = Chain(provider, server)
        items = await chain.run()
    await assert_grounded_replaced(items, reset=True)
    assert chain.failures[0][1].code == "stream_truncated"
