"""Which engine version answers a conversation: the live one, or the canary for a stable share of conversations.

A conversation is routed at its first turn by a stable hash of its id (sha256 → bucket 0-99; a bucket under the
canary's percent goes to the canary) and the choice is pinned on the conversation, so every later turn uses the
same version while that version is still live or canary. Once it is neither (a promote, a rollback, a canary
replaced), the conversation is routed again: a rollback takes all traffic at the next turn. A conversation that
began before a rollout existed has no pin and stays on the live version: only new conversations go to a canary.

The rollout state is read from the database through a short cache (`ttl_s`, about a second), so every ingress
replica follows weights an admin changes without a restart. The clock is injected so tests move time themselves.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from serve.storage import models_rollout
from serve.storage.models_rollout import Rollout

logger = logging.getLogger("csagent.models")
DEFAULT_TTL_S = 1.5


def bucket(conversation_id: str) -> int:
    """The conversation's stable traffic bucket, 0-99 (the same on every replica and after every restart)."""
    digest = hashlib.sha256(conversation_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def choose(rollout: Rollout, conversation_id: str, pin: str | None, *, first_turn: bool) -> str:
    """The version of `rollout` that answers this turn (see the module docstring for the rules)."""
    if pin is not None and pin in (rollout.live, rollout.canary):
        return pin
    if pin is None and not first_turn:
        return rollout.live
    if rollout.canary is not None and bucket(conversation_id) < rollout.canary_percent:
        return rollout.canary
    return rollout.live


@dataclass(frozen=True)
class Snapshot:
    """The stored rollouts and the fingerprints of the versions they name, as read at `loaded_at`."""

    rollouts: dict[str, Rollout] = field(default_factory=dict)
    fingerprints: dict[tuple[str, str], str] = field(default_factory=dict)
    loaded_at: float = float("-inf")


@dataclass(frozen=True)
class Routed:
    """What a turn runs with: per engine name, the version and the fingerprint it was recorded with (the llm
    deployment refuses a version whose spec has changed since); and the conversation's pins after this turn."""

    models: dict[str, dict[str, str | None]]
    pins: dict[str, str]


class ModelRouter:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.ttl_s = ttl_s
        self.clock = clock
        self._snapshot = Snapshot()
        self._lock = asyncio.Lock()

    async def snapshot(self) -> Snapshot:
        """The rollout state, read again once the cached copy is `ttl_s` old. A failed read keeps the last copy
        (turns go on with the weights they had) and is retried at the next turn."""
        if self.clock() - self._snapshot.loaded_at < self.ttl_s:
            return self._snapshot
        async with self._lock:
            if self.clock() - self._snapshot.loaded_at < self.ttl_s:
                return self._snapshot
            try:
                async with self.sessions() as session:
                    rollouts = await models_rollout.get_rollouts(session=session)
                    versions = await models_rollout.get_versions(session=session)
            except Exception as exc:
                logger.warning("rollout state not read; keeping the last one", extra={"error": repr(exc)})
                return self._snapshot
            fingerprints = {key: record.fingerprint for key, record in versions.items()}
            self._snapshot = Snapshot(rollouts, fingerprints, self.clock())
            return self._snapshot

    async def route(self, *, conversation_id: str, pins: dict[str, str], first_turn: bool) -> Routed:
        """The versions for one turn of a conversation holding `pins`; `first_turn` for its first message."""
        snapshot = await self.snapshot()
        models: dict[str, dict[str, str | None]] = {}
        new_pins = dict(pins)
        for name, rollout in snapshot.rollouts.items():
            version = choose(rollout, conversation_id, pins.get(name), first_turn=first_turn)
            models[name] = {"version": version, "fingerprint": snapshot.fingerprints.get((name, version))}
            new_pins[name] = version
        return Routed(models, new_pins)
