"""One chat socket: a reader that takes client frames and a writer that drains a bounded outbound queue.

The queue is fed by broker subscriptions and by direct answers (ack, pong, error). A bad frame, or one whose
handling fails for any reason, gets an `error` event and the socket stays open. What a socket may cost is bounded:
frames of any type, `subscribe` and `typing` frames each have a token bucket (serve/api/ws_limits.py); a socket
follows at most `chat.ws_max_subscriptions` conversations; and a client that stops reading is closed with 1013
once its queue is full (live events) or a replay has waited `chat.ws_send_timeout_s` for room, instead of the
replica buffering for it without end. A replay is still the whole history after `after_seq` (the contract says
every stored message), but paced by the reader: it never holds more than the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import Any

from fastapi import WebSocket
from pydantic import ValidationError
from starlette.types import Message

from serve import errors, metrics
from serve.api.ws_limits import TokenBucket, per_minute
from serve.chat.broker import Subscription
from serve.chat.service import Submitted, load_owned, send_message
from serve.chat.views import message_view
from serve.frames import (
    AckEvent,
    AuthFrame,
    ClientFrame,
    ErrorEvent,
    MessageEvent,
    PingFrame,
    PongEvent,
    SendFrame,
    SubscribeFrame,
    TypingFrame,
    UnsubscribeFrame,
    UserTypingEvent,
    client_frame_adapter,
)
from serve.security import Claims
from serve.state import AppState
from serve.storage import messages as message_store

logger = logging.getLogger("csagent.ws")
CLOSE_POLICY = 1008
CLOSE_INTERNAL = 1011
CLOSE_RESTARTING = 1012
CLOSE_TRY_LATER = 1013
_REPLAY_PAGE = 200
_SLOW_READER = "reading too slowly; reconnect and subscribe with your last seq"
RESTARTING_REASON = "server restarting; reconnect and subscribe with your last seq"


class ChatSocket:
    def __init__(self, websocket: WebSocket, state: AppState, caller: Claims) -> None:
        self.ws = websocket
        self.state = state
        self.caller = caller
        self.id = uuid.uuid4().hex
        self.outbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(
            state.settings.chat.ws_outbox_events
        )
        self.subscriptions: dict[uuid.UUID, tuple[Subscription, asyncio.Task[None]]] = {}
        # Set when the socket must stop from the server's side; `closing` holds the close code, if one is sent.
        self.ended = asyncio.Event()
        self.closing: tuple[int, str] | None = None
        self.closed = asyncio.Event()  # set once `close` has run: the socket is done on this replica
        limits = state.settings.rate_limit
        clock = state.limiter.clock
        self.frames = TokenBucket(limits.ws_frames_per_s, limits.ws_frame_burst, clock)
        self.subscribes = per_minute(limits.ws_subscribes_per_minute, clock)
        self.typings = per_minute(limits.ws_typing_per_minute, clock)
        self.refused_in_a_row = 0

    @property
    def request_id(self) -> str | None:
        state = self.ws.scope.get("state") or {}
        return state.get("request_id")

    def end(self, code: int | None, reason: str = "") -> None:
        """Stop the socket; with a code, close it with that code (queued events are dropped)."""
        if not self.ended.is_set():
            self.closing = (code, reason) if code is not None else None
            self.ended.set()

    def send(self, event: dict[str, Any]) -> None:
        if self.ended.is_set():
            return
        try:
            self.outbox.put_nowait(event)
        except asyncio.QueueFull:
            metrics.ERRORS.labels(code="ws_outbox_full").inc()
            self.end(CLOSE_TRY_LATER, _SLOW_READER)

    async def send_paced(self, event: dict[str, Any]) -> bool:
        """Queue `event`, waiting for room while the client reads (a replay); False once the socket is ending."""
        if self.ended.is_set():
            return False
        try:
            await asyncio.wait_for(self.outbox.put(event), self.state.settings.chat.ws_send_timeout_s)
        except TimeoutError:
            metrics.ERRORS.labels(code="ws_outbox_full").inc()
            self.end(CLOSE_TRY_LATER, _SLOW_READER)
            return False
        return True

    def error(self, code: str, message: str, client_message_id: uuid.UUID | None = None) -> None:
        metrics.ERRORS.labels(code=code).inc()
        event = ErrorEvent(code=code, message=message, client_message_id=client_message_id)
        self.send(event.model_dump(mode="json"))

    async def writer(self) -> None:
        try:
            while True:
                event = await self.outbox.get()
                if event is None:
                    return
                await self.ws.send_text(json.dumps(event))
        except Exception:  # the connection is gone: stop reading too
            self.end(None)

    async def run(self) -> None:
        """Take frames until the client leaves or the socket is ended (a frame is never cut off half-way)."""
        ended = asyncio.create_task(self.ended.wait())
        try:
            while not self.ended.is_set():
                receive = asyncio.ensure_future(self.ws.receive())
                await asyncio.wait({receive, ended}, return_when=asyncio.FIRST_COMPLETED)
                if not receive.done():
                    receive.cancel()
                    return
                message = receive.result()
                if message["type"] == "websocket.disconnect":
                    return
                if self._admit():
                    await self.take(message)
        finally:
            ended.cancel()

    def _admit(self) -> bool:
        """The frame rate limit, checked before a frame is even parsed."""
        limits = self.state.settings.rate_limit
        if not limits.enabled or self.frames.take():
            self.refused_in_a_row = 0
            return True
        self.refused_in_a_row += 1
        metrics.RATE_LIMITED.labels(scope="ws_frame").inc()
        if self.refused_in_a_row >= limits.ws_frame_burst:
            self.end(CLOSE_POLICY, "too many frames")
        else:
            wait = self.frames.retry_after_s()
            self.error("rate_limited", f"Too many frames. Wait {wait} seconds and send again.")
        return False

    async def take(self, message: Message) -> None:
        text = message.get("text")
        if text is None:
            if len(message.get("bytes") or b"") > self.state.settings.chat.ws_max_frame_bytes:
                self.error("frame_too_large", "The frame is too large.")
            else:
                self.error("invalid_frame", "Frames are JSON text, not binary.")
            return
        await self.handle(text)

    def parse(self, raw: str) -> ClientFrame | None:
        """The frame, or None after answering why it is refused."""
        limit = self.state.settings.chat.ws_max_frame_bytes
        # surrogatepass: a text frame is valid UTF-8 off the wire, but no frame may break the size check itself.
        if len(raw) > limit or len(raw.encode(errors="surrogatepass")) > limit:
            self.error("frame_too_large", f"Frames must be at most {limit} bytes.")
            return None
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # also integers of over 4300 digits and hostile nesting
            self.error("malformed_json", "The frame is not valid JSON.")
            return None
        if not isinstance(data, dict) or "type" not in data:
            self.error("invalid_frame", "A frame is a JSON object with a `type`.")
            return None
        try:
            return client_frame_adapter.validate_python(data)
        except ValidationError as exc:
            if any(e["type"] == "union_tag_invalid" for e in exc.errors()):
                self.error("unknown_frame_type", f"Unknown frame type {str(data.get('type'))[:40]!r}.")
            else:
                client_id = _maybe_uuid(data.get("client_message_id"))
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"][1:]) or "frame"
                self.error("invalid_frame", f"{where}: {first['msg']}", client_id)
            return None

    async def handle(self, raw: str) -> None:
        """Answer one frame; whatever goes wrong becomes an `error` event and the socket stays open."""
        frame: ClientFrame | None = None
        try:
            frame = self.parse(raw)
            if frame is not None:
                await self.dispatch(frame)
        except errors.ApiError as exc:
            self.error(exc.code, exc.message, _client_id(frame))
        except Exception as exc:
            kind = frame.type if frame is not None else "unparsed"
            extra = {"request_id": self.request_id, "frame": kind}
            if errors.overloaded(exc):
                logger.warning(
                    "websocket frame failed: store overloaded or unreachable: %r", exc, extra=extra
                )
                self.error(errors.ServiceUnavailable.code, errors.OVERLOAD_MESSAGE, _client_id(frame))
                return
            logger.exception("websocket frame failed", extra=extra)
            self.error("internal_error", "Something went wrong on our side; try again.", _client_id(frame))

    async def dispatch(self, frame: ClientFrame) -> None:
        if isinstance(frame, PingFrame):
            self.send(PongEvent().model_dump())
        elif isinstance(frame, SubscribeFrame):
            await self.subscribe(frame)
        elif isinstance(frame, UnsubscribeFrame):
            self.unsubscribe(frame)
        elif isinstance(frame, SendFrame):
            await self.message_send(frame)
        elif isinstance(frame, TypingFrame):
            await self.typing(frame)
        elif isinstance(frame, AuthFrame):
            self.error("already_authenticated", "This socket is already authenticated.")

    def _limited(self, bucket: TokenBucket, what: str) -> bool:
        if not self.state.settings.rate_limit.enabled or bucket.take():
            return False
        metrics.RATE_LIMITED.labels(scope=f"ws_{what}").inc()
        self.error("rate_limited", f"Too many {what} frames. Wait {bucket.retry_after_s()} seconds.")
        return True

    async def typing(self, frame: TypingFrame) -> None:
        if self._limited(self.typings, "typing"):
            return
        if frame.conversation_id not in self.subscriptions:  # a followed one is known to be the caller's
            async with self.state.sessions() as session:
                await load_owned(session, self.caller, frame.conversation_id)
        event = UserTypingEvent(conversation_id=frame.conversation_id, state=frame.state)
        await self.state.broker.publish(frame.conversation_id, event.model_dump(mode="json"), origin=self.id)

    async def subscribe(self, frame: SubscribeFrame) -> None:
        """Replay stored messages after `after_seq`, then stream live events; nothing missed, nothing twice."""
        if self._limited(self.subscribes, "subscribe"):
            return
        async with self.state.sessions() as session:
            await load_owned(session, self.caller, frame.conversation_id)
        most = self.state.settings.chat.ws_max_subscriptions
        if frame.conversation_id in self.subscriptions:
            self._unsubscribe(frame.conversation_id)
        elif len(self.subscriptions) >= most:
            self.error("too_many_subscriptions", f"A socket follows at most {most} conversations.")
            return
        # Subscribe before reading the replay, so events published meanwhile are queued, then dropped if the
        # replay already carried them (same seq, same final state).
        subscription = self.state.broker.subscribe(frame.conversation_id)
        try:
            await self.state.broker.ready(subscription)
            replayed = await self._replay(frame.conversation_id, frame.after_seq)
        except BaseException:
            subscription.close()
            raise
        if replayed is None:  # the reader fell behind: the socket is closing
            subscription.close()
            return
        task = asyncio.create_task(self._forward(subscription, replayed))
        self.subscriptions[frame.conversation_id] = (subscription, task)

    async def _replay(self, conversation_id: uuid.UUID, after_seq: int) -> dict[int, str] | None:
        """Send the stored messages after `after_seq` a page at a time: {seq: status} sent, None if the reader fell behind.

        A page is read and its connection returned to the pool before the sends, which may wait up to
        `chat.ws_send_timeout_s` for a slow reader: slow readers must not hold the database pool.
        """
        replayed: dict[int, str] = {}
        while True:
            async with self.state.sessions() as session:
                rows = await message_store.list_messages(
                    session=session, conversation_id=conversation_id, after_seq=after_seq, limit=_REPLAY_PAGE
                )
                page = [message_view(row) for row in rows]
            for message in page:
                replayed[message.seq] = message.status
                if not await self.send_paced(MessageEvent(message=message).model_dump(mode="json")):
                    return None
            if len(page) < _REPLAY_PAGE:
                return replayed
            after_seq = page[-1].seq

    def unsubscribe(self, frame: UnsubscribeFrame) -> None:
        """Stop following a conversation; silent (no event) and idempotent, so it costs no rate-limit token."""
        if frame.conversation_id in self.subscriptions:
            self._unsubscribe(frame.conversation_id)

    async def _forward(self, subscription: Subscription, replayed: dict[int, str]) -> None:
        try:
            async for envelope in subscription.events():
                if envelope.origin == self.id:
                    continue
                event = envelope.event
                if event.get("type") == "message":
                    seq = event["message"]["seq"]
                    if replayed.get(seq) == event["message"]["status"]:
                        continue
                self.send(event)
        except Exception:
            logger.exception("websocket forwarding failed", extra={"request_id": self.request_id})
            self.end(CLOSE_INTERNAL, "server error; reconnect and subscribe with your last seq")
            return
        if subscription.overflowed:
            metrics.ERRORS.labels(code="too_slow").inc()
            self.end(CLOSE_TRY_LATER, _SLOW_READER)

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

        def ack(stored: Submitted) -> None:
            event = AckEvent(client_message_id=frame.client_message_id, message=stored.message)
            self.send(event.model_dump(mode="json"))

        submitted = await send_message(
            chat=self.state.chat,
            runner=self.state.runner,
            caller=self.caller,
            conversation_id=frame.conversation_id,
            client_message_id=frame.client_message_id,
            content=frame.content,
            ack=ack,
            origin=self.id,
        )
        if not submitted.created and submitted.reply.status != "streaming":
            # A resend of an answered message: give this socket the stored reply again.
            self.send(MessageEvent(message=submitted.reply).model_dump(mode="json"))

    async def drain(self) -> None:
        """Close with 1012 (service restart) and return once closed: the client reconnects, to another replica if
        this one is going. The frame being handled is finished first; queued events are dropped (the client
        re-subscribes with its last seq and gets them from storage)."""
        self.end(CLOSE_RESTARTING, RESTARTING_REASON)
        await self.closed.wait()

    async def close(self, writer: asyncio.Task[None]) -> None:
        """Stop following conversations and the writer; send the close code if the server ended the socket."""
        for conversation_id in list(self.subscriptions):
            self._unsubscribe(conversation_id)
        if not self.ended.is_set():  # the client left: let the writer finish what is queued, briefly
            with contextlib.suppress(asyncio.QueueFull):
                self.outbox.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, timeout=1)
        writer.cancel()
        if self.closing is not None:
            code, reason = self.closing
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(code=code, reason=reason), timeout=1)
        self.closed.set()


def _client_id(frame: ClientFrame | None) -> uuid.UUID | None:
    return frame.client_message_id if isinstance(frame, SendFrame) else None


def _maybe_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value is not None else None
    except ValueError:
        return None
