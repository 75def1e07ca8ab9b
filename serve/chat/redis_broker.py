"""Conversation events through Redis pub/sub, so every ingress replica's sockets see every event.

Each replica keeps one pub/sub connection and subscribes to the channels of the conversations its sockets follow.
Publishing always goes through Redis, also to local sockets, so all sockets of a conversation see events in the
same order. Pub/sub is fire-and-forget: a socket that misses something (a Redis blip) recovers it the contract's
way, by re-subscribing with its last `seq`; stored messages are in the database, never only in Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from serve.chat.broker import Broker, Envelope, Subscription

logger = logging.getLogger("csagent.broker")
CHANNEL_PREFIX = "csagent:conversation:"


def channel(conversation_id: uuid.UUID) -> str:
    return f"{CHANNEL_PREFIX}{conversation_id}"


class RedisBroker(Broker):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._redis: Redis = Redis.from_url(url, decode_responses=True)
        self._pubsub: PubSub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        # A pub/sub connection must subscribe to something before it can be read; this one is never published to.
        await self._pubsub.subscribe(f"{CHANNEL_PREFIX}keepalive")
        self._reader = asyncio.create_task(self._read(), name="redis-broker")

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        with contextlib.suppress(RedisError):
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()

    async def ping(self) -> None:
        await self._redis.ping()

    async def ready(self, subscription: Subscription) -> None:
        """Subscribe the channel in Redis (idempotent) before the caller replays, so nothing falls in between."""
        async with self._lock:
            await self._pubsub.subscribe(channel(subscription.conversation_id))

    def _remove(self, subscription: Subscription) -> None:
        super()._remove(subscription)
        if subscription.conversation_id not in self._subscriptions:
            with contextlib.suppress(
                RuntimeError
            ):  # no running loop: shutting down, the connection closes anyway
                asyncio.get_running_loop().create_task(self._leave(subscription.conversation_id))

    async def _leave(self, conversation_id: uuid.UUID) -> None:
        try:
            async with self._lock:
                if conversation_id not in self._subscriptions:
                    await self._pubsub.unsubscribe(channel(conversation_id))
        except RedisError:
            logger.warning("redis unsubscribe failed", extra={"conversation_id": str(conversation_id)})

    async def publish(
        self, conversation_id: uuid.UUID, event: dict[str, Any], origin: str | None = None
    ) -> None:
        payload = json.dumps({"event": event, "origin": origin})
        try:
            await self._redis.publish(channel(conversation_id), payload)
        except RedisError:
            # The event is stored or re-derivable; sockets catch up on their next subscribe. Never fail the turn.
            logger.warning("redis publish failed", extra={"conversation_id": str(conversation_id)})

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except RedisError:
                logger.warning("redis pub/sub read failed; retrying")
                await asyncio.sleep(1)
                continue
            if not message or message.get("type") != "message":
                continue
            name = str(message["channel"])
            if not name.startswith(CHANNEL_PREFIX):
                continue
            try:
                conversation_id = uuid.UUID(name[len(CHANNEL_PREFIX) :])
                data = json.loads(message["data"])
            except ValueError:
                continue
            self._deliver(conversation_id, Envelope(data["event"], data.get("origin")))
