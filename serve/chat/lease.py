"""Reply leases: which ingress replica produces a streaming reply, and until when.

A streaming reply is a durable job (serve/chat/service.py). Its row names the runner producing it (`lease_owner`, a
random id per runner) and how long that claim holds (`lease_until`). Every write on the job is fenced by the owner:
a runner whose lease was taken over (it stalled past its lease, or lost the database for longer) can neither renew
it nor store its late reply, so the reply of the runner that took over is the only one. Taking over is one UPDATE
with the expiry in its WHERE, so of two sweepers racing for one orphaned reply exactly one wins.

A replica that Serve is stopping hands its unfinished replies back (`release_lease`): their leases end at once and
a notice on `HANDOVER_CHANNEL` wakes the other replicas' sweepers, so one of them runs each turn now rather than one
lease and one sweep interval later.

Time comes from an injected `Clock`: the system clock in production, a hand-moved one in tests, which move it past
a lease instead of waiting for one to run out.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from serve import metrics
from serve.storage import messages as message_store
from serve.storage.db import transaction
from serve.storage.tables import utcnow

logger = logging.getLogger("csagent.lease")
# The broker channel on which a stopping replica announces handed-back replies; no conversation has this id.
HANDOVER_CHANNEL = uuid.UUID(int=0)


class Clock(Protocol):
    """Now (UTC) and a way to wait; lease code reads time only through this."""

    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class LeaseTerms:
    """One runner's identity on the reply rows it claims, the lease length and the clock that measures it."""

    duration: timedelta
    clock: Clock = field(default_factory=SystemClock)
    owner: uuid.UUID = field(default_factory=uuid.uuid4)

    def until(self) -> datetime:
        """Expiry of a lease taken or renewed now."""
        return self.clock.now() + self.duration

    @property
    def renew_every_s(self) -> float:
        # Three renewals per lease: one lost to a database blip still leaves time for the next.
        return self.duration.total_seconds() / 3


class LeaseLost(Exception):
    """Another runner holds this reply now; this one must stop streaming and store nothing."""


class LeaseKeeper:
    """Renews a reply's lease while the `async with` block runs.

    When a renewal finds another owner, the block's task is cancelled and `LeaseLost` raised in place of the
    cancellation (the way `asyncio.timeout` turns its own cancellation into TimeoutError); a cancellation from
    anyone else (shutdown) passes through untouched. A renewal that fails (database unreachable) is retried at the
    next tick: if the outage outlasts the lease, a sweeper may take the reply over and this runner finds out at
    its next renewal or its final write, both fenced by the owner.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], terms: LeaseTerms, reply_id: uuid.UUID
    ) -> None:
        self.sessions = sessions
        self.terms = terms
        self.reply_id = reply_id
        self.lost = False
        self._host: asyncio.Task[object] | None = None
        self._renewer: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LeaseKeeper:
        self._host = asyncio.current_task()
        self._renewer = asyncio.create_task(self._renew(), name=f"lease-{self.reply_id}")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._renewer is not None and self._host is not None
        self._renewer.cancel()
        await asyncio.wait([self._renewer])  # unlike `await`, a cancellation of the renewer stays inside it
        if not self.lost:
            return
        if self._host.uncancel() > 0 and exc_type is asyncio.CancelledError:
            return  # cancelled by someone else too (shutdown): that cancellation goes on
        raise LeaseLost(str(self.reply_id)) from exc

    async def renew_once(self) -> bool:
        """One renewal; False when another runner owns the reply or it is settled."""
        async with transaction(self.sessions) as session:
            return await message_store.renew_lease(
                session=session,
                message_id=self.reply_id,
                owner=self.terms.owner,
                lease_until=self.terms.until(),
            )

    async def _renew(self) -> None:
        while True:
            await self.terms.clock.sleep(self.terms.renew_every_s)
            try:
                held = await self.renew_once()
            except Exception as exc:
                logger.warning(
                    "lease renewal failed", extra={"reply_id": str(self.reply_id), "error": repr(exc)}
                )
                continue
            if not held:
                self.lost = True
                metrics.ERRORS.labels(code="lease_lost").inc()
                assert self._host is not None
                self._host.cancel()
                return


async def release_lease(
    sessions: async_sessionmaker[AsyncSession], terms: LeaseTerms, reply_id: uuid.UUID
) -> bool:
    """End this runner's lease on a streaming reply now, so the next sweep of any replica takes it over; False when
    the reply is settled or no longer this runner's. Only for a reply whose run here has ended (or never began)."""
    async with transaction(sessions) as session:
        return await message_store.renew_lease(
            session=session, message_id=reply_id, owner=terms.owner, lease_until=terms.clock.now()
        )
