"""Ending a conversation while its reply streams settles that reply exactly once, and the sweeper leaves it alone.

The graph here is a controllable stream: it yields the first half of a reply, then waits until the test lets it
finish, so the conversation can be closed at a known point mid-reply. Everything else is real: the chat service,
the turn runner, the sweeper and the database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from deployments.local import LocalHandle
from serve.chat.broker import Subscription
from serve.settings import Settings
from serve.state import AppState
from serve.storage import messages as message_store
from serve.storage.db import transaction
from serve.storage.tables import Conversation, utcnow
from tests.factories import seed_conversation

QUESTION = "How do I reset a user's password?"
FIRST, SECOND = "Open Setup, then Users.", " Reset the password there."
REPLY_META = {
    "intent": {"name": "password_reset", "confidence": 0.9},
    "sentiment": {"label": "neutral", "score": 0.0},
    "language": "en",
    "confidence": 0.9,
    "citations": [],
    "model": {"name": "gated", "version": "1"},
    "latency_ms": 1.0,
    "escalation_suggested": False,
    "quick_replies": [],
}


class GatedGraph:
    """A conversation graph whose reply stops half-way until `release` is set; counts the turns it runs."""

    def __init__(self) -> None:
        self.turns = 0
        self.half_way = asyncio.Event()
        self.release = asyncio.Event()

    async def run_turn(self, _turn: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        self.turns += 1
        yield {"type": "delta", "text": FIRST}
        self.half_way.set()
        await self.release.wait()
        yield {"type": "delta", "text": SECOND}
        yield {"type": "final", "content": FIRST + SECOND, "meta": REPLY_META, "failed": False}

    async def ready(self) -> dict[str, str]:
        return {"graph": "ok"}


def _drain(events: Subscription) -> list[dict[str, Any]]:
    seen = []
    while not events.queue.empty():
        envelope = events.queue.get_nowait()
        assert envelope is not None
        seen.append(envelope.event)
    return seen


def _stored_replies(seen: list[dict[str, Any]], reply_id: uuid.UUID) -> list[dict[str, Any]]:
    return [e["message"] for e in seen if e["type"] == "message" and e["message"]["id"] == str(reply_id)]


async def _expire_lease(state: AppState, reply_id: uuid.UUID) -> None:
    """What a dead replica leaves behind: nobody renews the reply's lease any more."""
    async with transaction(state.sessions) as session:
        await message_store.renew_lease(
            session=session,
            message_id=reply_id,
            owner=state.runner.lease.owner,
            lease_until=utcnow() - timedelta(seconds=1),
        )


async def _end_mid_reply(settings: Settings) -> None:
    graph = GatedGraph()
    state = await AppState.open(settings, LocalHandle(graph))
    try:
        caller, conversation_id = await seed_conversation(state)
        events = state.broker.subscribe(conversation_id)
        submitted = await state.chat.submit(caller, conversation_id, uuid.uuid4(), QUESTION)
        reply_id = submitted.reply.id
        state.runner.start(reply_id)
        await asyncio.wait_for(graph.half_way.wait(), 10)

        closed = await state.chat.close(caller, conversation_id)
        assert closed.status == "resolved"
        recovered, _ = await state.sweeper.sweep()
        assert recovered == 0, "a reply whose turn is running holds its lease"

        graph.release.set()
        await state.runner.wait(reply_id, 10)
        async with state.sessions() as session:
            reply = await message_store.get_message(session=session, message_id=reply_id)
            conversation = await session.get(Conversation, conversation_id)
        assert reply is not None and reply.status == "complete"
        assert reply.content == FIRST + SECOND and reply.lease_until is None
        assert conversation is not None and conversation.status == "resolved", "the close stands"

        # However often the sweeper runs afterwards, even past any lease, the turn never runs again.
        for _ in range(3):
            assert await state.sweeper.sweep() == (0, 0)
        assert graph.turns == 1
        stored = _stored_replies(_drain(events), reply_id)
        assert [m["status"] for m in stored] == ["complete"], "the reply is announced exactly once"
    finally:
        await state.close()


def test_ending_a_conversation_mid_reply_settles_the_reply_once(settings: Settings) -> None:
    asyncio.run(_end_mid_reply(settings))


async def _orphan_in_closed_conversation(settings: Settings) -> None:
    graph = GatedGraph()
    graph.release.set()
    state = await AppState.open(settings, LocalHandle(graph))
    try:
        caller, conversation_id = await seed_conversation(state)
        events = state.broker.subscribe(conversation_id)
        submitted = await state.chat.submit(caller, conversation_id, uuid.uuid4(), QUESTION)
        reply_id = submitted.reply.id
        # The replica that acknowledged the message died before its turn ran; then the customer ended the chat.
        await state.chat.close(caller, conversation_id)
        await _expire_lease(state, reply_id)

        recovered, _ = await state.sweeper.sweep()
        assert recovered == 1
        await state.runner.wait(reply_id, 10)
        async with state.sessions() as session:
            reply = await message_store.get_message(session=session, message_id=reply_id)
            conversation = await session.get(Conversation, conversation_id)
        assert reply is not None and reply.status == "failed"
        assert reply.meta["error"] == "interrupted" and reply.meta["reason"] == "conversation_closed"
        assert reply.content and reply.lease_until is None
        assert conversation is not None and conversation.status == "resolved"
        assert graph.turns == 0, "a closed conversation's lost turn is settled, not run"

        await _expire_lease(state, reply_id)  # a no-op now: only streaming replies hold leases
        assert await state.sweeper.sweep() == (0, 0)
        stored = _stored_replies(_drain(events), reply_id)
        assert [m["status"] for m in stored] == ["failed"]
    finally:
        await state.close()


def test_the_sweeper_settles_a_lost_reply_of_a_closed_conversation_without_running_it(
    settings: Settings,
) -> None:
    asyncio.run(_orphan_in_closed_conversation(settings))
