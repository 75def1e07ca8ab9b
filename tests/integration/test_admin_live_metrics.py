"""The admin models list's live figures per version and the audit log's actor names, through the real routes, on
SQLite and PostgreSQL. The API's clock is injected and set relative to the stored replies, so nothing here depends
on the wall clock."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from deployments.local import LocalHandle
from serve.api.deps import get_clock
from serve.app import create_app
from serve.security import issue_access_token
from serve.settings import Settings
from serve.state import AppState
from serve.storage import users
from serve.storage.db import transaction
from serve.storage.tables import Feedback, Message, User, utcnow
from tests.factories import SOQL_QUESTION, auth, conversation, guest, seed_conversation, send
from tests.integration.test_admin_models import admin_headers

MODELS = "/api/v1/admin/models"
AUDIT = "/api/v1/admin/audit"


class Clock:
    """The API's `now`: the real one (sign-ins before the test sets it), then wherever the test puts it."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        return self.now if self.now is not None else utcnow()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def admin_client(settings: Settings, graph: LocalHandle, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings, graph)
    app.dependency_overrides[get_clock] = lambda: clock
    with TestClient(app) as client:
        yield client


def _state(client: TestClient) -> AppState:
    state: AppState = client.app.state.csagent  # type: ignore[attr-defined]
    return state


def _live(client: TestClient, version: str) -> dict[str, Any]:
    response = client.get(MODELS, headers=admin_headers(client))
    assert response.status_code == 200, response.text
    rows = {row["version"]: row for row in response.json()["engines"] if row["name"] == "grounded"}
    live: dict[str, Any] = rows[version]["live"]
    return live


def _canary_reply(
    conversation_id: uuid.UUID, seq: int, at: datetime, *, status: str = "complete", **meta: Any
) -> Message:
    """A reply as grounded@1.1 (a canary) would have stored it."""
    return Message(
        conversation_id=conversation_id,
        seq=seq,
        role="assistant",
        content="answer",
        status=status,
        meta={"model": {"name": "grounded", "version": "1.1"}, **meta},
        created_at=at,
        updated_at=at,
    )


async def _seed_canary_replies(state: AppState, until: datetime) -> None:
    """In the day before `until`: 100 timed replies (1..100 ms, 3 after a fallback), 4 failed turns, 1 interrupted
    turn, 2 up and 1 down; and what the window leaves out: a reply still streaming, a user message, a reply (with
    its rating) from 25 hours before."""
    claims, conversation_id = await seed_conversation(state)
    ttfts = list(range(1, 101))
    random.Random(9).shuffle(ttfts)  # stored out of order: the percentiles rank them
    rows = [
        _canary_reply(
            conversation_id,
            seq,
            until - timedelta(minutes=seq),
            ttft_ms=float(ttft),
            fallback_from=["openai"] if seq <= 3 else [],
        )
        for seq, ttft in enumerate(ttfts, start=1)
    ]
    rows += [
        _canary_reply(
            conversation_id, 100 + i, until - timedelta(hours=23), status="failed", error="turn_failed"
        )
        for i in range(1, 5)
    ]
    rows.append(_canary_reply(conversation_id, 105, until, status="failed", error="interrupted"))
    rows.append(_canary_reply(conversation_id, 106, until, status="streaming"))
    user_message = _canary_reply(conversation_id, 107, until)
    user_message.role = "user"
    rows.append(user_message)
    old = _canary_reply(conversation_id, 108, until - timedelta(hours=25), ttft_ms=5000.0)
    rows.append(old)
    async with transaction(state.sessions) as session:
        session.add_all(rows)
        await session.flush()
        rated = [(rows[0], "up"), (rows[1], "up"), (rows[2], "down"), (old, "down")]
        session.add_all(Feedback(message_id=row.id, user_id=claims.sub, rating=r) for row, r in rated)


async def _stored_at(state: AppState, reply_id: str) -> tuple[datetime, float]:
    async with state.sessions() as session:
        row = await session.get(Message, uuid.UUID(reply_id))
        assert row is not None
        return row.created_at, float(row.meta["ttft_ms"])


