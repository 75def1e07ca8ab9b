"""Conversation events fan-out to every subscribed socket.

`Broker` is in-process (one ingress replica, the embedded default). `RedisBroker` (serve/chat/redis_broker.py)
carries the same events between replicas through Redis pub/sub; both share this interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

# A slow socket must not hold up the others: its queue is bounded and it is disconnected when full.
QUEUE_SIZE = 1000


class Envelope:
    __slots__ = ("event", "origin")

    def __init__(self, event: dict[str, Any], origin: str | None) -> None:
        self.event = event
        self.origin = origin


class Subscription:
    def __init__(self, broker: Broker, conversation_id: uuid.UUID) -> None:
        self.conversation_id = conversation_id
        self.queue: asyncio.Queue[Envelope | None] = asyncio.Queue(QUEUE_SIZE)
        self.overflowed = False
        self._broker = broker

    def close(self) -> None:
        self._broker._remove(self)

    async def events(self) -> AsyncIterator[Envelope]:
        while True:
            item = await self.queue.get()
            if item is None:
                return
            yield item


class Broker:
    def __init__(self) -> None:
        self._subscriptions: dict[uuid.UUID, set[Subscription]] = defaultdict(set)

    async def start(self) -> None:
        """Open connections (none in-process)."""

    async def close(self) -> None:
        """Close connections (none in-process)."""

    async def ping(self) -> None:
        """Raise when the broker cannot deliver (never in-process)."""

    def subscribe(self, conversation_id: uuid.UUID) -> Subscription:
        subscription = Subscription(self, conversation_id)
        self._subscriptions[conversation_id].add(subscription)
        return subscription

    async def ready(self, subscription: Subscription) -> None:
        """Return once events published from now on reach `subscription` (immediately in-process)."""

    def _remove(self, subscription: Subscription) -> None:
        subscribers = self._subscriptions.get(subscription.conversation_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscriptions[subscription.conversation_id]
        self._end(subscription)

    @staticmethod
    def _end(subscription: Subscription) -> None:
        """Wake the subscription's reader with the end marker (dropping its backlog if it overflowed)."""
        if subscription.overflowed:
            while not subscription.queue.empty():
                subscription.queue.get_nowait()
        with contextlib.suppress(asyncio.QueueFull):
            subscription.queue.put_nowait(None)

    def _deliver(self, conversation_id: uuid.UUID, envelope: Envelope) -> None:
        for subscription in list(self._subscriptions.get(conversation_id, ())):
            try:
                subscription.queue.put_nowait(envelope)
            except asyncio.QueueFull:
                subscription.overflowed = True
                self._remove(subscription)

    async def publish(
        self, conversation_id: uuid.UUID, event: dict[str, Any], origin: str | None = None
    ) -> None:
        self._deliver(conversation_id, Envelope(event, origin))
