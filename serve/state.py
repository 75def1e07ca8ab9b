"""What one ingress replica holds: settings, database, broker, chat service, turn runner and sweeper."""

from __future__ import annotations

import asyncio
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
from serve.ratelimit import RateLimiter
from serve.settings import Settings
from serve.storage.db import create_engine, migrate, session_factory


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
    sockets: set[Drainable] = field(default_factory=set)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        graph: GraphHandle,
        *,
        run_migrations: bool = True,
        clock: Clock | None = None,
    ) -> AppState:
        """Connect everything one replica needs; `clock` measures reply leases (tests pass one they move)."""
        url = settings.resolved_database_url
        if run_migrations:
            await migrate(url)
        engine = create_engine(url, settings.database_pool_size)
        sessions = session_factory(engine)
        broker: Broker = RedisBroker(settings.redis_url) if settings.redis_url else Broker()
        await broker.start()
        # One lease owner per replica: the chat service leases new replies to this replica's runner.
        lease = LeaseTerms(timedelta(seconds=settings.chat.reply_lease_s), clock or SystemClock())
        chat = ChatService(sessions, broker, lease=lease)
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
            settings, engine, sessions, broker, chat, runner, sweeper, graph, RateLimiter(settings.redis_url)
        )

    async def drain_sockets(self) -> None:
        """Tell every open socket to reconnect (1012): on a downscale or restart nothing is lost, because a
        reconnecting client re-subscribes with its last seq and resends unacknowledged messages."""
        await asyncio.gather(*(socket.drain() for socket in list(self.sockets)), return_exceptions=True)

    async def close(self) -> None:
        await self.drain_sockets()
        await self.sweeper.stop()
        await self.runner.shutdown()
        await self.broker.close()
        await self.limiter.close()
        await self.engine.dispose()
