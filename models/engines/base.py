"""The one interface every LLM engine implements (grounded, local llama.cpp, OpenAI-compatible, Anthropic).

Streaming contract
------------------
`stream(request)` is an async generator that yields, in order:

* zero or more `TextChunk` (a piece of the answer, with the number of tokens it holds), then
* exactly one terminal item: `Done` (usage figures) or `EngineError` (a typed, in-band failure).

An engine never raises out of `stream`: a failure mid-stream is reported as one `EngineError`, so the caller
(the fallback chain) can decide to try the next engine. Cancellation is `aclose()` on the generator (or the
task being cancelled): an engine must stop work promptly and free what it holds when that happens.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncGenerator
from typing import Literal

from pydantic import BaseModel, Field

from models.retrieval import Passage


class Turn(BaseModel):
    role: Literal["user", "assistant", "agent", "system"]
    content: str


class GenerationRequest(BaseModel):
    """Everything an engine may use to answer one user message."""

    question: str
    language: str = "en"
    intent: str = "out_of_scope"
    intent_confidence: float = 0.0
    emotion: str = "neutral"
    passages: list[Passage] = Field(default_factory=list)
    history: list[Turn] = Field(default_factory=list)
    min_evidence_score: float = 0.35


class TextChunk(BaseModel):
    type: Literal["text"] = "text"
    text: str
    tokens: int = 1


class Done(BaseModel):
    type: Literal["done"] = "done"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cited_articles: list[str] = Field(default_factory=list)


class EngineError(BaseModel):
    type: Literal["error"] = "error"
    code: str
    message: str
    retry_after_s: float | None = None


StreamItem = TextChunk | Done | EngineError


class Engine(abc.ABC):
    """Base of every engine adapter; `name` and `version` are stored with each reply it writes."""

    #: Whether its drafts must pass the groundedness guard before a user sees them.
    needs_guard: bool = True
    #: Whether it quotes the (English) articles as they are, rather than writing in the user's language: the reply
    #: to a message in another language then opens with a one-sentence notice in that language.
    quotes_articles: bool = False

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version

    async def start(self) -> None:  # noqa: B027 - optional hook, most engines need no start-up
        """Load weights or open clients; called once before the first request."""

    @abc.abstractmethod
    def stream(self, request: GenerationRequest) -> AsyncGenerator[StreamItem, None]:
        """Yield the answer as described in the module docstring."""

    async def check_health(self) -> None:  # noqa: B027 - healthy unless an adapter says otherwise
        """Raise if the engine cannot serve."""
