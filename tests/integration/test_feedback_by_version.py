"""A stored rating counts in csagent_feedback_total against the version that wrote the rated reply, through the
real route, on SQLite and PostgreSQL; a refused rating counts nothing."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import update

from serve.state import AppState
from serve.storage.db import transaction
from serve.storage.tables import Message
from tests.factories import auth, conversation, guest, send


def _ratings(version: str) -> dict[str, float]:
    return {
        rating: REGISTRY.get_sample_value(
            "csagent_feedback_total", {"engine": "grounded", "version": version, "rating": rating}
        )
        or 0.0
        for rating in ("up", "down")
    }


def _written_by(client: TestClient, reply_id: str, version: str) -> None:
    """Store the reply as written by `version` of grounded (as a canary's reply would be)."""
    state: AppState = client.app.state.csagent  # type: ignore[attr-defined]

    async def rewrite() -> None:
        async with transaction(state.sessions) as session:
            row = await session.get(Message, uuid.UUID(reply_id))
            assert row is not None
            meta = {**row.meta, "model": {"name": "grounded", "version": version}}
            await session.execute(update(Message).where(Message.id == row.id).values(meta=meta))

    assert client.portal is not None
    client.portal.call(rewrite)


def test_feedback_counts_by_the_rated_replys_version(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    exchange = send(client, session, chat["id"], "How do I reset my password?").json()
    assert exchange["reply"]["meta"]["model"] == {"name": "grounded", "version": "1.0"}
    _written_by(client, exchange["reply"]["id"], "1.1")
    live, canary = _ratings("1.0"), _ratings("1.1")
    url = f"/api/v1/conversations/{chat['id']}/messages/{exchange['reply']['id']}/feedback"
    assert client.post(url, json={"rating": "up"}, headers=auth(session)).status_code == 204
    assert client.post(url, json={"rating": "down"}, headers=auth(session)).status_code == 204
    assert _ratings("1.1") == {"up": canary["up"] + 1, "down": canary["down"] + 1}
    assert _ratings("1.0") == live, "counted against the stored reply's version, not the live one"
    # Refused ratings are not stored, so they count nothing.
    assert client.post(url, json={"rating": "meh"}, headers=auth(session)).status_code == 422
    on_question = f"/api/v1/conversations/{chat['id']}/messages/{exchange['message']['id']}/feedback"
    assert client.post(on_question, json={"rating": "up"}, headers=auth(session)).status_code == 404
    stranger = guest(client)
    assert client.post(url, json={"rating": "up"}, headers=auth(stranger)).status_code == 404
    assert _ratings("1.1") == {"up": canary["up"] + 1, "down": canary["down"] + 1}
