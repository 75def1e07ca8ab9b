"""Reply leases between replicas, on SQLite and PostgreSQL: a dead replica's turn is finished once by another, a
replica that stalled past its lease can neither renew it nor store its late reply, and sweepers racing for the same
orphaned turns run each of them once.

Each "replica" is an AppState of its own (its own database engine, broker, runner and sweeper) over the one
database. Time is a ManualClock the test moves: no lease is edited by hand and nothing waits for one to run out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest

from deployments.local import LocalHandle
from serve.chat.broker import Subscription
from serve.settings import Settings
from serve.state import AppState
from serve.storage import messages as message_store
from serve.storage.db import transaction
from serve.storage.tables import Conversation, Message, utcnow
from tests.factories import SOQL_QUESTION, seed_conversation
from tests.fakes.clock import ManualClock

QUESTION = "How do I reset a user's password?"
REPLY_META = {
    "intent": {"name": "password_reset", "confidence": 0.9},
    "sentiment": {"label": "neutral", "score": 0.0},
    "language": "en",
    "confidence": 0.9,
    "citations": [],
    "model": {"name": "scripted", "version": "1"},
    "latency_ms": 1.0,
    "escalation_suggested": False,
    "quick_replies": [],
}
SECOND = timedelta(seconds=1)


class ScriptedGraph:
    """A conversation graph whose replies say who wrote them; with `gated`, each stops half-way until `release`.

    Records the reply ids it ran and whether a run was cancelled (a runner that lost its lease stops streaming).
    """

    def __init__(self, name: str, *, gated: bool = True) -> None:
        self.name = name
        self.ran: list[str] = []
        self.cancelled = 0
        self.half_way = asyncio.Event()
        self.release = asyncio.Event()
        if not gated:
            self.release.set()

    def content(self) -> str:
        return f"Written by {self.name}. Open Setup, then Users."

    async def run_turn(self, turn: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        self.ran.append(turn["message_id"])
        try:
            yield {"type": "delta", "text": f"Written by {self.name}."}
            self.half_way.set()
            await self.release.wait()
            yield {"type": "delta", "text": " Open Setup, then Users."}
            yield {"type": "final", "content": self.content(), "meta": REPLY_META, "failed": False}
        except asyncio.CancelledError:
            self.cancelled += 1
            raise

    async def ready(self) -> dict[str, str]:
        return {"graph": "ok"}


@asynccontextmanager
async def replicas(
    settings: Settings, *graphs: tuple[LocalHandle | ScriptedGraph, ManualClock]
) -> AsyncIterator[list[AppState]]:
    """One AppState per (graph, clock): separate engines, brokers, runners and sweepers over one database."""
    async with AsyncExitStack() as stack:
        states = []
        for graph, clock in graphs:
            handle = graph if isinstance(graph, LocalHandle) else LocalHandle(graph)
            state = await AppState.open(settings, handle, clock=clock)
            stack.push_async_callback(state.close)
            states.append(state)
        yield states


def lease(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.chat.reply_lease_s)


async def eventually(check: Callable[[], Any], what: str, bound_s: float = 20) -> None:
    """Poll `check` (sync or async) until true; the wall clock only bounds the test, it never expires a lease."""
    for _ in range(int(bound_s / 0.01)):
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not within {bound_s} s: {what}")


async def row(state: AppState, reply_id: uuid.UUID) -> Message:
    async with state.sessions() as session:
        found = await message_store.get_message(session=session, message_id=reply_id)
    assert found is not None
    return found


def finals(events: Subscription, reply_id: uuid.UUID) -> list[dict[str, Any]]:
    """The settled `message` events of one reply a subscription received so far."""
    seen = []
    while not events.queue.empty():
        envelope = events.queue.get_nowait()
        assert envelope is not None
        event = envelope.event
        if (
            event["type"] == "message"
            and event["message"]["id"] == str(reply_id)
            and event["message"]["status"] != "streaming"
        ):
            seen.append(event["message"])
    return seen


async def test_an_orphaned_turn_is_finished_by_another_replica_once_its_lease_runs_out(
    settings: Settings, graph: LocalHandle
) -> None:
    clock = ManualClock()
    async with replicas(settings, (graph, clock), (graph, clock)) as (dead, alive):
        caller, conversation_id = await seed_conversation(dead)
        # Acknowledged on `dead`, which died before its turn ran: the reply is leased to a runner that is gone.
        submitted = await dead.chat.submit(caller, conversation_id, uuid.uuid4(), SOQL_QUESTION)
        reply_id = submitted.reply.id
        assert (await row(alive, reply_id)).lease_owner == dead.runner.lease.owner

        await clock.advance(lease(settings) - SECOND)
        assert await alive.sweeper.recover_turns() == 0, "the lease still holds"
        await clock.advance(2 * SECOND)
        assert await alive.sweeper.recover_turns() == 1
        await alive.runner.wait(reply_id, 30)

        reply = await row(alive, reply_id)
        assert reply.status == "complete" and reply.meta["citations"]
        assert reply.lease_owner == alive.runner.lease.owner and reply.meta["recovered"] is True
        await clock.advance(10 * lease(settings))
        assert await alive.sweeper.recover_turns() == 0, "a settled reply is never run again"
        assert await dead.sweeper.recover_turns() == 0


async def test_a_running_turn_keeps_its_lease_by_renewing_it(settings: Settings) -> None:
    clock = ManualClock()
    writer = ScriptedGraph("writer")
    async with replicas(settings, (writer, clock), (ScriptedGraph("other"), clock)) as (one, two):
        caller, conversation_id = await seed_conversation(one)
        submitted = await one.chat.submit(caller, conversation_id, uuid.uuid4(), QUESTION)
        reply_id = submitted.reply.id
        one.runner.start(reply_id)
        await asyncio.wait_for(writer.half_way.wait(), 10)

        # Two whole leases go by in renewal steps; the other replica's sweeper finds nothing to take over.
        for _ in range(6):
            await eventually(lambda: clock.sleeping >= 1, "the renewer waits for its next renewal")
            await clock.advance(lease(settings) / 3)
            renewed_until = clock.now() + lease(settings)

            async def renewed(until: datetime = renewed_until) -> bool:
                return (await row(one, reply_id)).lease_until == until

            await eventually(renewed, "the lease was renewed")
            assert await two.sweeper.recover_turns() == 0

        writer.release.set()
        await one.runner.wait(reply_id, 10)
        reply = await row(one, reply_id)
        assert reply.status == "complete" and reply.content == writer.content()
        assert "recovered" not in reply.meta and writer.ran == [str(reply_id)]


@pytest.mark.parametrize("finds_out_by", ["renewal", "final_write"])
async def test_a_replica_that_stalled_past_its_lease_neither_renews_nor_stores(
    settings: Settings, finds_out_by: str
) -> None:
    """The stalled replica's timers do not fire (its own clock stands still) while the other's move past the
    lease; then it wakes either at its next renewal or with its reply finished, and is fenced off both ways."""
    start = utcnow()
    stalled_clock, clock = ManualClock(start), ManualClock(start)
    stalled_graph, graph = ScriptedGraph("stalled"), ScriptedGraph("successor")
    async with replicas(settings, (stalled_graph, stalled_clock), (graph, clock)) as (stalled, successor):
        caller, conversation_id = await seed_conversation(stalled)
        on_stalled = stalled.broker.subscribe(conversation_id)
        on_successor = successor.broker.subscribe(conversation_id)
        submitted = await stalled.chat.submit(caller, conversation_id, uuid.uuid4(), QUESTION)
        reply_id = submitted.reply.id
        stalled.runner.start(reply_id)
        await asyncio.wait_for(stalled_graph.half_way.wait(), 10)
        await eventually(lambda: stalled_clock.sleeping >= 1, "the stalled runner's renewer is armed")

        await clock.advance(lease(settings) + SECOND)
        assert await successor.sweeper.recover_turns() == 1
        await asyncio.wait_for(graph.half_way.wait(), 10)
        taken = await row(successor, reply_id)
        assert taken.lease_owner == successor.runner.lease.owner

        if finds_out_by == "renewal":
            await stalled_clock.advance(lease(settings) / 3)
            await asyncio.wait_for(stalled.runner.join(reply_id), 10)
            assert stalled_graph.cancelled == 1, "a runner that lost its lease stops streaming"
            async with transaction(stalled.sessions) as session:
                assert not await message_store.renew_lease(
                    session=session,
                    message_id=reply_id,
                    owner=stalled.runner.lease.owner,
                    lease_until=stalled_clock.now() + lease(settings),
                )
        else:
            stalled_graph.release.set()
            await asyncio.wait_for(stalled.runner.join(reply_id), 10)
            assert stalled_graph.cancelled == 0, "it finished its reply, late"
        meanwhile = await row(successor, reply_id)
        assert meanwhile.status == "streaming" and meanwhile.content == ""
        assert (meanwhile.lease_owner, meanwhile.lease_until) == (taken.lease_owner, taken.lease_until)

        graph.release.set()
        await successor.runner.wait(reply_id, 10)
        reply = await row(successor, reply_id)
        assert reply.status == "complete" and reply.content == graph.content()
        assert finals(on_stalled, reply_id) == [], "the stalled replica announced nothing"
        [announced] = finals(on_successor, reply_id)
        assert announced["content"] == graph.content()
        assert stalled_graph.ran == graph.ran == [str(reply_id)]


async def test_sweepers_racing_for_the_same_orphaned_turns_run_each_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both sweepers list the orphans before either claims one, so every claim is contested.
    listings: list[int] = []
    both_listed = asyncio.Event()
    expired_replies, claim_reply = message_store.expired_replies, message_store.claim_reply

    async def list_orphans(**kwargs: Any) -> list[uuid.UUID]:
        found = await expired_replies(**kwargs)
        listings.append(len(found))
        if len(listings) == 2:
            both_listed.set()
        return found

    async def claim_once_both_listed(**kwargs: Any) -> bool:
        await asyncio.wait_for(both_listed.wait(), 10)
        return await claim_reply(**kwargs)

    monkeypatch.setattr(message_store, "expired_replies", list_orphans)
    monkeypatch.setattr(message_store, "claim_reply", claim_once_both_listed)
    clock = ManualClock()
    left, right = ScriptedGraph("left", gated=False), ScriptedGraph("right", gated=False)
    dead_graph = ScriptedGraph("dead")
    async with replicas(settings, (dead_graph, clock), (left, clock), (right, clock)) as states:
        dead, one, two = states
        replies: list[uuid.UUID] = []
        subscriptions: list[tuple[Subscription, Subscription]] = []
        for _ in range(6):
            caller, conversation_id = await seed_conversation(dead)
            subscriptions.append(
                (one.broker.subscribe(conversation_id), two.broker.subscribe(conversation_id))
            )
            submitted = await dead.chat.submit(caller, conversation_id, uuid.uuid4(), QUESTION)
            replies.append(submitted.reply.id)

        await clock.advance(lease(settings) + SECOND)
        won = await asyncio.gather(one.sweeper.recover_turns(), two.sweeper.recover_turns())
        assert listings == [len(replies)] * 2, "both sweepers saw every orphan"
        assert sum(won) == len(replies)
        for reply_id in replies:
            await one.runner.wait(reply_id, 10)
            await two.runner.wait(reply_id, 10)

        assert sorted(left.ran + right.ran) == sorted(str(r) for r in replies), "each turn ran exactly once"
        for reply_id, (on_one, on_two) in zip(replies, subscriptions, strict=True):
            reply = await row(one, reply_id)
            writer = left if str(reply_id) in left.ran else right
            assert reply.status == "complete" and reply.content == writer.content()
            assert len(finals(on_one, reply_id) + finals(on_two, reply_id)) == 1, "announced once"
        await clock.advance(10 * lease(settings))
        monkeypatch.setattr(message_store, "expired_replies", expired_replies)
        monkeypatch.setattr(message_store, "claim_reply", claim_reply)
        assert list(await asyncio.gather(one.sweeper.recover_turns(), two.sweeper.recover_turns())) == [0, 0]
        assert dead_graph.ran == []


async def test_idle_conversations_become_abandoned(settings: Settings, graph: LocalHandle) -> None:
    async with replicas(settings, (graph, ManualClock())) as (state,):
        _caller, conversation_id = await seed_conversation(state)
        async with transaction(state.sessions) as session:
            conversation = await session.get(Conversation, conversation_id)
            assert conversation is not None
            conversation.last_activity_at = utcnow() - timedelta(
                seconds=settings.chat.inactivity_timeout_s + 1
            )
        events = state.broker.subscribe(conversation_id)
        _, abandoned = await state.sweeper.sweep()
        assert abandoned == 1
        event = events.queue.get_nowait()
        assert event is not None and event.event["conversation"]["status"] == "abandoned"
