"""A replica that dies mid-turn loses nothing: the sweeper finishes its reply; idle conversations are abandoned."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from deployments.local import LocalHandle
from serve.security import Claims
from serve.settings import Settings
from serve.state import AppState
from serve.storage import messages as message_store
from serve.storage.db import transaction
from serve.storage.tables import Conversation, utcnow
from tests.factories import SOQL_QUESTION, seed_conversation


async def _open(settings: Settings, graph: LocalHandle) -> tuple[AppState, Claims, uuid.UUID]:
    state = await AppState.open(settings, graph)
    caller, conversation_id = await seed_conversation(state)
    return state, caller, conversation_id


async def _recover(settings: Settings, graph: LocalHandle) -> None:
    state, caller, conversation_id = await _open(settings, graph)
    try:
        # A send whose replica died right after the ack: the reply placeholder exists, nobody runs it.
        submitted = await state.chat.submit(caller, conversation_id, uuid.uuid4(), SOQL_QUESTION)
        async with transaction(state.sessions) as session:
            await message_store.renew_lease(
                session=session, message_id=submitted.reply.id, lease_until=utcnow() - timedelta(seconds=1)
            )
        recovered, _ = await state.sweeper.sweep()
        assert recovered == 1
        await state.runner.wait(submitted.reply.id, 30)
        async with state.sessions() as session:
            reply = await message_store.get_message(session=session, message_id=submitted.reply.id)
        assert reply is not None and reply.status == "complete" and reply.meta["citations"]
        again, _ = await state.sweeper.sweep()
        assert again == 0, "a finished reply is never run twice"
    finally:
        await state.close()


def test_sweeper_finishes_an_orphaned_turn(settings: Settings, graph: LocalHandle) -> None:
    asyncio.run(_recover(settings, graph))


async def _abandon(settings: Settings, graph: LocalHandle) -> None:
    state, _caller, conversation_id = await _open(settings, graph)
    try:
        async with transaction(state.sessions) as session:
            row = await session.get(Conversation, conversation_id)
            assert row is not None
            row.last_activity_at = utcnow() - timedelta(seconds=settings.chat.inactivity_timeout_s + 1)
        events = state.broker.subscribe(conversation_id)
        _, abandoned = await state.sweeper.sweep()
        assert abandoned == 1
        event = events.queue.get_nowait()
        assert event is not None and event.event["conversation"]["status"] == "abandoned"
    finally:
        await state.close()


def test_idle_conversations_become_abandoned(settings: Settings, graph: LocalHandle) -> None:
    asyncio.run(_abandon(settings, graph))
