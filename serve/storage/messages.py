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
    *, session: AsyncSession, message_id: uuid.UUID, lease_until: datetime, now: datetime
) -> bool:
    """Take (or renew) the lease on a streaming reply; False when someone else holds an unexpired one."""
    result = await session.execute(
        update(Message)
        .where(
            Message.id == message_id,
            Message.status == "streaming",
            or_(Message.lease_until.is_(None), Message.lease_until <= now),
        )
        .values(lease_until=lease_until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def renew_lease(*, session: AsyncSession, message_id: uuid.UUID, lease_until: datetime) -> None:
    await session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == "streaming")
        .values(lease_until=lease_until)
    )


async def expired_replies(*, session: AsyncSession, now: datetime, limit: int = 50) -> list[uuid.UUID]:
    query = (
        select(Message.id)
        .where(Message.status == "streaming", or_(Message.lease_until.is_(None), Message.lease_until <= now))
        .order_by(Message.created_at)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def finish_reply(
    *, session: AsyncSession, message_id: uuid.UUID, content: str, status: str, meta: dict[str, Any]
) -> bool:
    """Store the finished reply once; False if it was already finished (a recovered duplicate run)."""
    result = await session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == "streaming")
        .values(content=content, status=status, meta=meta, lease_until=None, updated_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
