"""Send each evaluation item to the conversation graph as one turn and keep what came back.

The graph is anything with the DeploymentHandle call style (`graph.options(stream=True).run_turn.remote(turn)`
yielding the graph's events): the in-process graph of `serve.builder.build_local_graph` here and in tests, a real
Serve handle elsewhere. The clock is injected so tests can time turns without the wall clock.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, Field

from pipelines.eval.dataset import EvalItem


class _StreamingCall(Protocol):
    def remote(self, turn: dict[str, Any]) -> AsyncIterator[dict[str, Any]]: ...


class _StreamingHandle(Protocol):
    @property
    def run_turn(self) -> _StreamingCall: ...


class GraphHandle(Protocol):
    """What the runner needs of the conversation graph's handle."""

    def options(self, *, stream: bool = ...) -> _StreamingHandle: ...


class Outcome(BaseModel):
    """One item's reply: the final event's content and meta, and how long the turn took."""

    item: EvalItem
    content: str
    meta: dict[str, Any] = Field(default_factory=dict)
    failed: bool = False
    latency_ms: float


class TurnError(RuntimeError):
    """The graph ended a turn without its `final` event."""


async def run_item(
    graph: GraphHandle, item: EvalItem, *, clock: Callable[[], float] = time.perf_counter
) -> Outcome:
    """One turn with no history, as a first message in a new conversation."""
    turn = {"conversation_id": f"eval-{item.id}", "message_id": f"eval-{item.id}-1", "text": item.text}
    started = clock()
    final: dict[str, Any] | None = None
    async for event in graph.options(stream=True).run_turn.remote(turn):
        if event.get("type") == "final":
            final = event
    latency_ms = (clock() - started) * 1000
    if final is None:
        raise TurnError(f"item {item.id!r}: the graph's stream ended without a final event")
    return Outcome(
        item=item,
        content=str(final.get("content", "")),
        meta=dict(final.get("meta") or {}),
        failed=bool(final.get("failed", False)),
        latency_ms=round(latency_ms, 2),
    )


async def run_items(
    graph: GraphHandle,
    items: Sequence[EvalItem],
    *,
    clock: Callable[[], float] = time.perf_counter,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Every item, one after another (latency is per turn on a quiet graph, not under load)."""
    outcomes = []
    for done, item in enumerate(items, start=1):
        outcomes.append(await run_item(graph, item, clock=clock))
        if progress is not None:
            progress(done, len(items))
    return outcomes
