"""Small factories for API tests."""

from __future__ import annotations

import random
import socket
import uuid
from typing import Any

from fastapi.testclient import TestClient

from serve.security import Claims
from serve.state import AppState
from serve.storage import conversations, users
from serve.storage.db import transaction

SOQL_QUESTION = "I get 'System.LimitException: Too many SOQL queries: 101' in my trigger, how do I fix it?"


def guest(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/auth/guest", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def auth(session: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {session['access_token']}"}


def conversation(client: TestClient, session: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/conversations", json=body, headers=auth(session))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def send(
    client: TestClient, session: dict[str, Any], conversation_id: str, content: str, cid: str | None = None
) -> Any:
    return client.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        json={"content": content, "client_message_id": cid or str(uuid.uuid4())},
        headers=auth(session),
    )


async def seed_conversation(state: AppState, organization: str = "Default") -> tuple[Claims, uuid.UUID]:
    """A user and one conversation stored directly (for tests below the API); returns the caller and its id."""
    async with transaction(state.sessions) as session:
        org = await users.get_or_create_organization(session=session, name=organization)
        user = await users.add_user(session=session, organization_id=org.id, display_name="T", language="en")
        conversation = await conversations.add_conversation(
            session=session,
            organization_id=org.id,
            user_id=user.id,
            channel="web",
            language="en",
            context={"k": 1},
        )
    return Claims(sub=user.id, org=org.id, role="customer"), conversation.id


# Below Linux's ephemeral range (32768-60999), where outgoing connections take their source ports, and above Ray's
# worker ports (10002-19999): a port chosen here is not taken by a client connection between the choice and the bind
# (a port the OS handed out, 127.0.0.1:34897, was, once: Serve's proxy failed to bind).
_TEST_PORTS = range(20000, 32768)


def free_port() -> int:
    """A TCP port free on the loopback interface right now (for servers a test starts)."""
    for _ in range(200):
        port = random.choice(_TEST_PORTS)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_TEST_PORTS} after 200 tries")
