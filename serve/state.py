"""What one ingress replica holds: settings, database, broker, chat service, turn runner and sweeper.

`drain` is the start of the replica's stop (serve/ingress.py notices it): sockets are told to reconnect elsewhere,
new ones are refused, running turns finish or are handed over. `close` is its end (the app's lifespan shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from serve.chat.broker import Broker
from serve.chat.lease import Clock, LeaseTerms, SystemClock
from serve.chat.redis_broker import RedisBroker
from serve.chat.runner import GraphHandle, TurnRunner
from serve.chat.service import ChatService
from serve.chat.sweeper import Sweeper
from serve.escalation.outbox import EscalationHandle, Outbox
from serve.ratelimit import RateLimiter
from serve.settings import Settings
from serve.storage.db import create_engine, migrate, session_factory

# How long closing the sockets with 1012 may take: a socket ends after the frame it is handling.
SOCKETS_CLOSE_S = 5.0


class Drainable(Protocol):
    async def drain(self) -> None: ...


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: Broker
    chat: ChatService
    runner: TurnRunner
    sweeper: Sweeper
    graph: Any
    limiter: RateLimiter
    # The Salesforce outbox; None while `salesforce.instance_url` is unset (escalation stays local).
    outbox: Outbox | None = None
    sockets: set[Drainable] = field(default_factory=set)
    # Set once this replica is being stopped: new sockets are answered 1012 so they reconnect to another one.
    draining: bool = False

    @classmethod
    async def open(
        cls,
        settings: Settings,
        graph: GraphHandle,
        *,
        run_migrations: bool = True,
        clock: Clock | None = None,
        escalation: EscalationHandle | None = None,
    ) -> AppState:
        """Connect everything one replica needs; `clock` measures reply leases and hand-off retries (tests pass
        one they move); `escalation` is the handle to the escalation deployment, needed with `salesforce.*`."""
        if settings.salesforce.enabled and escalation is None:
            raise RuntimeError(
                "salesforce.instance_url is set but no escalation deployment was given (serve/builder.py binds it)"
            )
        url = settings.resolved_database_url
        if run_migrations:
            await migrate(url)
        engine = create_engine(url, settings.database_pool_size)
        sessions = session_factory(engine)
        broker: Broker = RedisBroker(settings.redis_url) if settings.redis_url else Broker()
        await broker.start()
        # One lease owner per replica: the chat service leases new replies to this replica's runner.
        lease = LeaseTerms(timedelta(seconds=settings.chat.reply_lease_s), clock or SystemClock())
        outbox = None
        if settings.salesforce.enabled and escalation is not None:
            outbox = Outbox(sessions, broker, escalation, settings.salesforce, lease.clock)
        chat = ChatService(sessions, broker, lease=lease, handoffs=outbox)
        runner = TurnRunner(
            sessions,
            broker,
            graph,
            history_messages=settings.graph.history_messages,
            turn_timeout_s=settings.chat.turn_timeout_s,
            lease=lease,
        )
        sweeper = Sweeper(
            sessions,
            runner,
            chat,
            interval_s=settings.chat.sweep_interval_s,
            inactivity=timedelta(seconds=settings.chat.inactivity_timeout_s),
        )
        return cls(
            settings,
            engine,
            sessions,
            broker,
            chat,
            runner,
            sweeper,
            graph,
            RateLimiter(settings.redis_url),
            outbox,
        )

    async def drain(self, turns_deadline_s: float) -> None:
        """Serve is stopping this replica: refuse new sockets, close the open ones with 1012 all at once, and let
        running turns finish for up to `turns_deadline_s` before the rest are handed to other replicas. The
        sweeper stops first, so this replica never takes a handed-over turn back."""
        if self.draining:
            return
        self.draining = True
        await self.sweeper.stop()
        if self.outbox is not None:
            # A hand-off this replica is sending keeps its lease in the database: another replica sends it later.
            await self.outbox.stop()
        await asyncio.gather(self.drain_sockets(), self.runner.drain(turns_deadline_s))

    async def drain_sockets(self) -> None:
        """Tell every open socket to reconnect (1012): on a downscale or restart nothing is lost, because a
        reconnecting client re-subscribes with its last seq and resends unacknowledged messages."""
        closing = asyncio.gather(*(socket.drain() for socket in list(self.sockets)), return_exceptions=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing, SOCKETS_CLOSE_S)

    async def close(self) -> None:
        self.draining = True
        await self.drain_sockets()
        await self.sweeper.stop()
        if self.outbox is not None:
            await self.outbox.stop()
        await self.runner.shutdown()
        await self.broker.close()
        await self.limiter.close()
        await self.engine.dispose()
