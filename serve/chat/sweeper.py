"""Background upkeep of one ingress replica: recover unfinished turns, abandon idle conversations.

Every replica sweeps. Recovering a turn is claiming its reply's lease (one UPDATE that only succeeds on an expired
lease), so when several sweepers find the same orphaned reply, one of them runs it (serve/chat/lease.py). A sweeper
sweeps every `interval_s`, and at once when a replica being stopped announces that it handed replies back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from serve.chat.broker import Subscription
from serve.chat.lease import HANDOVER_CHANNEL
from serve.chat.runner import TurnRunner
from serve.chat.service import ChatService
from serve.storage import conversations as conversation_store
from serve.storage import messages as message_store
from serve.storage.db import transaction
from serve.storage.tables import utcnow

logger = logging.getLogger("csagent.sweeper")


class Sweeper:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        runner: TurnRunner,
        chat: ChatService,
        *,
        interval_s: float,
        inactivity: timedelta,
    ) -> None:
        self.sessions = sessions
        self.runner = runner
        self.chat = chat
        self.interval_s = interval_s
        self.inactivity = inactivity
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="sweeper")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        handovers = self.runner.broker.subscribe(HANDOVER_CHANNEL)
        try:
            try:
                await self.runner.broker.ready(handovers)
            except Exception:
                logger.exception("cannot follow hand-overs; sweeping on the interval only")
            while True:
                try:
                    await self.sweep()
                except Exception:
                    logger.exception("sweep failed; retrying next interval")
                await self._next_round(handovers)
        finally:
            handovers.close()

    async def _next_round(self, handovers: Subscription) -> None:
        """Until the interval has passed or another replica handed replies over; one sweep answers every notice."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(handovers.queue.get(), self.interval_s)
        while not handovers.queue.empty():
            handovers.queue.get_nowait()

    async def sweep(self) -> tuple[int, int]:
        """One pass; returns (turns recovered, conversations abandoned)."""
        return await self.recover_turns(), await self.abandon_idle()

    async def recover_turns(self) -> int:
        """Claim streaming replies whose lease ran out and hand them to the runner, which runs each turn again
        (or, in a conversation closed meanwhile, settles the reply as interrupted without running it). A reply
        is claimed only while it is `streaming`, so a settled one is never taken up again."""
        lease = self.runner.lease
        async with self.sessions() as session:
            candidates = await message_store.expired_replies(session=session, now=lease.clock.now())
        recovered = 0
        for reply_id in candidates:
            async with transaction(self.sessions) as session:
                claimed = await message_store.claim_reply(
                    session=session,
                    message_id=reply_id,
                    owner=lease.owner,
                    lease_until=lease.until(),
                    now=lease.clock.now(),
                )
            if claimed:
                recovered += 1
                logger.info("recovering a turn", extra={"reply_id": str(reply_id)})
                self.runner.start(reply_id, recovered=True)
        return recovered

    async def abandon_idle(self) -> int:
        idle_since = utcnow() - self.inactivity
        async with self.sessions() as session:
            ids = await conversation_store.idle_conversation_ids(session=session, idle_since=idle_since)
        abandoned = 0
        for conversation_id in ids:
            async with transaction(self.sessions) as session:
                if not await conversation_store.mark_abandoned(
                    session=session, conversation_id=conversation_id, idle_since=idle_since
                ):
                    continue
                row = await conversation_store.get_conversation_unscoped(
                    session=session, conversation_id=conversation_id
                )
                assert row is not None
                view = await self.chat.conversation(session, row)
            abandoned += 1
            await self.chat.publish_conversation(view)
        return abandoned
