"""The one send path (`serve.chat.service.send_message`) both the WebSocket and the REST routes take, on SQLite and
PostgreSQL: store, then ack, then announce, then run, in that order; a resend is acknowledged again and neither
announced nor run twice; a caller cancelled once the message is stored (a dropped socket) still gets its message
announced and its turn started. The real chat service and broker; the turn runner is a recorder."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from serve.chat.broker import Subscription
from serve.chat.service import Submitted, send_message
from serve.settings import Settings
from serve.state import AppState
from tests.factories import seed_conversation
from tests.fakes.clock import ManualClock

QUESTION = "How do I reset a user's password?"


class _Graph:
    """Never called: the recorder below stands in for the runner."""

    async def run_turn(self, turn: dict[str, Any]) -> Any:
        raise AssertionError("the send path test starts no real turn")

    async def ready(self) -> dict[str, str]:
        return {"graph": "ok"}


class _Steps:
    """The order of the path's visible steps, as the sender's ack, another socket and the runner see them."""

    def __init__(self, listener: Subscription) -> None:
        self.listener = listener
        self.log: list[str] = []
        self.started = asyncio.Event()

    def _announced(self) -> None:
        while not self.listener.queue.empty():
            envelope = self.listener.queue.get_nowait()
            assert envelope is not None
            self.log.append(f"announce:{envelope.event['type']}")

    def ack(self, submitted: Submitted) -> None:
        self._announced()
        self.log.append(f"ack:{submitted.message.seq}")

    def start(self, reply_id: uuid.UUID) -> None:
        self._announced()
        self.log.append(f"run:{reply_id}")
        self.started.set()


async def _open(settings: Settings) -> AppState:
    from deployments.local import LocalHandle

    return await AppState.open(settings, LocalHandle(_Graph()), clock=ManualClock())


async def test_store_then_ack_then_announce_then_run_and_a_resend_only_acks(settings: Settings) -> None:
    state = await _open(settings)
    try:
        caller, conversation_id = await seed_conversation(state)
        steps = _Steps(state.broker.subscribe(conversation_id))
        client_id = uuid.uuid4()

        async def send() -> Submitted:
            return await send_message(
                chat=state.chat,
                runner=steps,
                caller=caller,
                conversation_id=conversation_id,
                client_message_id=client_id,
                content=QUESTION,
                ack=steps.ack,
                origin="socket-a",
            )

        first = await send()
        assert first.created and first.reply.status == "streaming"
        assert steps.log == [
            "ack:1",
            "announce:message",
            "announce:conversation.updated",
            f"run:{first.reply.id}",
        ]

        steps.log.clear()
        again = await send()
        steps._announced()
        assert not again.created and again.reply.id == first.reply.id
        assert steps.log == ["ack:1"]
    finally:
        await state.close()


async def test_a_sender_cancelled_after_the_store_still_announces_and_runs(settings: Settings) -> None:
    state = await _open(settings)
    try:
        caller, conversation_id = await seed_conversation(state)
        steps = _Steps(state.broker.subscribe(conversation_id))
        sender: asyncio.Task[Submitted] | None = None

        def ack_then_drop(submitted: Submitted) -> None:
            steps.ack(submitted)
            assert sender is not None
            sender.cancel()  # the socket goes away right after its ack

        sender = asyncio.create_task(
            send_message(
                chat=state.chat,
                runner=steps,
                caller=caller,
                conversation_id=conversation_id,
                client_message_id=uuid.uuid4(),
                content=QUESTION,
                ack=ack_then_drop,
            )
        )
        await asyncio.wait([sender])
        assert sender.cancelled()
        await asyncio.wait_for(steps.started.wait(), timeout=10)
        assert (
            steps.log[0] == "ack:1"
            and steps.log[1] == "announce:message"
            and steps.log[-1].startswith("run:")
        )
    finally:
        await state.close()
