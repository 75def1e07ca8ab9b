"""The routing/fallback chain: try engines in order, each under its own first-token and total time limits,
each behind its own circuit breaker.

* An engine that fails before it has produced text (in-band error, time-out, or a crash) hands over to the next
  one at once.
* One that fails after producing text never leaves a broken message: the chain yields `Reset` (the client drops
  the partial text: the `assistant.reset` event) and the next engine answers afresh. When no engine is left, the
  `Reset` is followed by the last `EngineError`.
* A draft of an engine that needs the groundedness guard streams live and is checked when it is done
  (`GuardChecked`); one that fails is taken back the same way (`Reset`) and the next engine answers. That is a
  quality verdict, not an outage: it does not count against the engine's breaker.
* A breaker per engine: `failures` consecutive failures open it and the engine is skipped for `reset_s` seconds;
  then one request probes it (half-open): a finished answer closes the breaker, a failure opens it again. Time
  comes from an injected clock so tests never read the wall clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from typing import Literal, Protocol

from pydantic import BaseModel

from models.config import EngineSpec
from models.engines.base import Done, Engine, EngineError, GenerationRequest, StreamItem, TextChunk
from models.guard import check_grounded

Clock = Callable[[], float]
BreakerState = Literal["closed", "open", "half_open"]


class EngineStarted(BaseModel):
    """Emitted when an engine takes over, so callers know which model wrote the reply."""

    type: Literal["engine"] = "engine"
    name: str
    version: str
    needs_guard: bool
    quotes_articles: bool = False
    fallback_from: list[str]


class Reset(BaseModel):
    """The text streamed so far is void: `failed_engine` broke after its first token; the next engine answers."""

    type: Literal["reset"] = "reset"
    reason: str
    failed_engine: str


class GuardChecked(BaseModel):
    """The groundedness guard's verdict on a finished draft (engines with `needs_guard` only), with the draft's
    usage: a refused draft still cost its tokens."""

    type: Literal["guard"] = "guard"
    engine: str
    report: dict[str, object]
    usage: Done


ChainItem = StreamItem | EngineStarted | Reset | GuardChecked


class FailureHook(Protocol):
    """Told of every engine that did not answer: its error, whether its breaker skipped it, whether it was last."""

    def __call__(self, engine: Engine, error: EngineError, *, skipped: bool, last: bool) -> None: ...


class CircuitBreaker:
    """Consecutive-failure breaker: closed → open (skip) → half-open (one probe) → closed or open again."""

    def __init__(self, failures: int, reset_s: float, clock: Clock) -> None:
        if failures < 1 or reset_s <= 0:
            raise ValueError("a breaker needs failures >= 1 and reset_s > 0")
        self.failures = failures
        self.reset_s = reset_s
        self._clock = clock
        self.consecutive = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self._probing or self._clock() - self._opened_at >= self.reset_s:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """Whether a request may use the engine now; in half-open state only one probe is let through."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._probing:
            self._probing = True
            return True
        return False

    def success(self) -> None:
        self.consecutive = 0
        self._opened_at = None
        self._probing = False

    def failure(self) -> None:
        self.consecutive += 1
        if self._probing or self.consecutive >= self.failures:
            self._opened_at = self._clock()
        self._probing = False

    def release(self) -> None:
        """The request ended with neither a success nor a failure (the client cancelled): free the probe slot."""
        self._probing = False


async def _next_with_timeout(stream: AsyncGenerator[StreamItem, None], timeout: float) -> StreamItem:
    return await asyncio.wait_for(anext(stream), timeout=timeout)


class EngineChain:
    def __init__(
        self,
        engines: list[tuple[Engine, EngineSpec]],
        *,
        breaker_failures: int = 3,
        breaker_reset_s: float = 30.0,
        clock: Clock = time.monotonic,
        breakers: dict[str, CircuitBreaker] | None = None,
    ) -> None:
        """`breakers` by engine name lets several chains share one breaker per engine version (the llm
        deployment keeps a chain per set of routed versions); missing ones are made here."""
        if not engines:
            raise ValueError("the engine chain is empty")
        self.engines = engines
        self._clock = clock
        given = breakers or {}
        self.breakers = {
            engine.name: given.get(engine.name) or CircuitBreaker(breaker_failures, breaker_reset_s, clock)
            for engine, _ in engines
        }
        self.on_failure: FailureHook | None = None

    def _failed(self, engine: Engine, error: EngineError, *, skipped: bool, last: bool) -> None:
        if self.on_failure is not None:
            self.on_failure(engine, error, skipped=skipped, last=last)

    def names(self) -> list[str]:
        return [engine.name for engine, _ in self.engines]

    async def stream(
        self, request: GenerationRequest, start_at: str | None = None
    ) -> AsyncGenerator[ChainItem, None]:
        """Yield `EngineStarted`, then that engine's items; on failure, `Reset` if text was sent, then the next
        engine's. The last engine is tried even with an open breaker: a turn always gets an answer attempt."""
        engines = self.engines
        if start_at is not None:
            names = self.names()
            if start_at not in names:
                yield EngineError(code="unknown_engine", message=f"no engine named {start_at!r} in the chain")
                return
            engines = engines[names.index(start_at) :]
        failed: list[str] = []
        last_error = EngineError(code="no_engine", message="no engine could answer")
        for position, (engine, spec) in enumerate(engines):
            breaker = self.breakers[engine.name]
            is_last = position == len(engines) - 1
            if not breaker.allow() and not is_last:
                failed.append(engine.name)
                last_error = EngineError(
                    code="breaker_open", message=f"{engine.name} is skipped (breaker open)"
                )
                self._failed(engine, last_error, skipped=True, last=False)
                continue
            yield EngineStarted(
                name=engine.name,
                version=engine.version,
                needs_guard=engine.needs_guard,
                quotes_articles=engine.quotes_articles,
                fallback_from=list(failed),
            )
            stream = engine.stream(request)
            produced = False
            draft: list[str] = []
            outcome: Literal["ok", "failed", "cancelled"] = "cancelled"
            deadline = self._clock() + spec.timeout_s
            try:
                while True:
                    remaining = deadline - self._clock()
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
                        draft.append(item.text)
                        yield item
                        continue
                    if isinstance(item, Done):
                        outcome = "ok"
                        if engine.needs_guard:
                            text = "".join(draft)
                            verdict = check_grounded(text, request.passages, request.language)
                            report = {"engine_draft_chars": len(text), **verdict.model_dump()}
                            yield GuardChecked(engine=engine.name, report=report, usage=item)
                            if not verdict.passed:
                                last_error = EngineError(
                                    code="guard_failed",
                                    message=f"{engine.name}'s draft is not supported by the passages",
                                )
                                break
                        yield item
                        return
                    last_error = item
                    outcome = "failed"
                    break
            except TimeoutError:
                outcome = "failed"
                last_error = EngineError(
                    code="engine_timeout",
                    message=f"{engine.name} timed out ({'total' if produced else 'first token'})",
                )
            except Exception as exc:  # an adapter bug must not take the turn down with it
                outcome = "failed"
                last_error = EngineError(code="engine_crashed", message=f"{engine.name}: {exc}")
            finally:
                if outcome == "ok":
                    breaker.success()
                elif outcome == "failed":
                    breaker.failure()
                else:
                    breaker.release()
                await stream.aclose()
            self._failed(engine, last_error, skipped=False, last=is_last)
            if produced:
                yield Reset(reason=f"{last_error.code}: {last_error.message}", failed_engine=engine.name)
            failed.append(engine.name)
        yield last_error
