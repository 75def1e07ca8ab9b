"""Conversation events fan-out to every subscribed socket.

In-process for one ingress replica; the Redis implementation for several replicas plugs in behind the same
interface (publish / subscribe), see the production profile.
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

    def subscribe(self, conversation_id: uuid.UUID) -> Subscription:
        subscription = Subscription(self, conversation_id)
        self._subscriptions[conversation_id].add(subscription)
        return subscription

    def _remove(self, subscription: Subscription) -> None:
        subscribers = self._subscriptions.get(subscription.conversation_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscriptions[subscription.conversation_id]
        if subscription.overflowed:
            while not subscription.queue.empty():
                subscription.queue.get_nowait()
        with contextlib.suppress(asyncio.QueueFull):
            subscription.queue.put_nowait(None)

    async def publish(
        self, conversation_id: uuid.UUID, event: dict[str, Any], origin: str | None = None
    ) -> None:
        envelope = Envelope(event, origin)
        for subscription in list(self._subscriptions.get(conversation_id, ())):
            try:
                subscription.queue.put_nowait(envelope)
            except asyncio.QueueFull:
                subscription.overflowed = True
                self._remove(subscription)

    def subscriber_count(self, conversation_id: uuid.UUID) -> int:
        return len(self._subscriptions.get(conversation_id, ()))
