"""The routing/fallback chain: try engines in order, each under its own first-token and total time limits.

An engine that fails before it has produced text (in-band error, time-out, or a crash) hands over to the next
one silently; one that fails after producing text ends the answer with an `EngineError`, because text already on
the user's screen cannot be taken back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Literal

from pydantic import BaseModel

from models.config import EngineSpec
from models.engines.base import Done, Engine, EngineError, GenerationRequest, StreamItem, TextChunk


class EngineStarted(BaseModel):
    """Emitted when an engine takes over, so callers know which model wrote the reply."""

    type: Literal["engine"] = "engine"
    name: str
    version: str
    needs_guard: bool
    fallback_from: list[str]


ChainItem = StreamItem | EngineStarted


async def _next_with_timeout(stream: AsyncGenerator[StreamItem, None], timeout: float) -> StreamItem:
    return await asyncio.wait_for(anext(stream), timeout=timeout)


class EngineChain:
    def __init__(self, engines: list[tuple[Engine, EngineSpec]]) -> None:
        if not engines:
            raise ValueError("the engine chain is empty")
        self.engines = engines

    def names(self) -> list[str]:
        return [engine.name for engine, _ in self.engines]

    async def stream(
        self, request: GenerationRequest, start_at: str | None = None
    ) -> AsyncIterator[ChainItem]:
        """Yield `EngineStarted`, then that engine's items; on an early failure, the next engine's."""
        engines = self.engines
        if start_at is not None:
            names = self.names()
            if start_at not in names:
                yield EngineError(code="unknown_engine", message=f"no engine named {start_at!r} in the chain")
                return
            engines = engines[names.index(start_at) :]
        failed: list[str] = []
        last_error = EngineError(code="no_engine", message="no engine could answer")
        for engine, spec in engines:
            yield EngineStarted(
                name=engine.name,
                version=engine.version,
                needs_guard=engine.needs_guard,
                fallback_from=list(failed),
            )
            stream = engine.stream(request)
            produced = False
            deadline = time.monotonic() + spec.timeout_s
            try:
                while True:
                    remaining = deadline - time.monotonic()
                    limit = min(remaining, spec.first_token_timeout_s) if not produced else remaining
                    if limit <= 0:
                        raise TimeoutError
                    try:
                        item = await _next_with_timeout(stream, limit)
                    except StopAsyncIteration:
                        item = EngineError(
                            code="stream_ended", message=f"{engine.name} ended without finishing"
                        )
                    if isinstance(item, TextChunk):
                        produced = True
                        yield item
                        continue
                    if isinstance(item, Done):
                        yield item
                        return
                    last_error = item
                    break
            except TimeoutError:
                last_error = EngineError(code="engine_timeout", message=f"{engine.name} timed out")
            except Exception as exc:  # an adapter bug must not take the turn down with it
                last_error = EngineError(code="engine_crashed", message=f"{engine.name}: {exc}")
            finally:
                await stream.aclose()
            if produced:
                yield last_error
                return
            failed.append(engine.name)
        yield last_error
