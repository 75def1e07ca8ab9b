"""The Salesforce outbox: every escalation reaches Salesforce as exactly one Case, whatever fails on the way.

Why a table between the escalation and Salesforce: the customer's "talk to a person" must not depend on Salesforce
answering at that moment. `ChatService.escalate` stores a `case_handoffs` row (`queued`) in the same transaction that
moves the conversation to `escalated`; from then on the hand-off is a durable job, like a streaming reply
(serve/chat/service.py). This outbox sends it through the escalation deployment (deployments/escalation.py) at once,
and every ingress replica polls for hand-offs whose retry time has come.

Exactly one Case:
- Sending is claimed with a lease (one UPDATE with the expiry in its WHERE, as for replies, serve/chat/lease.py): two
  replicas never send the same hand-off at once, and a replica that dies mid-send leaves a lease that runs out, after
  which another replica sends it again.
- Sending again is harmless: the deployment upserts the Case on an external-id field holding the conversation id, so
  a second send (the first landed but its answer was lost, or its replica died before writing it down) updates the
  one Case.
- Settling is fenced by the lease's owner: a replica whose lease was taken over writes nothing.

A failed send (Salesforce down, 503, REQUEST_LIMIT_EXCEEDED, credentials refused) stays `queued` and is retried after
`retry_initial_s`, doubling up to `retry_max_s`. Time comes from the injected clock, so tests move it instead of
waiting. Once Salesforce has the Case, its number and status replace the local ones and `conversation.updated` tells
the conversation's sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.salesforce import SalesforceConfig
from serve.chat.broker import Broker
from serve.chat.lease import Clock
from serve.chat.views import conversation_view
from serve.escalation.context import handoff_context
from serve.frames import ConversationUpdatedEvent
from serve.storage import conversations as conversation_store
from serve.storage import handoffs as handoff_store
from serve.storage.db import transaction

logger = logging.getLogger("csagent.escalation")


class EscalationHandle(Protocol):
    """A Serve DeploymentHandle to the escalation deployment, or deployments.local.LocalHandle."""

    def options(self, *, stream: bool = False) -> Any: ...


class Outbox:
    """Sends this replica's share of the queued hand-offs; `start` polls, `kick` sends one at once."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        broker: Broker,
        escalation: EscalationHandle,
        config: SalesforceConfig,
        clock: Clock,
    ) -> None:
        self.sessions = sessions
        self.broker = broker
        self.escalation = escalation
        self.config = config
        self.clock = clock
        self.owner = uuid.uuid4()
        self._loop_task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[bool]] = set()

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._poll(), name="escalation-outbox")

    async def stop(self) -> None:
        tasks = [*self._sends, *([self._loop_task] if self._loop_task else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def kick(self, conversation_id: uuid.UUID) -> None:
        """Send a just-queued hand-off now rather than at the next poll (its row is committed already)."""
        task = asyncio.create_task(self.send(conversation_id), name=f"handoff-{conversation_id}")
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def idle(self) -> None:
        """Until the sends started by `kick` have finished (tests, shutdown)."""
        while self._sends:
            await asyncio.wait(list(self._sends))

    def backoff(self, attempts: int) -> float:
        """Seconds before try number `attempts + 1`: retry_initial_s, doubling, at most retry_max_s."""
        return float(min(self.config.retry_max_s, self.config.retry_initial_s * 2 ** min(attempts, 30)))

    async def _poll(self) -> None:
        while True:
            try:
                await self.dispatch()
            except Exception:
                logger.exception("outbox pass failed; retrying next interval")
            await self.clock.sleep(self.config.poll_interval_s)

    async def dispatch(self) -> int:
        """One pass: send every hand-off that is due and unheld; returns how many Salesforce took."""
        async with self.sessions() as session:
            due = await handoff_store.due_handoffs(session=session, now=self.clock.now())
        sent = 0
        for conversation_id in due:
            sent += await self.send(conversation_id)
        return sent

    async def send(self, conversation_id: uuid.UUID) -> bool:
        """Claim one hand-off, send it, settle it; False when another replica holds it, it is not due, or
        Salesforce did not take it (it stays queued for the next try)."""
        now = self.clock.now()
        async with transaction(self.sessions) as session:
            claimed = await handoff_store.claim_handoff(
                session=session,
                conversation_id=conversation_id,
                owner=self.owner,
                lease_until=now + timedelta(seconds=self.config.lease_s),
                now=now,
            )
            if not claimed:
                return False
            context = await handoff_context(
                session=session,
                conversation_id=conversation_id,
                transcript_messages=self.config.transcript_messages,
            )
            handoff = await handoff_store.get_handoff(session=session, conversation_id=conversation_id)
            attempts = handoff.attempts if handoff else 0
        try:
            outcome: dict[str, Any] = await self.escalation.options().send.remote(
                context.model_dump(mode="json")
            )
        except Exception as exc:  # the deployment itself failed (replica gone): same as Salesforce failing
            outcome = {"ok": False, "retryable": True, "error": f"escalation deployment failed: {exc!r}"}
        if not outcome["ok"]:
            await self._retry_later(conversation_id, attempts, outcome)
            return False
        return await self._settle(conversation_id, outcome)

    async def _retry_later(self, conversation_id: uuid.UUID, attempts: int, outcome: dict[str, Any]) -> None:
        # A refusal that waiting will not cure (a missing field, a validation rule) is still retried, at the
        # longest interval: the hand-off is never dropped, and fixing the org's setup lets it through.
        delay = self.backoff(attempts) if outcome.get("retryable", True) else self.config.retry_max_s
        log = logger.warning if outcome.get("retryable", True) else logger.error
        log(
            "hand-off stays queued",
            extra={"conversation_id": str(conversation_id), "error": outcome["error"], "retry_in_s": delay},
        )
        async with transaction(self.sessions) as session:
            await handoff_store.retry_later(
                session=session,
                conversation_id=conversation_id,
                owner=self.owner,
                next_attempt_at=self.clock.now() + timedelta(seconds=delay),
                error=str(outcome["error"]),
            )

    async def _settle(self, conversation_id: uuid.UUID, outcome: dict[str, Any]) -> bool:
        async with transaction(self.sessions) as session:
            settled = await handoff_store.mark_sent(
                session=session,
                conversation_id=conversation_id,
                owner=self.owner,
                salesforce_id=outcome["id"],
                number=outcome["number"],
                status=outcome["status"],
                url=outcome.get("url"),
            )
            if not settled:
                return False  # taken over meanwhile: the replica holding it now settles it (the same Case)
            conversation = await conversation_store.get_conversation_unscoped(
                session=session, conversation_id=conversation_id
            )
            case = await conversation_store.get_case(session=session, conversation_id=conversation_id)
            assert conversation is not None
            view = conversation_view(conversation, case)
        event = ConversationUpdatedEvent(conversation=view).model_dump(mode="json")
        await self.broker.publish(conversation_id, event)
        return True
