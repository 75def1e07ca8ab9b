"""Messages: per-conversation `seq`, idempotent `client_message_id`, and streaming replies as leased jobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from serve.storage.tables import Conversation, Message, utcnow

# `seq` is a 32-bit column: PostgreSQL refuses a larger parameter outright, so such a bound matches nothing here.
_SEQ_MAX = 2**31 - 1


async def next_seq(*, session: AsyncSession, conversation: Conversation, count: int = 1) -> int:
    """Reserve `count` sequence numbers; the caller holds the conversation row lock (FOR UPDATE)."""
    first = conversation.last_seq + 1
    conversation.last_seq += count
    await session.flush()
    return first


async def add_message(
    *,
    session: AsyncSession,
    conversation_id: uuid.UUID,
    seq: int,
    role: str,
    content: str,
    status: str = "complete",
    client_message_id: uuid.UUID | None = None,
    reply_to_id: uuid.UUID | None = None,
    meta: dict[str, Any] | None = None,
    lease_until: datetime | None = None,
    lease_owner: uuid.UUID | None = None,
) -> Message:
    now = utcnow()
    message = Message(
        conversation_id=conversation_id,
        seq=seq,
        role=role,
        content=content,
        status=status,
        client_message_id=client_message_id,
        reply_to_id=reply_to_id,
        meta=meta or {},
        lease_until=lease_until,
        lease_owner=lease_owner,
        created_at=now,
        updated_at=now,
    )
    session.add(message)
    await session.flush()
    return message


async def get_message(*, session: AsyncSession, message_id: uuid.UUID) -> Message | None:
    return await session.get(Message, message_id)


async def get_message_in(
    *, session: AsyncSession, conversation_id: uuid.UUID, message_id: uuid.UUID
) -> Message | None:
    return await session.scalar(
        select(Message).where(Message.id == message_id, Message.conversation_id == conversation_id)
    )


async def get_by_client_id(
    *, session: AsyncSession, conversation_id: uuid.UUID, client_message_id: uuid.UUID
) -> Message | None:
    return await session.scalar(
        select(Message).where(
            Message.conversation_id == conversation_id, Message.client_message_id == client_message_id
        )
    )


async def get_reply(*, session: AsyncSession, message_id: uuid.UUID) -> Message | None:
    return await session.scalar(select(Message).where(Message.reply_to_id == message_id))


async def list_messages(
    *, session: AsyncSession, conversation_id: uuid.UUID, after_seq: int, limit: int
) -> list[Message]:
    if after_seq >= _SEQ_MAX or limit <= 0:
        return []
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq > after_seq)
        .order_by(Message.seq)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def recent_messages(
    *, session: AsyncSession, conversation_id: uuid.UUID, before_seq: int, limit: int
) -> list[Message]:
    """The `limit` messages just before `before_seq`, oldest first (the turn's history)."""
    if limit <= 0:
        return []
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq < before_seq)
        .order_by(Message.seq.desc())
        .limit(limit)
    )
    return list(reversed((await session.scalars(query)).all()))


async def claim_reply(
    *, session: AsyncSession, message_id: uuid.UUID, owner: uuid.UUID, lease_until: datetime, now: datetime
) -> bool:
    """Take over the lease of a streaming reply whose lease ran out; False when it is settled or held.

    One UPDATE with the expiry in its WHERE: of several sweepers racing for the same reply exactly one gets it
    (PostgreSQL re-checks the condition on the row it locked; SQLite runs one writer at a time).
    """
    result = await session.execute(
        update(Message)
        .where(
            Message.id == message_id,
            Message.status == "streaming",
            or_(Message.lease_until.is_(None), Message.lease_until <= now),
        )
        .values(lease_until=lease_until, lease_owner=owner)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def renew_lease(
    *, session: AsyncSession, message_id: uuid.UUID, owner: uuid.UUID, lease_until: datetime
) -> bool:
    """Extend `owner`'s lease; False when the reply is settled or another runner took it over."""
    result = await session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == "streaming", Message.lease_owner == owner)
        .values(lease_until=lease_until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def expired_replies(*, session: AsyncSession, now: datetime, limit: int = 50) -> list[uuid.UUID]:
    query = (
        select(Message.id)
        .where(Message.status == "streaming", or_(Message.lease_until.is_(None), Message.lease_until <= now))
        .order_by(Message.created_at)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def finish_reply(
    *,
    session: AsyncSession,
    message_id: uuid.UUID,
    owner: uuid.UUID,
    content: str,
    status: str,
    meta: dict[str, Any],
) -> bool:
    """Store the finished reply once, only by the lease's owner; False when it is already settled or another
    runner took the lease over (a late write of a replica that stalled past its lease)."""
    result = await session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == "streaming", Message.lease_owner == owner)
        .values(content=content, status=status, meta=meta, lease_until=None, updated_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
