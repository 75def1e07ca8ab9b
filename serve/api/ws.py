"""WebSocket chat: GET /api/v1/ws (see shared/contract.md).

`chat_socket` admits a connection (sockets per IP and per user, a small pre-auth frame) and hands it to a
`ChatSocket` (serve/api/ws_socket.py), whose reader takes client frames while a writer drains its bounded outbound
queue. Close codes: 4401 bad or missing token, or the token expired (serve/api/ws_expiry.py), 1008 over a policy
limit, 1009 a pre-auth frame too large, 1012 the replica is being stopped (open sockets, and new ones while it
drains), 1013 the client reads too slowly. A client reconnects and subscribes with its last `seq`. The per-IP cap
counts the trusted-proxies-aware client address.
"""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from serve import errors, metrics
from serve.api.deps import ClientAddressDep
from serve.api.ws_expiry import SocketTimers, SocketTimersDep, token_expires_at
from serve.api.ws_limits import SocketCounts
from serve.api.ws_socket import CLOSE_POLICY, CLOSE_RESTARTING, RESTARTING_REASON, ChatSocket
from serve.frames import AuthFrame
from serve.security import Claims, decode_access_token
from serve.state import AppState

router = APIRouter()
CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_BIG = 1009


class _Refused(Exception):
    def __init__(self, code: int, reason: str, metric: str) -> None:
        super().__init__(reason)
        self.code, self.reason, self.metric = code, reason, metric


def _counts(websocket: WebSocket) -> SocketCounts:
    """This replica's open sockets by user and IP, kept on the application (one per app, like its state)."""
    counts = getattr(websocket.app.state, "ws_counts", None)
    if counts is None:
        counts = SocketCounts()
        websocket.app.state.ws_counts = counts
    assert isinstance(counts, SocketCounts)
    return counts


async def _authenticate(websocket: WebSocket, state: AppState) -> tuple[Claims, float]:
    """The caller and its token's expiry from `?token=` or a first `auth` frame; `_Refused` with the close code
    otherwise."""
    chat = state.settings.chat
    token = websocket.query_params.get("token")
    if token is None:
        try:
            message = await asyncio.wait_for(websocket.receive(), timeout=chat.ws_auth_timeout_s)
        except TimeoutError:
            raise _Refused(CLOSE_UNAUTHORIZED, "invalid or missing token", "invalid_token") from None
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        raw: str | bytes = message.get("text") or message.get("bytes") or ""
        # Character count first: it never undercounts bytes by more than 4x, and a huge frame is not re-encoded.
        if len(raw) > chat.ws_auth_max_frame_bytes or (
            isinstance(raw, str) and len(raw.encode(errors="surrogatepass")) > chat.ws_auth_max_frame_bytes
        ):
            raise _Refused(CLOSE_TOO_BIG, "the first frame must be a small auth frame", "frame_too_large")
        try:
            token = AuthFrame.model_validate_json(raw).token
        except ValidationError:
            raise _Refused(CLOSE_UNAUTHORIZED, "invalid or missing token", "invalid_token") from None
    try:
        return decode_access_token(state.settings.auth, token), token_expires_at(token)
    except errors.InvalidToken:
        raise _Refused(CLOSE_UNAUTHORIZED, "invalid or missing token", "invalid_token") from None


def _expire(socket: ChatSocket) -> None:
    metrics.ERRORS.labels(code="token_expired").inc()
    socket.end(CLOSE_UNAUTHORIZED, "token expired; refresh it, reconnect and subscribe with your last seq")


async def _serve(socket: ChatSocket, state: AppState, timers: SocketTimers, expires_at: float) -> None:
    if state.draining:
        # This replica is being stopped: the client reconnects, and Serve's proxy picks another replica.
        raise _Refused(CLOSE_RESTARTING, RESTARTING_REASON, "replica_draining")
    state.sockets.add(socket)
    metrics.WEBSOCKETS.inc()
    expiry = timers.call_at(expires_at, lambda: _expire(socket))
    writer = asyncio.create_task(socket.writer())
    try:
        await socket.run()
    finally:
        expiry.cancel()
        state.sockets.discard(socket)
        metrics.WEBSOCKETS.dec()
        await socket.close(writer)


@router.websocket("/ws")
async def chat_socket(websocket: WebSocket, ip: ClientAddressDep, timers: SocketTimersDep) -> None:
    state: AppState = websocket.app.state.csagent
    chat = state.settings.chat
    counts = _counts(websocket)
    await websocket.accept()
    admitted_ip = counts.admit_ip(ip, chat.ws_max_sockets_per_ip)
    user: str | None = None
    try:
        if not admitted_ip:
            raise _Refused(CLOSE_POLICY, "too many sockets from this address", "too_many_sockets")
        caller, expires_at = await _authenticate(websocket, state)
        if not counts.admit_user(str(caller.sub), chat.ws_max_sockets_per_user):
            raise _Refused(CLOSE_POLICY, "too many sockets for this user", "too_many_sockets")
        user = str(caller.sub)
        await _serve(ChatSocket(websocket, state, caller), state, timers, expires_at)
    except _Refused as refused:
        metrics.ERRORS.labels(code=refused.metric).inc()
        with contextlib.suppress(Exception):
            await websocket.close(code=refused.code, reason=refused.reason)
    except WebSocketDisconnect:
        pass
    finally:
        if user is not None:
            counts.release_user(user)
        if admitted_ip:
            counts.release_ip(ip)
