"""Conversations: create, list (keyset pages), read, escalate, close."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status

from serve import errors, schemas
from serve.api.deps import ChatDep, CurrentUser, SessionDep
from serve.chat.service import load_owned
from serve.chat.views import conversation_view
from serve.storage import conversations as conversation_store

router = APIRouter(prefix="/conversations", tags=["conversations"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": schemas.ErrorBody} for code in (400, 401, 404, 409, 413, 422)
}
_MAX_METADATA_BYTES = 16 * 1024


def _encode_cursor(row: schemas.Conversation) -> str:
    raw = f"{row.last_activity_at.isoformat()}|{row.id}".encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The page boundary of `next_cursor`. The server writes UTC with an offset; a time without one is read as
    UTC (contract: timestamps are UTC) rather than refused, and every time is compared in UTC."""
    try:
        text, last_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        at = datetime.fromisoformat(text)
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        return at, uuid.UUID(last_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise errors.ApiError("The cursor is not valid; use next_cursor from the previous page.") from exc


@router.post("", status_code=status.HTTP_201_CREATED, response_model=schemas.Conversation, responses=ERRORS)
async def create_conversation(
    body: schemas.ConversationIn, caller: CurrentUser, session: SessionDep
) -> schemas.Conversation:
    if body.metadata is not None and len(json.dumps(body.metadata)) > _MAX_METADATA_BYTES:
        raise errors.PayloadTooLarge("metadata must be at most 16 KiB of JSON.")
    row = await conversation_store.add_conversation(
        session=session,
        organization_id=caller.org,
        user_id=caller.sub,
        channel=body.channel,
        language=body.language or "en",
        context=body.metadata,
    )
    await session.commit()
    return conversation_view(row, None)


@router.get("", response_model=schemas.ConversationPage, responses=ERRORS)
async def list_conversations(
    caller: CurrentUser,
    session: SessionDep,
    status_filter: Annotated[schemas.ConversationStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> schemas.ConversationPage:
    rows = await conversation_store.list_conversations(
        session=session,
        organization_id=caller.org,
        user_id=caller.sub,
        status=status_filter,
        limit=limit + 1,
        before=_decode_cursor(cursor) if cursor else None,
    )
    page = rows[:limit]
    cases = await conversation_store.get_cases(session=session, conversation_ids=[r.id for r in page])
    items = [conversation_view(row, cases.get(row.id)) for row in page]
    return schemas.ConversationPage(
        items=items, next_cursor=_encode_cursor(items[-1]) if len(rows) > limit else None
    )


@router.get("/{conversation_id}", response_model=schemas.Conversation, responses=ERRORS)
async def get_conversation(
    conversation_id: uuid.UUID, caller: CurrentUser, session: SessionDep, chat: ChatDep
) -> schemas.Conversation:
    row = await load_owned(session, caller, conversation_id)
    return await chat.conversation(session, row)


@router.post("/{conversation_id}/escalate", response_model=schemas.Conversation, responses=ERRORS)
async def escalate(
    conversation_id: uuid.UUID, caller: CurrentUser, chat: ChatDep, body: schemas.EscalateIn | None = None
) -> schemas.Conversation:
    """Hand the conversation to a person: records a local case and sets status `escalated`."""
    return await chat.escalate(caller, conversation_id, body.reason if body else None)


@router.post("/{conversation_id}/close", response_model=schemas.Conversation, responses=ERRORS)
async def close(conversation_id: uuid.UUID, caller: CurrentUser, chat: ChatDep) -> schemas.Conversation:
    return await chat.close(caller, conversation_id)
