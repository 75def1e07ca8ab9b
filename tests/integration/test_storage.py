"""Storage on SQLite and PostgreSQL: migrations, seq allocation under concurrency, idempotency, scoping."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import inspect

from deployments.local import LocalHandle
from serve import errors
from serve.security import Claims
from serve.settings import Settings
from serve.state import AppState
from serve.storage import conversations
from serve.storage import messages as message_store
from tests.factories import seed_conversation


async def _setup(state: AppState) -> tuple[Claims, uuid.UUID]:
    return await seed_conversation(state, organization="Acme")


async def _concurrent_sends(settings: Settings, graph: LocalHandle) -> None:
    state = await AppState.open(settings, graph)
    try:
        caller, conversation_id = await _setup(state)
        ids = [uuid.uuid4() for _ in range(8)]
        # Eight different messages and the same message twice more, all at once.
        results = await asyncio.gather(
            *[state.chat.submit(caller, conversation_id, cid, f"message {i}") for i, cid in enumerate(ids)],
            state.chat.submit(caller, conversation_id, ids[0], "message 0"),
            state.chat.submit(caller, conversation_id, ids[0], "message 0"),
        )
        seqs = sorted(seq for r in results[:8] for seq in (r.message.seq, r.reply.seq))
        assert seqs == list(range(1, 17)), "every message gets its own seq, without gaps"
        assert results[8].message.id == results[0].message.id == results[9].message.id
        assert sum(r.created for r in results) == 8
        async with state.sessions() as session:
            stored = await message_store.list_messages(
                session=session, conversation_id=conversation_id, after_seq=0, limit=100
            )
        assert len(stored) == 16
    finally:
        await state.close()


def test_concurrent_sends_get_distinct_seqs_and_dedupe(settings: Settings, graph: LocalHandle) -> None:
    asyncio.run(_concurrent_sends(settings, graph))


async def _scoping(settings: Settings, graph: LocalHandle) -> None:
    state = await AppState.open(settings, graph)
    try:
        caller, conversation_id = await _setup(state)
        stranger = Claims(sub=uuid.uuid4(), org=caller.org, role="customer")
        other_org = Claims(sub=caller.sub, org=uuid.uuid4(), role="customer")
        for who in (stranger, other_org):
            with pytest.raises(errors.ConversationNotFound):
                await state.chat.submit(who, conversation_id, uuid.uuid4(), "hi")
            with pytest.raises(errors.ConversationNotFound):
                await state.chat.escalate(who, conversation_id, None)
        async with state.sessions() as session:
            found = await conversations.list_conversations(
                session=session,
                organization_id=stranger.org,
                user_id=stranger.sub,
                status=None,
                limit=10,
                before=None,
            )
        assert found == []
    finally:
        await state.close()


def test_every_query_is_scoped_to_organisation_and_user(settings: Settings, graph: LocalHandle) -> None:
    asyncio.run(_scoping(settings, graph))


async def _tables(settings: Settings) -> set[str]:
    from serve.storage.db import create_engine, migrate

    await migrate(settings.resolved_database_url)
    engine = create_engine(settings.resolved_database_url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names


def test_migrations_create_every_table(settings: Settings) -> None:
    tables = asyncio.run(_tables(settings))
    assert {
        "organizations",
        "users",
        "refresh_tokens",
        "conversations",
        "messages",
        "cases",
        "feedback",
        "alembic_version",
    } <= tables
