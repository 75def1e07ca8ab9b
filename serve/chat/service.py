"""Chat operations shared by REST and WebSocket: send (idempotent), escalate, close, and their events.

`send_message` is the one send path both routes take: store → ack → announce → run.

A send stores the user message and the assistant reply's placeholder (status `streaming`, leased) in one
transaction; only after that commit is the message acknowledged. From then on the reply is a durable job that the
turn runner (or, after a crash, the sweeper) completes exactly once. The placeholder is leased to this replica's
runner from the start (serve/chat/lease.py): if the replica dies before or during the turn, the lease runs out and a
sweeper takes the reply over.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.conversation import TransitionError, transition
from serve import errors, schemas
from serve.chat.broker import Broker
from serve.chat.lease import LeaseTerms
from serve.chat.views import conversation_view, message_view
from serve.frames import ConversationUpdatedEvent, MessageEvent
from serve.security import Claims
from serve.storage import conversations as conversation_store
from serve.storage import handoffs as handoff_store
from serve.storage import messages as message_store
from serve.storage.db import transaction
from serve.storage.tables import Conversation, utcnow

TITLE_CHARS = 60


@dataclass
class Submitted:
    message: schemas.Message
    reply: schemas.Message
    created: bool
    conversation: schemas.Conversation | None = None


class TurnStarter(Protocol):
    """What the send path needs of the turn runner (serve/chat/runner.py): start the reply's turn."""

    def start(self, reply_id: uuid.UUID) -> None: ...


async def send_message(
    *,
    chat: ChatService,
    runner: TurnStarter,
    caller: Claims,
    conversation_id: uuid.UUID,
    client_message_id: uuid.UUID,
    content: str,
    ack: Callable[[Submitted], None] | None = None,
    origin: str | None = None,
) -> Submitted:
    """The one send path, for the WebSocket and REST routes alike: store the message and its leased reply
    placeholder (idempotent), acknowledge it (`ack`: the WebSocket's `ack` event; REST answers once the reply is
    done), tell the conversation's other sockets (`origin`, the sending socket, is skipped), start the turn.

    Shielded from the caller's cancellation (a dropped socket, a client gone): a transaction cancelled half-way
    would hold SQLite's write lock until its connection is collected, and a message stored but never announced
    or started would wait for the sweeper. A resend finds what the first send stored.
    """

    async def store_ack_announce_run() -> Submitted:
        submitted = await chat.submit(caller, conversation_id, client_message_id, content)
        if ack is not None:
            ack(submitted)
        if submitted.created:
            await chat.announce(submitted, origin)
            runner.start(submitted.reply.id)
        return submitted

    return await asyncio.shield(store_ack_announce_run())


async def load_owned(
    session: AsyncSession, caller: Claims, conversation_id: uuid.UUID, *, lock: bool = False
) -> Conversation:
    """The caller's conversation, or ConversationNotFound (also for another user's: never a 403)."""
    conversation = await conversation_store.get_conversation(
        session=session,
        conversation_id=conversation_id,
        organization_id=caller.org,
        user_id=caller.sub,
        for_update=lock,
    )
    if conversation is None:
        raise errors.ConversationNotFound()
    return conversation


class HandoffStarter(Protocol):
    """What escalation needs of the Salesforce outbox (serve/escalation/outbox.py): send a queued hand-off now."""

    def kick(self, conversation_id: uuid.UUID) -> None: ...


