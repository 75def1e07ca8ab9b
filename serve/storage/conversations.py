"""Conversations, local cases and feedback; every read is scoped to the caller's organisation and user."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from serve.storage.tables import Case, Conversation, Feedback, utcnow


async def add_conversation(
    *,
    session: AsyncSession,
    organization_id: uuid.UUID,
    user_id: uuid.UUID,
    channel: str,
    language: str,
    context: dict[str, Any] | None,
) -> Conversation:
    now = utcnow()
    conversation = Conversation(
        organization_id=organization_id,
        user_id=user_id,
        channel=channel,
        language=language,
        context=context or {},
        status="active",
        created_at=now,
        last_activity_at=now,
    )
    session.add(conversation)
    await session.flush()
    return conversation


async def get_conversation(
    *,
    session: AsyncSession,
    conversation_id: uuid.UUID,
    organization_id: uuid.UUID,
    user_id: uuid.UUID,
    for_update: bool = False,
) -> Conversation | None:
    query = select(Conversation).where(
        Conversation.id == conversation_id,
        Conversation.organization_id == organization_id,
        Conversation.user_id == user_id,
    )
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def get_conversation_unscoped(
    *, session: AsyncSession, conversation_id: uuid.UUID, for_update: bool = False
) -> Conversation | None:
    """For the turn runner and the sweeper, which act for the system, not for a caller."""
    query = select(Conversation).where(Conversation.id == conversation_id)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_conversations(
    *,
    session: AsyncSession,
    organization_id: uuid.UUID,
    user_id: uuid.UUID,
    status: str | None,
    limit: int,
    before: tuple[datetime, uuid.UUID] | None,
) -> list[Conversation]:
    """Newest activity first; `before` is the keyset cursor (last_activity_at, id) of the previous page."""
    query = select(Conversation).where(
        Conversation.organization_id == organization_id, Conversation.user_id == user_id
    )
    if status:
        query = query.where(Conversation.status == status)
    if before:
        at, last_id = before
        query = query.where(
            or_(
                Conversation.last_activity_at < at,
                and_(Conversation.last_activity_at == at, Conversation.id < last_id),
            )
        )
    query = query.order_by(Conversation.last_activity_at.desc(), Conversation.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())


async def idle_conversation_ids(
    *, session: AsyncSession, idle_since: datetime, limit: int = 200
) -> list[uuid.UUID]:
    query = (
        select(Conversation.id)
        .where(Conversation.status.in_(("active", "waiting")), Conversation.last_activity_at <= idle_since)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def mark_abandoned(*, session: AsyncSession, conversation_id: uuid.UUID, idle_since: datetime) -> bool:
    """Abandon only if still idle (a message may have arrived since the scan)."""
    result = await session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.status.in_(("active", "waiting")),
            Conversation.last_activity_at <= idle_since,
        )
        .values(status="abandoned")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def get_case(*, session: AsyncSession, conversation_id: uuid.UUID) -> Case | None:
    return await session.scalar(select(Case).where(Case.conversation_id == conversation_id))


async def get_cases(*, session: AsyncSession, conversation_ids: list[uuid.UUID]) -> dict[uuid.UUID, Case]:
    if not conversation_ids:
        return {}
    rows = await session.scalars(select(Case).where(Case.conversation_id.in_(conversation_ids)))
    return {case.conversation_id: case for case in rows}


async def add_case(
    *,
    session: AsyncSession,
    organization_id: uuid.UUID,
    conversation_id: uuid.UUID,
    reason: str | None,
    status: str = "new",
) -> Case:
    """A case numbered locally; `status` is the contract's (`queued` until Salesforce has it, then its state)."""
    case_id = uuid.uuid4()
    now = utcnow()
    case = Case(
        id=case_id,
        organization_id=organization_id,
        conversation_id=conversation_id,
        number=f"CS-{now:%Y%m%d}-{case_id.hex[:6].upper()}",
        reason=reason,
        status=status,
        created_at=now,
    )
    session.add(case)
    await session.flush()
    return case


async def upsert_feedback(
    *, session: AsyncSession, message_id: uuid.UUID, user_id: uuid.UUID, rating: str, comment: str | None
) -> None:
    existing = await session.scalar(
        select(Feedback).where(Feedback.message_id == message_id, Feedback.user_id == user_id)
    )
    if existing:
        existing.rating = rating
        existing.comment = comment
    else:
        session.add(Feedback(message_id=message_id, user_id=user_id, rating=rating, comment=comment))
    await session.flush()


async def set_model_pins(*, session: AsyncSession, conversation_id: uuid.UUID, pins: dict[str, str]) -> None:
    """Pin the engine versions a conversation's turns use (sticky routing, serve/chat/model_router.py)."""
    await session.execute(
        update(Conversation).where(Conversation.id == conversation_id).values(model_pins=pins)
    )
