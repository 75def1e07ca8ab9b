"""The body limit refuses large bodies before they are read whole: declared ones unread, chunked ones early."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from serve.body_limit import BodyLimitMiddleware

LIMIT = 1024


async def echo_length(scope: Scope, receive: Receive, send: Send) -> None:
    """A plain ASGI app that reads the whole body (as any JSON endpoint does) and answers its length."""
    body = await Request(scope, receive).body()
    await JSONResponse({"length": len(body)})(scope, receive, send)


class Client:
    """Feeds a body in chunks and counts how many the application pulled."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.pulled = 0
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        if self.pulled >= len(self.chunks):
            return {"type": "http.disconnect"}
        chunk = self.chunks[self.pulled]
        self.pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": self.pulled < len(self.chunks)}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def body(self) -> Any:
        return json.loads(b"".join(m.get("body", b"") for m in self.sent[1:]))


def _call(chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> Client:
    client = Client(chunks)
    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": headers,
        "query_string": b"",
        "state": {"request_id": "req-1"},
    }
    app = BodyLimitMiddleware(echo_length, max_bytes=LIMIT)
    asyncio.run(app(scope, client.receive, client.send))
    return client


def test_a_declared_length_over_the_limit_is_refused_before_any_byte_is_read() -> None:
    chunks = [b"x" * 512] * 48  # 24 KiB
    client = _call(chunks, [(b"content-length", str(512 * 48).encode())])
    assert client.status == 413 and client.pulled == 0
    error = client.body["error"]
    assert error["code"] == "payload_too_large" and error["request_id"] == "req-1"
    assert error["details"] == {"max_bytes": LIMIT}


def test_a_chunked_body_is_refused_at_the_first_chunk_past_the_limit() -> None:
    client = _call([b"x" * 512] * 48, [(b"transfer-encoding", b"chunked")])
    assert client.status == 413
    assert client.pulled == 3, (
        "two chunks fit (1024 bytes), the third crosses the limit; the rest stay unread"
    )


def test_a_body_that_understates_its_length_is_counted_as_it_arrives() -> None:
    client = _call([b"x" * 512] * 48, [(b"content-length", b"10")])
    assert client.status == 413 and client.pulled == 3


def test_bodies_within_the_limit_pass_untouched() -> None:
    client = _call([b"x" * 512, b"y" * 512], [(b"content-length", b"1024")])
    assert client.status == 200 and client.body == {"length": 1024}