def test_live_figures_count_each_versions_replies_of_the_last_day(
    admin_client: TestClient, clock: Clock
) -> None:
    state = _state(admin_client)
    assert admin_client.portal is not None
    # Two real turns on the live version, one rated up and one down through the API.
    customer = guest(admin_client)
    chat = conversation(admin_client, customer)["id"]
    questions = (SOQL_QUESTION, "How do I reset my password?")
    replies = [send(admin_client, customer, chat, text).json()["reply"] for text in questions]
    assert [reply["meta"]["model"] for reply in replies] == [{"name": "grounded", "version": "1.0"}] * 2
    for reply, rating in zip(replies, ("up", "down"), strict=True):
        url = f"/api/v1/conversations/{chat}/messages/{reply['id']}/feedback"
        assert admin_client.post(url, json={"rating": rating}, headers=auth(customer)).status_code == 204
    stored = [admin_client.portal.call(_stored_at, state, reply["id"]) for reply in replies]
    until = max(at for at, _ in stored) + timedelta(minutes=1)
    admin_client.portal.call(_seed_canary_replies, state, until)

    clock.now = until
    assert _live(admin_client, "1.1") == {
        "window_hours": 24,
        "turns": 105,
        "failed": 4,
        "fallbacks": 3,
        "ttft_p50_ms": 50.0,
        "ttft_p99_ms": 99.0,
        "thumbs_up": 2,
        "thumbs_down": 1,
    }
    ttfts = sorted(ttft for _, ttft in stored)
    assert _live(admin_client, "1.0") == {
        "window_hours": 24,
        "turns": 2,
        "failed": 0,
        "fallbacks": 0,
        "ttft_p50_ms": ttfts[0],  # nearest rank of 2 values: the first for p50, the second for p99
        "ttft_p99_ms": ttfts[1],
        "thumbs_up": 1,
        "thumbs_down": 1,
    }

    clock.now = until + timedelta(hours=25)
    idle = {"window_hours": 24, "turns": 0, "failed": 0, "fallbacks": 0, "thumbs_up": 0, "thumbs_down": 0}
    for version in ("1.0", "1.1"):
        assert _live(admin_client, version) == {**idle, "ttft_p50_ms": None, "ttft_p99_ms": None}


async def _admin_with_email(state: AppState, email: str) -> tuple[uuid.UUID, str]:
    async with transaction(state.sessions) as session:
        org = await users.get_or_create_organization(session=session, name="Default")
        user = await users.add_user(
            session=session, organization_id=org.id, display_name="Ada Lovelace", language="en", email=email
        )
        user.role = "admin"
        token = issue_access_token(state.settings.auth, user_id=user.id, organization_id=org.id, role="admin")
        return user.id, token


async def _delete_user(state: AppState, user_id: uuid.UUID) -> None:
    async with transaction(state.sessions) as session:
        await session.execute(delete(User).where(User.id == user_id))
        assert await session.scalar(select(User.id).where(User.id == user_id)) is None


def test_the_audit_log_names_who_acted(admin_client: TestClient, clock: Clock) -> None:
    state = _state(admin_client)
    assert admin_client.portal is not None
    clock.now = datetime.fromisoformat("2026-12-07T12:00:00+00:00")
    canary = {"name": "grounded", "version": "1.1", "percent": 10}
    script = admin_client.post(f"{MODELS}/canary", json=canary, headers=admin_headers(admin_client))
    assert script.status_code == 200, script.text
    ada_id, token = admin_client.portal.call(_admin_with_email, state, "ada@example.com")
    ada = {"Authorization": f"Bearer {token}"}
    clock.now += timedelta(minutes=1)
    rollback = admin_client.post(
        f"{MODELS}/rollback", json={"name": "grounded", "reason": "p99 too slow"}, headers=ada
    )
    assert rollback.status_code == 200, rollback.text

    page = admin_client.get(AUDIT, headers=ada).json()["items"]
    assert [(e["action"], e["actor_name"], e["actor_email"]) for e in page] == [
        ("rollback", "Ada Lovelace", "ada@example.com"),
        ("canary", "Admin", None),  # `csagent admin token`'s admin has a name and no email
    ]
    assert page[0]["actor_id"] == str(ada_id)

    admin_client.portal.call(_delete_user, state, ada_id)
    page = admin_client.get(AUDIT, headers=admin_headers(admin_client)).json()["items"]
    gone = page[0]
    assert (gone["actor_id"], gone["actor_name"], gone["actor_email"]) == (str(ada_id), None, None)