class ChatService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        broker: Broker,
        *,
        lease: LeaseTerms,
        handoffs: HandoffStarter | None = None,
    ) -> None:
        """`handoffs`: the Salesforce outbox when `salesforce.*` is set; None keeps escalation local."""
        self.sessions = sessions
        self.broker = broker
        self.lease = lease
        self.handoffs = handoffs

    async def conversation(self, session: AsyncSession, row: Conversation) -> schemas.Conversation:
        case = await conversation_store.get_case(session=session, conversation_id=row.id)
        return conversation_view(row, case)

    async def submit(
        self,
        caller: Claims,
        conversation_id: uuid.UUID,
        client_message_id: uuid.UUID,
        content: str,
    ) -> Submitted:
        """Store the message and its pending reply, or return what an earlier identical send stored.

        Nothing is published here: the caller acknowledges first, then calls `announce`.
        """
        try:
            return await self._submit_once(caller, conversation_id, client_message_id, content)
        except IntegrityError:
            # Two sends with the same client_message_id raced; the loser reads the winner's rows.
            return await self._submit_once(caller, conversation_id, client_message_id, content)

    async def _submit_once(
        self,
        caller: Claims,
        conversation_id: uuid.UUID,
        client_message_id: uuid.UUID,
        content: str,
    ) -> Submitted:
        async with transaction(self.sessions) as session:
            conversation = await load_owned(session, caller, conversation_id, lock=True)
            existing = await message_store.get_by_client_id(
                session=session, conversation_id=conversation_id, client_message_id=client_message_id
            )
            if existing is not None:
                if existing.content != content:
                    raise errors.IdempotencyConflict()
                reply = await message_store.get_reply(session=session, message_id=existing.id)
                assert reply is not None, "every user message is stored with its reply"
                return Submitted(message_view(existing), message_view(reply), created=False)
            before = conversation.status
            try:
                conversation.status = transition(conversation.status, "user_message")  # type: ignore[arg-type]
            except TransitionError as exc:
                raise errors.ConversationClosed() from exc
            now = utcnow()
            first = await message_store.next_seq(session=session, conversation=conversation, count=2)
            user_message = await message_store.add_message(
                session=session,
                conversation_id=conversation.id,
                seq=first,
                role="user",
                content=content,
                client_message_id=client_message_id,
            )
            reply = await message_store.add_message(
                session=session,
                conversation_id=conversation.id,
                seq=first + 1,
                role="assistant",
                content="",
                status="streaming",
                reply_to_id=user_message.id,
                lease_until=self.lease.until(),
                lease_owner=self.lease.owner,
            )
            if first == 1:
                conversation.title = " ".join(content.split())[:TITLE_CHARS] or conversation.title
            conversation.last_activity_at = now
            changed = conversation.status != before or first == 1
            view = await self.conversation(session, conversation) if changed else None
        return Submitted(message_view(user_message), message_view(reply), created=True, conversation=view)

    async def announce(self, submitted: Submitted, origin: str | None) -> None:
        """Tell the conversation's other sockets about a new message (after the sender got its ack)."""
        if not submitted.created:
            return
        event = MessageEvent(message=submitted.message).model_dump(mode="json")
        await self.broker.publish(submitted.message.conversation_id, event, origin)
        if submitted.conversation is not None:
            await self.publish_conversation(submitted.conversation)

    async def publish_conversation(self, conversation: schemas.Conversation) -> None:
        event = ConversationUpdatedEvent(conversation=conversation).model_dump(mode="json")
        await self.broker.publish(conversation.id, event)

    async def escalate(
        self, caller: Claims, conversation_id: uuid.UUID, reason: str | None
    ) -> schemas.Conversation:
        """Record the case (once) and move the conversation to `escalated`.

        Without Salesforce the local case is the whole hand-off (status `new`). With it, the case starts `queued`
        and a hand-off row is stored in this same transaction, so the escalation and its delivery to Salesforce
        commit together; the outbox then sends it and gives the case Salesforce's number and status.
        """
        queued = False
        async with transaction(self.sessions) as session:
            conversation = await load_owned(session, caller, conversation_id, lock=True)
            try:
                conversation.status = transition(conversation.status, "escalate")  # type: ignore[arg-type]
            except TransitionError as exc:
                raise errors.ConversationClosed() from exc
            case = await conversation_store.get_case(session=session, conversation_id=conversation.id)
            if case is None:
                queued = self.handoffs is not None
                case = await conversation_store.add_case(
                    session=session,
                    organization_id=caller.org,
                    conversation_id=conversation.id,
                    reason=reason,
                    status="queued" if queued else "new",
                )
                if queued:
                    await handoff_store.add_handoff(
                        session=session,
                        organization_id=caller.org,
                        conversation_id=conversation.id,
                        due_at=self.lease.clock.now(),
                    )
            conversation.last_activity_at = utcnow()
            view = conversation_view(conversation, case)
        await self.publish_conversation(view)
        if queued and self.handoffs is not None:
            self.handoffs.kick(conversation_id)
        return view

    async def close(self, caller: Claims, conversation_id: uuid.UUID) -> schemas.Conversation:
        async with transaction(self.sessions) as session:
            conversation = await load_owned(session, caller, conversation_id, lock=True)
            conversation.status = transition(conversation.status, "close")  # type: ignore[arg-type]
            conversation.last_activity_at = utcnow()
            view = await self.conversation(session, conversation)
        await self.publish_conversation(view)
        return view
