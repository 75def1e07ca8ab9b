"""Local HTTP servers speaking the real OpenAI and Anthropic streaming wire formats, with scripted faults.

A plain asyncio server on 127.0.0.1 (random port) writes HTTP/1.1 by hand, so a test controls every byte: the
status line, `Retry-After`, each chunked-encoding frame of the SSE body, a stall before the first token, and a
connection cut in the middle of the body (no terminating chunk: the client sees an incomplete message, as with a
real network failure). The official SDKs are pointed at it with `base_url`.

Each request takes the next `Reply` from the server's script (the last one repeats), and is recorded (`requests`)
so tests can check what the SDK sent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Event:
    """One server-sent event: `event:` name (Anthropic) or none (OpenAI), and its `data:` payload."""

    data: str | dict[str, Any]
    name: str | None = None

    def encode(self) -> bytes:
        payload = self.data if isinstance(self.data, str) else json.dumps(self.data)
        head = f"event: {self.name}\n" if self.name else ""
        return f"{head}data: {payload}\n\n".encode()


@dataclass
class Stall:
    """Send nothing more until the client hangs up or the server closes (a hung upstream)."""


@dataclass
class Cut:
    """Drop the connection mid-body (no terminating chunk)."""


Step = Event | Stall | Cut


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None  # a JSON body (errors); otherwise `steps` stream as SSE
    steps: Sequence[Step] = ()


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


_REASONS = {
    200: "OK",
    400: "Bad Request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    529: "Overloaded",
}


class ScriptedServer:
    """`async with ScriptedServer([...]) as server:` then `server.base_url`."""

    def __init__(self, replies: Sequence[Reply]) -> None:
        if not replies:
            raise ValueError("a scripted server needs at least one reply")
        self.replies = list(replies)
        self.requests: list[Recorded] = []
        self.events_sent = 0
        #: Streams the client closed while the server was stalled (cancellation reached the server).
        self.client_hangups = 0
        self._server: asyncio.Server | None = None
        self._closing = asyncio.Event()
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    def _next_reply(self) -> Reply:
        index = min(len(self.requests) - 1, len(self.replies) - 1)
        return self.replies[index]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        method, path, _ = head[0].split(" ", 2)
        headers = {
            k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)
        }
        raw = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append(Recorded(method, path, headers, json.loads(raw) if raw else {}))
        reply = self._next_reply()
        reason = _REASONS.get(reply.status, "Status")
        if reply.body is not None:
            body = json.dumps(reply.body).encode()
            lines = [f"HTTP/1.1 {reply.status} {reason}", "content-type: application/json"]
            lines += [f"{k}: {v}" for k, v in reply.headers.items()]
            lines += [f"content-length: {len(body)}", "connection: close", "", ""]
            writer.write("\r\n".join(lines).encode() + body)
            await writer.drain()
            return
        lines = [
            f"HTTP/1.1 {reply.status} {reason}",
            "content-type: text/event-stream",
            "cache-control: no-cache",
        ]
        lines += [f"{k}: {v}" for k, v in reply.headers.items()]
        lines += ["transfer-encoding: chunked", "connection: close", "", ""]
        writer.write("\r\n".join(lines).encode())
        await writer.drain()
        for step in reply.steps:
            if isinstance(step, Stall):
                hangup = asyncio.ensure_future(reader.read())  # b"" once the client closes its side
                closing = asyncio.ensure_future(self._closing.wait())
                done, pending = await asyncio.wait({hangup, closing}, return_when=asyncio.FIRST_COMPLETED)
                for waiting in pending:
                    waiting.cancel()
                if hangup in done:
                    self.client_hangups += 1
                return
            if isinstance(step, Cut):
                writer.transport.abort()
                return
            frame = step.encode()
            writer.write(f"{len(frame):x}\r\n".encode() + frame + b"\r\n")
            await writer.drain()
            self.events_sent += 1
        writer.write(b"0\r\n\r\n")
        await writer.drain()


# -- OpenAI Chat Completions --------------------------------------------------------------------------------------
def openai_chunk(
    content: str | None = None,
    finish: str | None = None,
    usage: dict[str, int] | None = None,
    *,
    role: bool = False,
) -> Event:
    """One `chat.completion.chunk` as the API streams it."""
    delta: dict[str, Any] = {}
    if role:
        delta["role"] = "assistant"
    if content is not None:
        delta["content"] = content
    choices = (
        [] if usage is not None else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
    )
    return Event(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": 1_765_000_000,
            "model": "gpt-test",
            "system_fingerprint": "fp_test",
            "choices": choices,
            "usage": usage,
        }
    )


def openai_stream(pieces: Sequence[str], prompt_tokens: int = 42) -> list[Step]:
    """A whole answer: role chunk, one chunk per piece, the finish chunk, the usage chunk, `[DONE]`."""
    steps: list[Step] = [openai_chunk("", role=True)]
    steps += [openai_chunk(piece) for piece in pieces]
    steps.append(openai_chunk(finish="stop"))
    total = {"prompt_tokens": prompt_tokens, "completion_tokens": len(pieces)}
    steps.append(openai_chunk(usage=total | {"total_tokens": prompt_tokens + len(pieces)}))
    steps.append(Event("[DONE]"))
    return steps


def openai_error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": kind}}


# -- Anthropic Messages --------------------------------------------------------------------------------------------
def anthropic_head(input_tokens: int = 42) -> list[Step]:
    return [
        Event(
            {
                "type": "message_start",
                "message": {
                    "id": "msg_test",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-test",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": input_tokens, "output_tokens": 1},
                },
            },
            "message_start",
        ),
        Event(
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            "content_block_start",
        ),
        Event({"type": "ping"}, "ping"),
    ]


def anthropic_delta(text: str) -> Event:
    return Event(
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
        "content_block_delta",
    )


def anthropic_tail(output_tokens: int) -> list[Step]:
    return [
        Event({"type": "content_block_stop", "index": 0}, "content_block_stop"),
        Event(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": output_tokens},
            },
            "message_delta",
        ),
        Event({"type": "message_stop"}, "message_stop"),
    ]


def anthropic_stream(pieces: Sequence[str], input_tokens: int = 42) -> list[Step]:
    return [
        *anthropic_head(input_tokens),
        *(anthropic_delta(p) for p in pieces),
        *anthropic_tail(len(pieces)),
    ]


def anthropic_error_event(kind: str = "overloaded_error", message: str = "Overloaded") -> Event:
    return Event({"type": "error", "error": {"type": kind, "message": message}}, "error")


def anthropic_error(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}
