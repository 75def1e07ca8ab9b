"""The Salesforce outbox's rows (`case_handoffs`): add one with the escalation, claim due ones, settle them.

Claiming is one UPDATE with the lease's expiry and the due time in its WHERE, exactly like a reply's lease
(serve/storage/messages.py `claim_reply`): of several replicas racing for one hand-off, one gets it. Every later write
is fenced by the owner, so a replica whose lease was taken over cannot settle the row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from serve.storage.tables import Case, CaseHandoff, utcnow


async def add_handoff(
    *, session: AsyncSession, organization_id: uuid.UUID, conversation_id: uuid.UUID, due_at: datetime
) -> CaseHandoff:
    handoff = CaseHandoff(
        organization_id=organization_id,
        conversation_id=conversation_id,
        status="queued",
        next_attempt_at=due_at,
    )
    session.add(handoff)
    await session.flush()
    return handoff


async def get_handoff(*, session: AsyncSession, conversation_id: uuid.UUID) -> CaseHandoff | None:
    return await session.scalar(select(CaseHandoff).where(CaseHandoff.conversation_id == conversation_id))


async def due_handoffs(*, session: AsyncSession, now: datetime, limit: int = 50) -> list[uuid.UUID]:
    """Queued hand-offs whose retry time has come and that nobody holds: their conversation ids."""
    query = (
        select(CaseHandoff.conversation_id)
        .where(
            CaseHandoff.status == "queued",
            CaseHandoff.next_attempt_at <= now,
            or_(CaseHandoff.lease_until.is_(None), CaseHandoff.lease_until <= now),
        )
        .order_by(CaseHandoff.next_attempt_at)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def claim_handoff(
    *,
    session: AsyncSession,
    conversation_id: uuid.UUID,
    owner: uuid.UUID,
    lease_until: datetime,
    now: datetime,
) -> bool:
    """Take a due, unheld hand-off for `owner` until `lease_until`; False when it is sent, not due, or held."""
    result = await session.execute(
        update(CaseHandoff)
        .where(
            CaseHandoff.conversation_id == conversation_id,
            CaseHandoff.status == "queued",
            CaseHandoff.next_attempt_at <= now,
            or_(CaseHandoff.lease_until.is_(None), CaseHandoff.lease_until <= now),
        )
        .values(lease_until=lease_until, lease_owner=owner)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def retry_later(
    *,
    session: AsyncSession,
    conversation_id: uuid.UUID,
    owner: uuid.UUID,
    next_attempt_at: datetime,
    error: str,
) -> bool:
    """Release `owner`'s claim after a failed send, with the time of the next try."""
    return await _update_claimed(
        session,
        conversation_id,
        owner,
        attempts=CaseHandoff.attempts + 1,
        next_attempt_at=next_attempt_at,
        last_error=error[:1000],
        lease_until=None,
        lease_owner=None,
    )


async def mark_sent(
    *,
    session: AsyncSession,
    conversation_id: uuid.UUID,
    owner: uuid.UUID,
    salesforce_id: str,
    number: str,
    status: str,
    url: str | None,
) -> bool:
    """Settle `owner`'s hand-off as sent and give the local case Salesforce's id, number and status, in the
    caller's transaction; False (nothing written) when another replica took the hand-off over."""
    updated = await _update_claimed(
        session,
        conversation_id,
        owner,
        status="sent",
        salesforce_id=salesforce_id,
        attempts=CaseHandoff.attempts + 1,
        sent_at=utcnow(),
        last_error=None,
        lease_until=None,
    )
    if not updated:
        return False
    await session.execute(
        update(Case)
        .where(Case.conversation_id == conversation_id)
        .values(number=number, status=status, url=url)
    )
    return True


async def _update_claimed(
    session: AsyncSession, conversation_id: uuid.UUID, owner: uuid.UUID, **values: Any
) -> bool:
    """Write `values` to the hand-off while it is still queued and claimed by `owner`; False when it is not."""
    result = await session.execute(
        update(CaseHandoff)
        .where(
            CaseHandoff.conversation_id == conversation_id,
            CaseHandoff.status == "queued",
            CaseHandoff.lease_owner == owner,
        )
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
