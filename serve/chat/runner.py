"""The turn runner: produces each pending reply through the conversation graph, streams it, and stores it.

A turn runs as its own task, not as part of a socket or a request, so a closed socket or a cancelled request never
stops it. It holds a lease on the reply row and renews it while it runs (serve/chat/lease.py); if this replica dies,
the lease expires and the sweeper of any replica runs the turn again from the start (the stored user message is the
input), first telling clients with `assistant.reset` (reason `recovered`) to drop what the dead run streamed. A
runner that finds its lease taken over (it stalled past the lease) stops streaming and stores nothing: the final
write is fenced by the lease's owner, so the reply of the runner that took over is the only one.

When Serve stops this replica, `drain` lets the running turns finish for a while, then cancels what is left and
hands those replies over (serve/chat/lease.py: their leases end now and the other replicas' sweepers are woken), and
any turn asked to start meanwhile is handed over at once; either way another replica runs it from the start.

Ending a conversation does not stop a turn that is running: its reply is stored `complete` and the conversation
stays resolved. A turn that has not started (or whose replica died) when the conversation is already resolved is
not run at all: its reply is settled once as `failed` with `meta.error = "interrupted"`, so the contract's "one
reply per acknowledged message" holds without spending an engine on a chat nobody reads any more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.conversation import transition
from models.turn import HistoryItem, TurnRequest
from serve import metrics
from serve.chat.broker import Broker
from serve.chat.lease import HANDOVER_CHANNEL, LeaseKeeper, LeaseLost, LeaseTerms, release_lease
from serve.chat.model_router import ModelRouter
from serve.chat.views import conversation_view, message_view
from serve.frames import (
    AssistantTypingEvent,
    ConversationUpdatedEvent,
    DeltaEvent,
    ErrorEvent,
    MessageEvent,
    ResetEvent,
)
from serve.storage import conversations as conversation_store
from serve.storage import messages as message_store
from serve.storage.db import transaction
from serve.storage.tables import utcnow

logger = logging.getLogger("csagent.turns")
FAILED_REPLY = "Sorry, something went wrong while I was answering. Please send your message again, or choose **Talk to a person**."
INTERRUPTED_REPLY = "This conversation was closed before the reply was written."


class GraphHandle(Protocol):
    """A Serve DeploymentHandle to the conversation graph, or deployments.local.LocalHandle."""

    def options(self, *, stream: bool = False) -> Any: ...


class TurnRunner:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        broker: Broker,
        graph: GraphHandle,
        *,
        history_messages: int,
        turn_timeout_s: float,
        lease: LeaseTerms,
        router: ModelRouter | None = None,
    ) -> None:
        self.sessions = sessions
        # Which engine versions each turn uses (canary or live, sticky per conversation).
        self.router = router or ModelRouter(sessions)
        self.broker = broker
        self.graph = graph
        self.history_messages = history_messages
        self.turn_timeout_s = turn_timeout_s
        self.lease = lease
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._done: dict[uuid.UUID, asyncio.Event] = {}
        # Set by `drain` (this replica is being stopped): new turns are handed over instead of run here.
        self.draining = False
        self._handovers: set[asyncio.Task[int]] = set()

    def start(self, reply_id: uuid.UUID, *, recovered: bool = False) -> None:
        """Run the turn for a reply whose lease this runner holds (idempotent within the replica);
        `recovered` when a sweeper took it over from a runner that stopped. While draining, hand it over instead."""
        if reply_id in self._tasks:
            return
        if self.draining:
            handover = asyncio.create_task(self._hand_over([reply_id]), name=f"hand-over-{reply_id}")
            self._handovers.add(handover)
            handover.add_done_callback(self._handovers.discard)
            return
        self._done.setdefault(reply_id, asyncio.Event())
        task = asyncio.create_task(self._run(reply_id, recovered), name=f"turn-{reply_id}")
        self._tasks[reply_id] = task
        task.add_done_callback(lambda _t: self._finished(reply_id))

    def _finished(self, reply_id: uuid.UUID) -> None:
        self._tasks.pop(reply_id, None)
        event = self._done.pop(reply_id, None)
        if event:
            event.set()

    async def join(self, reply_id: uuid.UUID) -> None:
        """Until this runner's own run of the reply has ended, whatever it stored (nothing if its lease was lost)."""
        event = self._done.get(reply_id)
        if event is not None:
            await event.wait()

    async def wait(self, reply_id: uuid.UUID, timeout_s: float) -> None:
        """Until the reply is stored (by this replica or another), or the timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            event = self._done.get(reply_id)
            if event is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), timeout=max(0.01, deadline - time.monotonic()))
            async with self.sessions() as session:
                row = await message_store.get_message(session=session, message_id=reply_id)
                if row is None or row.status != "streaming":
                    return
            await asyncio.sleep(0.1)

    async def shutdown(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def drain(self, deadline_s: float) -> int:
        """This replica is being stopped: start no turn here any more, give the running ones up to `deadline_s` to
        finish, then cancel the rest and hand them over. Returns how many replies were handed over."""
        self.draining = True
        running = list(self._tasks.values())
        if running:
            await asyncio.wait(running, timeout=deadline_s)
        unfinished = list(self._tasks.items())
        for _, task in unfinished:
            task.cancel()
        # Hand over only once the runs have ended: a lease keeper still running could renew a released lease.
        await asyncio.gather(*(task for _, task in unfinished), return_exceptions=True)
        handed = await self._hand_over([reply_id for reply_id, _ in unfinished])
        started_meanwhile = await asyncio.gather(*self._handovers, return_exceptions=True)
        return handed + sum(n for n in started_meanwhile if isinstance(n, int))

    async def _hand_over(self, reply_ids: list[uuid.UUID]) -> int:
        """End this runner's leases on these replies and wake the other replicas' sweepers; how many it released.
        A release that fails (database unreachable) leaves the lease to run out as when a replica dies."""
        released = 0
        for reply_id in reply_ids:
            try:
                if await release_lease(self.sessions, self.lease, reply_id):
                    released += 1
            except Exception as exc:
                logger.warning("turn not handed over", extra={"reply_id": str(reply_id), "error": repr(exc)})
        if released:
            logger.info("turns handed over to other replicas", extra={"count": released})
            await self.broker.publish(HANDOVER_CHANNEL, {"type": "turns.handed_over", "count": released})
        return released

    async def _request(
        self, reply_id: uuid.UUID
    ) -> tuple[TurnRequest, uuid.UUID, str, tuple[dict[str, str], bool]] | None:
        """The turn's input, its conversation, that conversation's status, and its model pins with whether this is
        its first turn (for routing); None when nothing is pending."""
        async with self.sessions() as session:
            reply = await message_store.get_message(session=session, message_id=reply_id)
            if reply is None or reply.status != "streaming" or reply.reply_to_id is None:
                return None
            question = await message_store.get_message(session=session, message_id=reply.reply_to_id)
            conversation = await conversation_store.get_conversation_unscoped(
                session=session, conversation_id=reply.conversation_id
            )
            assert question is not None and conversation is not None
            history = await message_store.recent_messages(
                session=session,
                conversation_id=reply.conversation_id,
                before_seq=question.seq,
                limit=self.history_messages,
            )
        turn = TurnRequest(
            conversation_id=str(reply.conversation_id),
            message_id=str(reply.id),
            text=question.content,
            conversation_language=conversation.language,
            history=[
                HistoryItem(role=m.role, content=m.content, meta=m.meta or {})
                for m in history
                if m.status == "complete"
            ],
        )
        return (
            turn,
            reply.conversation_id,
            conversation.status,
            (dict(conversation.model_pins or {}), question.seq == 1),
        )

    async def _models(
        self, conversation_id: uuid.UUID, pins: dict[str, str], first_turn: bool
    ) -> dict[str, dict[str, str | None]]:
        """The engine versions this turn runs with (serve/chat/model_router.py), pinned on the conversation when
        they change. A failure here never fails the turn: the llm deployment's configured versions answer."""
        try:
            routed = await self.router.route(
                conversation_id=str(conversation_id), pins=pins, first_turn=first_turn
            )
            if routed.pins != pins:
                async with transaction(self.sessions) as session:
                    await conversation_store.set_model_pins(
                        session=session, conversation_id=conversation_id, pins=routed.pins
                    )
        except Exception as exc:
            logger.warning(
                "model routing failed", extra={"conversation_id": str(conversation_id), "error": repr(exc)}
            )
            metrics.ERRORS.labels(code="model_routing_failed").inc()
            return {}
        return routed.models

    async def _run(self, reply_id: uuid.UUID, recovered: bool) -> None:
        started = time.perf_counter()
        try:
            loaded = await self._request(reply_id)
        except Exception as exc:
            # The database is unreachable: the lease runs out and a sweeper takes the turn up again.
            logger.warning("turn could not start", extra={"reply_id": str(reply_id), "error": repr(exc)})
            metrics.ERRORS.labels(code="turn_load_failed").inc()
            return
        if loaded is None:
            return
        load_ms = (time.perf_counter() - started) * 1000
        turn, conversation_id, status, (pins, first_turn) = loaded
        if status == "resolved":
            # Closed before its turn ran (or its replica died): settle it once, without an engine.
            interrupted: dict[str, Any] = {"error": "interrupted", "reason": "conversation_closed"}
            elapsed = time.perf_counter() - started
            await asyncio.shield(
                self._store_durably(reply_id, conversation_id, INTERRUPTED_REPLY, interrupted, True, elapsed)
            )
            return
        models: dict[str, dict[str, str | None]] = {}
        try:
            async with LeaseKeeper(self.sessions, self.lease, reply_id):
                models = await self._models(conversation_id, pins, first_turn)
                final, streamed = await self._stream(reply_id, conversation_id, turn, recovered, models)
        except LeaseLost:
            # Stalled past the lease and taken over: the new owner answers; this run stores nothing.
            logger.warning("turn lost its lease", extra={"reply_id": str(reply_id)})
            return
        failed = final is None or bool(final.get("failed"))
        content = final["content"] if final else ("".join(streamed).strip() or FAILED_REPLY)
        meta: dict[str, Any] = dict(final["meta"]) if final else {"error": "turn_failed"}
        if final is None and models:
            # No engine answered: the failure counts against the version this conversation was routed to, so the
            # canary-versus-live alert sees failures that happen before any engine writes.
            name, routed = next(iter(models.items()))
            meta["model"] = {"name": name, "version": routed["version"]}
        if final:
            # Storage on the turn's path: reading the question and history before the graph ran. The final write
            # happens after the reply is complete and is measured by the turn_phase metric.
            meta["timings"] = {**meta.get("timings", {}), "storage_ms": round(load_ms, 2)}
            meta["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
            if meta.get("ttft_ms") is not None:
                meta["ttft_ms"] = round(meta["ttft_ms"] + load_ms, 2)
        if recovered:
            meta["recovered"] = True  # in storage for operators; the wire's ReplyMeta leaves it out
        # Shielded so a shutdown arriving during the final write cannot leave the reply half-stored.
        await asyncio.shield(
            self._store_durably(
                reply_id, conversation_id, content, meta, failed, time.perf_counter() - started
            )
        )

    async def _stream(
        self,
        reply_id: uuid.UUID,
        conversation_id: uuid.UUID,
        turn: TurnRequest,
        recovered: bool,
        models: dict[str, dict[str, str | None]],
    ) -> tuple[dict[str, Any] | None, list[str]]:
        """Run the graph and publish its events; returns its `final` event (None when it failed) and the text."""
        await self.broker.publish(
            conversation_id,
            AssistantTypingEvent(conversation_id=conversation_id, state="start").model_dump(mode="json"),
        )
        if recovered:
            # A client may hold deltas of the run that died; this run streams afresh from index 0.
            reset = ResetEvent(conversation_id=conversation_id, message_id=reply_id, reason="recovered")
            await self.broker.publish(conversation_id, reset.model_dump(mode="json"))
        final: dict[str, Any] | None = None
        streamed: list[str] = []
        try:
            async with asyncio.timeout(self.turn_timeout_s):
                # `models` only when a rollout is stored: with none, the llm's configured versions answer.
                routed = {"models": models} if models else {}
                stream = self.graph.options(stream=True).run_turn.remote(turn.model_dump(), **routed)
                async for event in stream:
                    if event["type"] == "delta":
                        delta = DeltaEvent(
                            conversation_id=conversation_id,
                            message_id=reply_id,
                            index=len(streamed),
                            delta=event["text"],
                        )
                        streamed.append(event["text"])
                        await self.broker.publish(conversation_id, delta.model_dump(mode="json"))
                    elif event["type"] == "reset":
                        # Another engine answers afresh: clients drop what they showed, deltas count from 0.
                        streamed.clear()
                        reset = ResetEvent(
                            conversation_id=conversation_id, message_id=reply_id, reason=event["reason"]
                        )
                        await self.broker.publish(conversation_id, reset.model_dump(mode="json"))
                    elif event["type"] == "final":
                        final = event
        except asyncio.CancelledError:
            raise  # shutting down, or the lease was lost: the lease's owner finishes the turn
        except Exception as exc:
            logger.warning("turn failed", extra={"reply_id": str(reply_id), "error": repr(exc)})
            metrics.ERRORS.labels(code="turn_failed").inc()
        return final, streamed

    async def _store_durably(
        self,
        reply_id: uuid.UUID,
        conversation_id: uuid.UUID,
        content: str,
        meta: dict[str, Any],
        failed: bool,
        elapsed_s: float,
    ) -> None:
        """The final write, retried through a database blip (a restart) for about one lease. Retrying is safe:
        the write is fenced by the owner and by `streaming`, so it lands at most once. If it never lands, the
        lease runs out and a sweeper runs the turn again."""
        deadline = time.monotonic() + self.lease.duration.total_seconds()
        delay = 0.25
        while True:
            try:
                await self._store(reply_id, conversation_id, content, meta, failed, elapsed_s)
                return
            except Exception as exc:
                if time.monotonic() + delay > deadline:
                    logger.warning("reply not stored", extra={"reply_id": str(reply_id), "error": repr(exc)})
                    metrics.ERRORS.labels(code="reply_store_failed").inc()
                    return
                logger.info("storing the reply failed; retrying", extra={"reply_id": str(reply_id)})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 4.0)

    async def _store(
        self,
        reply_id: uuid.UUID,
        conversation_id: uuid.UUID,
        content: str,
        meta: dict[str, Any],
        failed: bool,
        elapsed_s: float,
    ) -> None:
        store_started = time.perf_counter()
        async with transaction(self.sessions) as session:
            stored = await message_store.finish_reply(
                session=session,
                message_id=reply_id,
                owner=self.lease.owner,
                content=content,
                status="failed" if failed else "complete",
                meta=meta,
            )
            if not stored:
                return  # a duplicate run: the other one already stored and published the reply
            conversation = await conversation_store.get_conversation_unscoped(
                session=session, conversation_id=conversation_id, for_update=True
            )
            assert conversation is not None
            before = conversation.status
            conversation.status = transition(conversation.status, "reply_sent")  # type: ignore[arg-type]
            conversation.last_activity_at = utcnow()
            case = await conversation_store.get_case(session=session, conversation_id=conversation_id)
            view = conversation_view(conversation, case)
            row = await message_store.get_message(session=session, message_id=reply_id)
            assert row is not None
            message = message_view(row)
        metrics.TURN_PHASE.labels(phase="store").observe(time.perf_counter() - store_started)
        metrics.observe_turn(meta, failed=failed, seconds=elapsed_s)
        await self.broker.publish(
            conversation_id,
            AssistantTypingEvent(conversation_id=conversation_id, state="stop").model_dump(mode="json"),
        )
        await self.broker.publish(conversation_id, MessageEvent(message=message).model_dump(mode="json"))
        # An interrupted reply is no news to whoever ended the chat: no `error` event for it.
        if failed and meta.get("error") != "interrupted":
            error = ErrorEvent(code="reply_failed", message="The assistant could not finish its reply.")
            await self.broker.publish(conversation_id, error.model_dump(mode="json"))
        if view.status != before:
            await self.broker.publish(
                conversation_id, ConversationUpdatedEvent(conversation=view).model_dump(mode="json")
            )
