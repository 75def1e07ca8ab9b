"""`csagent chat` dials the server the settings name and reports one it cannot reach in one line."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, WebSocket
from fastapi.responses import JSONResponse

from serve import cli
from serve.cli_chat import server_url
from serve.settings import Settings, get_settings
from tests.factories import free_port


@dataclass
class FakeServer:
    """What a stand-in csagent server on a real port saw; `refuse_guest` makes it answer 503 instead."""

    port: int
    refuse_guest: bool = False
    close_socket_with: int | None = None
    requests: list[str] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)


def _app(fake: FakeServer) -> FastAPI:
    app = FastAPI()

    @app.post("/api/v1/auth/guest")
    async def guest() -> JSONResponse:
        fake.requests.append("guest")
        if fake.refuse_guest:
            body = {"error": {"code": "not_ready", "message": "starting"}}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"access_token": "token-1"})

    @app.post("/api/v1/conversations")
    async def conversations() -> JSONResponse:
        fake.requests.append("conversations")
        return JSONResponse({"id": "c1"})

    @app.websocket("/api/v1/ws")
    async def ws(socket: WebSocket) -> None:
        fake.requests.append(f"ws token={socket.query_params.get('token')}")
        await socket.accept()
        if fake.close_socket_with is not None:
            await socket.close(code=fake.close_socket_with)
            return
        while True:
            frame = json.loads(await socket.receive_text())
            fake.frames.append(frame)
            if frame["type"] != "message.send":
                continue
            for index, delta in enumerate(["Use ", "a map."]):
                await socket.send_json(
                    {
                        "type": "assistant.delta",
                        "conversation_id": "c1",
                        "message_id": "m2",
                        "index": index,
                        "delta": delta,
                    }
                )
            meta = {"intent": {"name": "apex_limits", "confidence": 0.9}, "citations": [], "latency_ms": 12.0}
            message = {"id": "m2", "role": "assistant", "content": "Use a map.", "meta": meta}
            await socket.send_json({"type": "message", "message": message})

    return app


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    fake = FakeServer(port=free_port())
    config = uvicorn.Config(
        _app(fake),
        host="127.0.0.1",
        port=fake.port,
        log_level="warning",
        ws="websockets-sansio",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ready = threading.Event()
    # Polls the server's own flag; the event's timeout only bounds a start that never happens.
    while not server.started and thread.is_alive():
        ready.wait(0.01)
    assert server.started, "the stand-in server did not start"
    yield fake
    server.should_exit = True
    thread.join()


@pytest.fixture
def settings_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Sets CSAGENT_HTTP_PORT (and clears the settings cache) the way an operator would."""

    def use(port: int) -> None:
        monkeypatch.setenv("CSAGENT_HTTP_PORT", str(port))
        monkeypatch.delenv("CSAGENT_HTTP_HOST", raising=False)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_server_url_is_the_settings_host_and_port() -> None:
    assert server_url(Settings(env="test", http_port=8123)) == "http://127.0.0.1:8123"
    # A wildcard bind is reached on loopback, in the address family it names.
    assert server_url(Settings(env="test", http_host="0.0.0.0", http_port=9000)) == "http://127.0.0.1:9000"
    assert server_url(Settings(env="test", http_host="::", http_port=9000)) == "http://[::1]:9000"
    assert server_url(Settings(env="test", http_host="::1", http_port=9000)) == "http://[::1]:9000"
    assert server_url(Settings(env="test", http_host="localhost", http_port=81)) == "http://localhost:81"


def test_chat_talks_to_the_port_in_csagent_http_port(
    fake_server: FakeServer, settings_port: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_port(fake_server.port)
    assert cli.main(["chat", "-m", "How do I avoid SOQL in loops?"]) == 0
    assert fake_server.requests == ["guest", "conversations", "ws token=token-1"]
    assert [frame["type"] for frame in fake_server.frames] == ["subscribe", "message.send"]
    assert fake_server.frames[1]["content"] == "How do I avoid SOQL in loops?"
    out = capsys.readouterr().out
    assert "agent> Use a map." in out
    assert "[intent apex_limits 0.90; sources: none; 12 ms]" in out


def test_an_unreachable_server_is_one_line_and_a_failure(
    settings_port: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()  # nothing listens there
    settings_port(port)
    assert cli.main(["chat", "-m", "hello"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(
        f"csagent chat: cannot reach the server at http://127.0.0.1:{port}/api/v1/auth/guest ("
    )
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    assert "--url" in captured.err, "the line says how to point elsewhere"


def test_url_flag_overrides_the_settings(
    fake_server: FakeServer, settings_port: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_port(free_port())  # the settings name a port where nothing listens
    assert cli.main(["chat", "--url", f"http://127.0.0.1:{fake_server.port}/", "-m", "hi"]) == 0
    assert fake_server.requests[0] == "guest"
    assert "agent> Use a map." in capsys.readouterr().out


def test_a_refusal_is_one_line_with_the_error_code(
    fake_server: FakeServer, settings_port: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_server.refuse_guest = True
    settings_port(fake_server.port)
    assert cli.main(["chat", "-m", "hi"]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"csagent chat: http://127.0.0.1:{fake_server.port}/api/v1/auth/guest answered 503 (not_ready)\n"
    )


def test_a_socket_the_server_closes_is_one_line(
    fake_server: FakeServer, settings_port: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_server.close_socket_with = 4401
    settings_port(fake_server.port)
    assert cli.main(["chat", "-m", "hi"]) == 1
    assert capsys.readouterr().err == "csagent chat: the server closed the WebSocket (code 4401)\n"
