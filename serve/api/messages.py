"""Messages of a conversation: history pages, blocking send (idempotent), feedback."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from serve import errors, metrics, schemas
from serve.api.conversations import ERRORS
from serve.api.deps import ChatDep, CurrentUser, SessionDep, StateDep
from serve.chat import service
from serve.chat.service import load_owned
from serve.chat.views import message_view
from serve.storage import conversations as conversation_store
from serve.storage import messages as message_store

router = APIRouter(prefix="/conversations/{conversation_id}/messages", tags=["messages"])


@router.get("", response_model=schemas.MessagePage, responses=ERRORS)
async def list_messages(
    conversation_id: uuid.UUID,
    caller: CurrentUser,
    session: SessionDep,
    after_seq: Annotated[int, Query(ge=0, le=schemas.SEQ_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> schemas.MessagePage:
    await load_owned(session, caller, conversation_id)
    rows = await message_store.list_messages(
        session=session, conversation_id=conversation_id, after_seq=after_seq, limit=limit + 1
    )
    return schemas.MessagePage(items=[message_view(r) for r in rows[:limit]], has_more=len(rows) > limit)


@router.post("", response_model=schemas.Exchange, responses=ERRORS)
async def send_message(
    conversation_id: uuid.UUID, body: schemas.MessageIn, caller: CurrentUser, chat: ChatDep, state: StateDep
) -> schemas.Exchange:
    """Send a message and wait for the finished reply. Resending a client_message_id returns the stored pair."""
    if len(body.content) > state.settings.chat.max_content_chars:
        raise errors.PayloadTooLarge(
            "The message is too long.", details={"max": state.settings.chat.max_content_chars}
        )
    submitted = await service.send_message(
        chat=chat,
        runner=state.runner,
        caller=caller,
        conversation_id=conversation_id,
        client_message_id=body.client_message_id,
        content=body.content,
    )
    if submitted.reply.status == "streaming":
        await state.runner.wait(submitted.reply.id, state.settings.chat.turn_timeout_s + 5)
    async with state.sessions() as session:
        reply = await message_store.get_message(session=session, message_id=submitted.reply.id)
        assert reply is not None
        if reply.status == "streaming":
            raise errors.ServiceUnavailable(
                "The reply is still being written; fetch the messages again shortly."
            )
        return schemas.Exchange(message=submitted.message, reply=message_view(reply))


@router.post(
    "/{message_id}/feedback",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=ERRORS,
)
async def feedback(
    conversation_id: uuid.UUID,
    message_id: uuid.UUID,
    body: schemas.FeedbackIn,
    caller: CurrentUser,
    session: SessionDep,
) -> Response:
    await load_owned(session, caller, conversation_id)
    message = await message_store.get_message_in(
        session=session, conversation_id=conversation_id, message_id=message_id
    )
    if message is None or message.role != "assistant":
        raise errors.MessageNotFound()
    rated_meta = dict(message.meta or {})
    await conversation_store.upsert_feedback(
        session=session, message_id=message_id, user_id=caller.sub, rating=body.rating, comment=body.comment
    )
    await session.commit()
    # Counted once stored, against the version that wrote the reply: the thumbs up share by version.
    metrics.observe_feedback(rated_meta, body.rating)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
