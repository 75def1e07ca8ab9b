"""An engine that breaks after its first token, seen end to end: the real OpenAI SDK talks to a local server that
cuts the stream mid-answer, the chain hands over to `grounded`, and the chat client receives `assistant.reset`,
then the new answer from delta index 0; the stored reply is that answer only."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models.config import EngineSpec, LLMConfig
from serve.app import create_app
from serve.builder import build_local_graph
from tests.conftest import make_settings
from tests.factories import SOQL_QUESTION, conversation, guest
from tests.fakes.llm_servers import Cut, Reply, ScriptedServer, Step, openai_chunk

BROKEN_TEXT = "Half an answer that"


@pytest.fixture
def cutting_server() -> Iterator[ScriptedServer]:
    """The scripted server on its own event loop in a thread (the app under TestClient runs on another)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    steps: list[Step] = [
        openai_chunk("", role=True),
        openai_chunk(BROKEN_TEXT),
        openai_chunk(" breaks"),
        Cut(),
    ]
    server = ScriptedServer([Reply(steps=steps)])
    asyncio.run_coroutine_threadsafe(server.__aenter__(), loop).result(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.__aexit__(None, None, None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        if not thread.is_alive():  # closing a loop that still runs would raise at teardown on a busy machine
            loop.close()


def test_a_stream_cut_mid_answer_resets_the_client_and_grounded_answers_afresh(
    prepared: None, tmp_path: Path, cutting_server: ScriptedServer
) -> None:
    hosted = EngineSpec(
        kind="openai",
        version="test-1",
        model="gpt-test",
        base_url=cutting_server.base_url,
        max_retries=0,
        first_token_timeout_s=5,
        timeout_s=10,
    )
    grounded = EngineSpec(kind="grounded", version="1.0", max_sentences=8)
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'reset.db'}",
        llm=LLMConfig(engines={"hosted": hosted, "grounded": grounded}, chain=["hosted", "grounded"]),
    )
    graph = asyncio.run(build_local_graph(settings))
    with TestClient(create_app(settings, graph)) as client:
        session = guest(client)
        chat = conversation(client, session)
        with client.websocket_connect(f"/api/v1/ws?token={session['access_token']}") as ws:
            ws.send_json({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0})
            ws.send_json(
                {
                    "type": "message.send",
                    "conversation_id": chat["id"],
                    "client_message_id": str(uuid.uuid4()),
                    "content": SOQL_QUESTION,
                }
            )
            events: list[dict[str, Any]] = []
            while not (
                events
                and events[-1]["type"] == "message"
                and events[-1]["message"]["role"] == "assistant"
                and events[-1]["message"]["status"] != "streaming"
            ):
                events.append(ws.receive_json())
    types = [e["type"] for e in events]
    assert types.count("assistant.reset") == 1
    cut = types.index("assistant.reset")
    before = [e for e in events[:cut] if e["type"] == "assistant.delta"]
    after = [e for e in events[cut:] if e["type"] == "assistant.delta"]
    assert BROKEN_TEXT in "".join(d["delta"] for d in before), "the broken engine's text did reach the client"
    assert events[cut]["message_id"] == before[0]["message_id"] and events[cut]["reason"]
    assert [d["index"] for d in after] == list(range(len(after))), "deltas count again from 0"
    final = events[-1]["message"]
    assert final["status"] == "complete"
    assert final["content"] == "".join(d["delta"] for d in after).strip()
    assert BROKEN_TEXT not in final["content"] and "101" in final["content"]
    assert final["meta"]["model"]["name"] == "grounded" and "hosted" in final["meta"]["fallback_from"]
    assert len(cutting_server.requests) == 1, "the broken engine was asked once; grounded answered"
