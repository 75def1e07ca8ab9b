"""Request body limit, as pure ASGI middleware: 413 `payload_too_large` before a large body is read whole.

A body that declares a Content-Length over the limit is refused on the application's first read, before any of it
is taken from the connection (the server stops reading a body nobody receives). A chunked body, or one whose
Content-Length understates it, is counted as it arrives and refused at the first chunk past the limit, so at most
`limit` bytes plus one chunk are ever held. The refusal is raised as an HTTPException from `receive`: FastAPI passes
those through, so the app's own handler writes the contract's error body (or OpenAI's under /v1/); anything that
swallows it still gets a plain 413 here when no response has started.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from serve.errors import error_body


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {limit} bytes.")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimitMiddleware:
    """Refuses HTTP request bodies over `max_bytes`; WebSockets have their own frame limits (serve/api/ws.py)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge as exc:
            if started:
                raise
            request_id = (scope.get("state") or {}).get("request_id")
            body = error_body("payload_too_large", str(exc.detail), request_id, {"max_bytes": self.max_bytes})
            response = JSONResponse(body, 413, headers={"Connection": "close"})
            await response(scope, receive, send)
