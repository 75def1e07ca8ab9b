"""The one history window, `graph.history_messages`: the ingress reads exactly that many earlier messages from
storage and the graph hands them to the engine; a stateless caller's longer history is cut to it. On SQLite and
PostgreSQL, through the REST route, the real runner and the real graph; nlp and retrieval are stand-ins that return
a fixed verdict, and the llm deployment is the grounded engine behind a recorder."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from deployments.graph import ConversationGraph
from deployments.local import LocalHandle, collect
from models.config import GraphConfig
from models.engines.base import GenerationRequest
from models.engines.grounded import GroundedEngine
from serve.app import create_app
from serve.settings import Settings
from tests.conftest import make_settings
from tests.factories import auth, conversation, guest, send

ARTICLE = "admin-reset-password"


class _NLP:
    async def analyze(self, text: str) -> dict[str, Any]:
        return {
            "intent": {
                "name": "password_reset",
                "confidence": 0.95,
                "top": "password_reset",
                "below_threshold": False,
            },
            "sentiment": {"label": "neutral", "score": 0.0},
            "emotion": {"label": "neutral", "score": 0.0},
            "language": {"code": "en", "confidence": 0.99},
            "entities": [],
            "quick_replies": [],
            "embedder": "test@1",
            "embedding": [0.0, 1.0],
        }


class _Retrieval:
    async def search(self, query: str, **_: Any) -> dict[str, Any]:
        unit = {
            "text": "An administrator resets a password from Setup, Users.",
            "kind": "prose",
            "position": 0,
        }
        passage = {
            "chunk_id": f"{ARTICLE}#0",
            "article_id": ARTICLE,
            "title": "Reset a user's password",
            "url": None,
            "product_area": "admin",
            "heading": "Summary",
            "text": unit["text"],
            "score": 0.9,
            "units": [{**unit, "score": 0.9}],
        }
        return {"index_version": "kb-test", "min_score": 0.35, "passages": [passage]}


class _RecordingLLM:
    """The grounded engine behind the llm deployment's event stream; keeps each request's history."""

    def __init__(self) -> None:
        self.histories: list[list[str]] = []

    async def generate(self, request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        self.histories.append([turn["content"] for turn in request["history"]])
        engine = GroundedEngine("grounded", "1")
        yield {"type": "engine", "name": engine.name, "version": engine.version, "fallback_from": []}
        async for item in engine.stream(GenerationRequest.model_validate(request)):
            yield item.model_dump()


class _RecordingGraph(ConversationGraph):
    """The real graph, keeping the length of each history the ingress sent it."""

    sent: list[int]

    async def run_turn(
        self, turn: dict[str, Any], models: dict[str, dict[str, str | None]] | None = None
    ) -> AsyncGenerator[dict[str, Any], None]:
        self.sent.append(len(turn["history"]))
        async for event in super().run_turn(turn, models):
            yield event


def _graph(config: GraphConfig, llm: _RecordingLLM) -> tuple[LocalHandle, _RecordingGraph]:
    graph = _RecordingGraph(
        LocalHandle(_NLP()), LocalHandle(_Retrieval()), LocalHandle(llm), config.model_dump(mode="json")
    )
    graph.sent = []
    return LocalHandle(graph), graph


@pytest.mark.parametrize("window", [2, 4])
def test_the_setting_decides_the_history_the_engine_receives(database_url: str, window: int) -> None:
    settings = make_settings(database_url, graph=GraphConfig(history_messages=window))
    llm = _RecordingLLM()
    handle, graph = _graph(settings.graph, llm)
    with TestClient(create_app(settings, handle)) as client:
        session = guest(client)
        chat = conversation(client, session)
        for n in range(4):
            response = send(client, session, chat["id"], f"How do I reset a password, question {n}?")
            assert response.status_code == 200, response.text
            assert response.json()["reply"]["status"] == "complete"
        stored = client.get(f"/api/v1/conversations/{chat['id']}/messages", headers=auth(session)).json()
    contents = [m["content"] for m in stored["items"]]
    assert len(contents) == 8
    # The last turn's question is seq 7; the window is the `window` messages stored before it.
    assert llm.histories[-1] == contents[6 - window : 6]
    # The ingress reads no more than the window from storage, so the graph had nothing to cut.
    assert graph.sent == [len(h) for h in llm.histories] == [min(2 * n, window) for n in range(4)]


def test_a_stateless_callers_longer_history_is_cut_to_the_window() -> None:
    llm = _RecordingLLM()
    graph, _ = _graph(GraphConfig(history_messages=2), llm)
    history = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"earlier {i}"} for i in range(8)]
    turn = {
        "conversation_id": "c",
        "message_id": "m",
        "text": "How do I reset a password?",
        "history": history,
    }
    events = asyncio.run(collect(graph.options(stream=True).run_turn.remote(turn)))
    assert events[-1]["type"] == "final" and not events[-1]["failed"]
    assert llm.histories == [["earlier 6", "earlier 7"]]


def test_a_window_too_short_for_the_escalation_streaks_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 4"):
        GraphConfig(history_messages=3, negative_turns=3)
    GraphConfig(history_messages=4, negative_turns=3)


def test_the_old_chat_setting_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match=r"chat\.history_messages"):
        Settings.model_validate({"env": "test", "chat": {"history_messages": 6}})
