"""WebSocket chat: GET /api/v1/ws (see shared/contract.md).

One reader loop takes client frames; one writer task drains the socket's outbound queue, fed by the broker
subscriptions and by direct answers (ack, pong, error). A bad frame gets an `error` event and the socket stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from serve import errors, metrics
from serve.chat.broker import Subscription
from serve.chat.service import load_owned
from serve.chat.views import message_view
from serve.frames import (
    AckEvent,
    AuthFrame,
    ErrorEvent,
    MessageEvent,
    PingFrame,
    PongEvent,
    SendFrame,
    SubscribeFrame,
    TypingFrame,
    UserTypingEvent,
    client_frame_adapter,
)
from serve.security import Claims, decode_access_token
from serve.state import AppState
from serve.storage import messages as message_store

router = APIRouter()
CLOSE_UNAUTHORIZED = 4401
CLOSE_RESTARTING = 1012
_REPLAY_PAGE = 200


class ChatSocket:
    def __init__(self, websocket: WebSocket, state: AppState, caller: Claims) -> None:
        self.ws = websocket
        self.state = state
        self.caller = caller
        self.id = uuid.uuid4().hex
        self.outbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.subscriptions: dict[uuid.UUID, tuple[Subscription, asyncio.Task[None]]] = {}

    def send(self, event: dict[str, Any]) -> None:
        self.outbox.put_nowait(event)

    def error(self, code: str, message: str, client_message_id: uuid.UUID | None = None) -> None:
        metrics.ERRORS.labels(code=code).inc()
        self.send(
            ErrorEvent(code=code, message=message, client_message_id=client_message_id).model_dump(
                mode="json"
            )
        )

    async def writer(self) -> None:
        while True:
            event = await self.outbox.get()
            if event is None:
                return
            await self.ws.send_text(json.dumps(event))

    async def handle(self, raw: str) -> None:
        if len(raw.encode()) > self.state.settings.chat.ws_max_frame_bytes:
            self.error(
                "frame_too_large",
                f"Frames must be at most {self.state.settings.chat.ws_max_frame_bytes} bytes.",
            )
            return
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            self.error("malformed_json", "The frame is not valid JSON.")
            return
        if not isinstance(data, dict) or "type" not in data:
            self.error("invalid_frame", "A frame is a JSON object with a `type`.")
            return
        try:
            frame = client_frame_adapter.validate_python(data)
        except ValidationError as exc:
            if any(e["type"] == "union_tag_invalid" for e in exc.errors()):
                self.error("unknown_frame_type", f"Unknown frame type {str(data.get('type'))[:40]!r}.")
            else:
                client_id = _maybe_uuid(data.get("client_message_id"))
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"][1:]) or "frame"
                self.error("invalid_frame", f"{where}: {first['msg']}", client_id)
            return
        try:
            await self.dispatch(frame)
        except errors.ApiError as exc:
            client_id = frame.client_message_id if isinstance(frame, SendFrame) else None
            self.error(exc.code, exc.message, client_id)

    async def dispatch(self, frame: Any) -> None:
        if isinstance(frame, PingFrame):
            self.send(PongEvent().model_dump())
        elif isinstance(frame, SubscribeFrame):
            await self.subscribe(frame)
        elif isinstance(frame, SendFrame):
            await self.message_send(frame)
        elif isinstance(frame, TypingFrame):
            async with self.state.sessions() as session:
                await load_owned(session, self.caller, frame.conversation_id)
            event = UserTypingEvent(conversation_id=frame.conversation_id, state=frame.state)
            await self.state.broker.publish(
                frame.conversation_id, event.model_dump(mode="json"), origin=self.id
            )
        elif isinstance(frame, AuthFrame):
            self.error("already_authenticated", "This socket is already authenticated.")

    async def subscribe(self, frame: SubscribeFrame) -> None:
        """Replay stored messages after `after_seq`, then stream live events; nothing missed, nothing twice."""
        async with self.state.sessions() as session:
            await load_owned(session, self.caller, frame.conversation_id)
        if frame.conversation_id in self.subscriptions:
            self._unsubscribe(frame.conversation_id)
        # Subscribe before reading the replay, so events published meanwhile are queued, then dropped if the
        # replay already carried them (same seq, same final state).
        subscription = self.state.broker.subscribe(frame.conversation_id)
        await self.state.broker.ready(subscription)
        replayed: dict[int, str] = {}
        after = frame.after_seq
        async with self.state.sessions() as session:
            while True:
                rows = await message_store.list_messages(
                    session=session,
                    conversation_id=frame.conversation_id,
                    after_seq=after,
                    limit=_REPLAY_PAGE,
                )
                for row in rows:
                    replayed[row.seq] = row.status
                    self.send(MessageEvent(message=message_view(row)).model_dump(mode="json"))
                if len(rows) < _REPLAY_PAGE:
                    break
                after = rows[-1].seq
        task = asyncio.create_task(self._forward(subscription, replayed))
        self.subscriptions[frame.conversation_id] = (subscription, task)

    async def _forward(self, subscription: Subscription, replayed: dict[int, str]) -> None:
        async for envelope in subscription.events():
            if envelope.origin == self.id:
                continue
            event = envelope.event
            if event.get("type") == "message":
                seq = event["message"]["seq"]
                if replayed.get(seq) == event["message"]["status"]:
                    continue
            self.send(event)
        if subscription.overflowed:
            self.error("too_slow", "This socket fell behind; reconnect and subscribe with your last seq.")
            self.send(None)  # type: ignore[arg-type]

    def _unsubscribe(self, conversation_id: uuid.UUID) -> None:
        subscription, task = self.subscriptions.pop(conversation_id)
        subscription.close()
        task.cancel()

    async def message_send(self, frame: SendFrame) -> None:
        settings = self.state.settings
        if len(frame.content) > settings.chat.max_content_chars:
            self.error("content_too_long", "The message is too long.", frame.client_message_id)
            return
        if settings.rate_limit.enabled:
            decision = await self.state.limiter.hit(
                "ws_send", str(self.caller.sub), settings.rate_limit.ws_sends_per_minute
            )
            if not decision.allowed:
                self.error(
                    "rate_limited",
                    f"Too many messages. Wait {decision.retry_after_s} seconds and send again.",
                    frame.client_message_id,
                )
                return
        # Shielded: a socket dropped mid-store must not cancel a database transaction half-way (it would hold
        # SQLite's write lock until the connection is collected); the store completes and a resend finds it.
        submitted = await asyncio.shield(
            self.state.chat.submit(self.caller, frame.conversation_id, frame.client_message_id, frame.content)
        )
        self.send(
            AckEvent(client_message_id=frame.client_message_id, message=submitted.message).model_dump(
                mode="json"
            )
        )
        if submitted.created:
            await self.state.chat.announce(submitted, origin=self.id)
            self.state.runner.start(submitted.reply.id)
        elif submitted.reply.status != "streaming":
            # A resend of an answered message: give this socket the stored reply again.
            self.send(MessageEvent(message=submitted.reply).model_dump(mode="json"))

    async def drain(self) -> None:
        """Close with 1012 (service restart): the client reconnects, to another replica if this one is going."""
        with contextlib.suppress(Exception):
            await self.ws.close(
                code=CLOSE_RESTARTING, reason="server restarting; reconnect and subscribe again"
            )

    async def close(self) -> None:
        for conversation_id in list(self.subscriptions):
            self._unsubscribe(conversation_id)
        self.send(None)  # type: ignore[arg-type]


def _maybe_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value is not None else None
    except ValueError:
        return None


async def _authenticate(websocket: WebSocket, state: AppState) -> Claims | None:
    token = websocket.query_params.get("token")
    if token is None:
        try:
            raw = await asyncio.wait_for(
                websocket.receive_text(), timeout=state.settings.chat.ws_auth_timeout_s
            )
            token = AuthFrame.model_validate_json(raw).token
        except (TimeoutError, ValidationError, ValueError, KeyError):
            return None
    try:
        return decode_access_token(state.settings.auth, token)
    except errors.InvalidToken:
        return None


@router.websocket("/ws")
async def chat_socket(websocket: WebSocket) -> None:
    state: AppState = websocket.app.state.csagent
    await websocket.accept()
    caller = await _authenticate(websocket, state)
    if caller is None:
        metrics.ERRORS.labels(code="invalid_token").inc()
        await websocket.close(code=CLOSE_UNAUTHORIZED, reason="invalid or missing token")
        return
    socket = ChatSocket(websocket, state, caller)
    state.sockets.add(socket)
    metrics.WEBSOCKETS.inc()
    writer = asyncio.create_task(socket.writer())
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                raw_bytes = message.get("bytes") or b""
                if len(raw_bytes) > state.settings.chat.ws_max_frame_bytes:
                    socket.error("frame_too_large", "The frame is too large.")
                else:
                    socket.error("invalid_frame", "Frames are JSON text, not binary.")
                continue
            await socket.handle(text)
            if writer.done():
                break
    except WebSocketDisconnect:
        pass
    finally:
        state.sockets.discard(socket)
        metrics.WEBSOCKETS.dec()
        await socket.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer, timeout=1)
        writer.cancel()
