"""A bare FastAPI app doing the same database work as csagent's REST endpoints, without Ray Serve, auth,
middleware or validation layers: the baseline that `loadtests/rest_compare.py` measures the serving layer against.

    uvicorn loadtests.bare_app:app --port 9001      (CSAGENT_DATABASE_URL picks the database)
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from serve.settings import get_settings
from serve.storage import conversations, users
from serve.storage import messages as message_store
from serve.storage.db import create_engine, migrate, session_factory, transaction

_state: dict[str, Any] = {}


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    url = get_settings().resolved_database_url
    await migrate(url)
    engine = create_engine(url, get_settings().database_pool_size)
    _state["sessions"] = session_factory(engine)
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.post("/guest")
async def guest() -> dict[str, str]:
    async with transaction(_state["sessions"]) as session:
        org = await users.get_or_create_organization(session=session, name="Default")
        user = await users.add_user(
            session=session, organization_id=org.id, display_name="Guest", language="en"
        )
        return {"user_id": str(user.id), "org_id": str(org.id)}


@app.post("/conversations/{org_id}/{user_id}")
async def create_conversation(org_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, str]:
    async with transaction(_state["sessions"]) as session:
        row = await conversations.add_conversation(
            session=session,
            organization_id=org_id,
            user_id=user_id,
            channel="web",
            language="en",
            context=None,
        )
        return {"id": str(row.id)}


@app.get("/conversations/{conversation_id}/messages")
async def list_messages(conversation_id: uuid.UUID) -> dict[str, Any]:
    async with _state["sessions"]() as session:
        rows = await message_store.list_messages(
            session=session, conversation_id=conversation_id, after_seq=0, limit=51
        )
        return {
            "items": [{"id": str(r.id), "seq": r.seq, "content": r.content} for r in rows],
            "has_more": False,
        }
