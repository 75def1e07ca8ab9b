"""`csagent chat`: a terminal chat client over the REST API and the WebSocket, as a browser would use them.

It dials the server the settings name (`http_host`/`http_port`, so `CSAGENT_HTTP_PORT` moves it too) unless
`--url` says otherwise. A server that cannot be reached, refuses, or drops the socket is reported in one line on
stderr with a non-zero exit, never a traceback: this is a person's tool, and the fix is usually "start it".
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import TYPE_CHECKING, Any

from serve.cli_output import say

if TYPE_CHECKING:
    from websockets.sync.client import ClientConnection

    from serve.settings import Settings

HTTP_TIMEOUT_S = 30.0
REPLY_TIMEOUT_S = 120.0


class ServerUnavailable(Exception):
    """The server could not be reached or would not chat; the message is the one line the user sees."""


def server_url(settings: Settings) -> str:
    """The base URL of the server the settings describe; a wildcard bind (0.0.0.0, ::) is dialled on loopback."""
    host = settings.http_host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{settings.http_port}"
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    shown = f"[{address}]" if address.version == 6 else str(address)
    return f"http://{shown}:{settings.http_port}"


def _error_code(error: urllib.error.HTTPError) -> str:
    """The contract's error code from an error body, or the HTTP reason when the body is not ours."""
    try:
        body = json.loads(error.read())
        return str(body["error"]["code"])
    except (ValueError, KeyError, TypeError, OSError):
        return str(error.reason)


def _http_json(url: str, body: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method="POST" if body is not None else "GET",
    )
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
            data: dict[str, Any] = json.loads(response.read())
            return data
    except urllib.error.HTTPError as error:  # before URLError: it is one
        raise ServerUnavailable(f"{url} answered {error.code} ({_error_code(error)})") from error
    except urllib.error.URLError as error:
        raise ServerUnavailable(_unreachable(url, error.reason)) from error
    except (OSError, ValueError) as error:  # a timeout, a reset, or a body that is not JSON
        raise ServerUnavailable(_unreachable(url, error)) from error


def _unreachable(url: str, reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return (
        f"cannot reach the server at {url} ({text}): is it running (make run)? "
        "Point at another with --url or CSAGENT_HTTP_HOST/CSAGENT_HTTP_PORT"
    )


def _connect(ws_url: str, shown: str) -> ClientConnection:
    from websockets.exceptions import InvalidHandshake, InvalidURI
    from websockets.sync.client import connect

    try:
        return connect(ws_url, max_size=2**20, open_timeout=HTTP_TIMEOUT_S)
    except (OSError, InvalidHandshake, InvalidURI) as error:
        raise ServerUnavailable(_unreachable(shown, error)) from error


def _chat(args: argparse.Namespace, base: str) -> int:
    from websockets.exceptions import ConnectionClosed

    session = _http_json(f"{base}/api/v1/auth/guest", {"display_name": "Terminal"})
    token = session["access_token"]
    conversation = _http_json(f"{base}/api/v1/conversations", {"channel": "api"}, token)
    ws_base = base.replace("http", "ws", 1) + "/api/v1/ws"
    try:
        with _connect(f"{ws_base}?token={token}", ws_base) as ws:
            return _converse(ws, conversation["id"], args.message)
    except ConnectionClosed as closed:
        reason = f"code {closed.rcvd.code}" if closed.rcvd else "no close frame"
        raise ServerUnavailable(f"the server closed the WebSocket ({reason})") from closed
    except TimeoutError as error:
        raise ServerUnavailable(f"no answer from the server within {REPLY_TIMEOUT_S:.0f} s") from error


def _converse(ws: ClientConnection, conversation_id: str, message: str | None) -> int:
    ws.send(json.dumps({"type": "subscribe", "conversation_id": conversation_id, "after_seq": 0}))
    say(f"conversation {conversation_id} — type a question, empty line to quit")
    lines = [message] if message else None
    while True:
        if lines is not None:
            text = lines.pop(0) if lines else None
        else:
            try:
                text = input("you> ").strip()
            except EOFError:
                text = None
        if not text:
            return 0
        ws.send(
            json.dumps(
                {
                    "type": "message.send",
                    "conversation_id": conversation_id,
                    "client_message_id": str(uuid.uuid4()),
                    "content": text,
                }
            )
        )
        sys.stdout.write("agent> ")
        _print_reply(ws)
        if lines is not None and not lines:
            return 0


def _print_reply(ws: ClientConnection) -> None:
    """Stream one reply's deltas to the terminal until its stored message (or an error) arrives."""
    while True:
        event = json.loads(ws.recv(timeout=REPLY_TIMEOUT_S))
        if event["type"] == "assistant.delta":
            sys.stdout.write(event["delta"])
            sys.stdout.flush()
        elif event["type"] == "message" and event["message"]["role"] == "assistant":
            meta = event["message"]["meta"]
            sources = ", ".join(c["title"] for c in meta.get("citations", []))
            say(
                f"\n  [intent {meta['intent']['name']} {meta['intent']['confidence']:.2f}; "
                f"sources: {sources or 'none'}; {meta['latency_ms']:.0f} ms]"
            )
            return
        elif event["type"] == "error":
            say(f"\n  error: {event['code']}: {event['message']}")
            return


def cmd_chat(args: argparse.Namespace) -> int:
    """A terminal chat client over the WebSocket: type a message, watch the answer stream in."""
    from serve.settings import get_settings

    base = (args.url or server_url(get_settings())).rstrip("/")
    try:
        return _chat(args, base)
    except ServerUnavailable as error:
        print(f"csagent chat: {error}", file=sys.stderr)
        return 1


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = commands.add_parser("chat", help="terminal chat client over the WebSocket")
    chat.add_argument(
        "--url", default=None, help="server base URL (default: http_host and http_port from the settings)"
    )
    chat.add_argument("--message", "-m", help="send one message and exit")
    chat.set_defaults(func=cmd_chat)
