"""Hostile REST input on SQLite and PostgreSQL: a clear 4xx, never a 500, and nothing stored by a refusal."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from serve.app import create_app
from serve.schemas import SEQ_MAX
from tests.conftest import make_settings
from tests.factories import auth, conversation, guest


def _cursor(at: str, last_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at}|{last_id}".encode()).decode()


def _page(client: TestClient, session: dict[str, Any], cursor: str) -> Any:
    return client.get(f"/api/v1/conversations?limit=2&cursor={cursor}", headers=auth(session))


def test_a_cursor_time_without_an_offset_is_read_as_utc(client: TestClient) -> None:
    session = guest(client)
    for _ in range(3):
        conversation(client, session)
    first = client.get("/api/v1/conversations?limit=2", headers=auth(session)).json()
    at, last_id = base64.urlsafe_b64decode(first["next_cursor"]).decode().split("|")
    aware = datetime.fromisoformat(at)
    assert aware.utcoffset() is not None
    naive = aware.replace(tzinfo=None).isoformat()
    with_offset = _page(client, session, first["next_cursor"])
    without_offset = _page(client, session, _cursor(naive, last_id))
    assert with_offset.status_code == without_offset.status_code == 200
    assert without_offset.json() == with_offset.json() and len(with_offset.json()["items"]) == 1


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00:00+14:00",  # before year 1 once in UTC
        "9999-12-31T23:59:59-14:00",  # after year 9999 once in UTC
        "not a time",
    ],
)
def test_cursors_out_of_range_or_malformed_are_400(client: TestClient, at: str) -> None:
    session = guest(client)
    response = _page(client, session, _cursor(at, "00000000-0000-0000-0000-000000000000"))
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


def test_extreme_cursor_times_within_range_are_pages(client: TestClient) -> None:
    session = guest(client)
    conversation(client, session)
    for at in ("0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"):
        response = _page(client, session, _cursor(at, "ffffffff-ffff-ffff-ffff-ffffffffffff"))
        assert response.status_code == 200, response.text


def test_after_seq_beyond_a_32_bit_seq_is_422(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    url = f"/api/v1/conversations/{chat['id']}/messages"
    for value in (SEQ_MAX + 1, 10**30):
        response = client.get(f"{url}?after_seq={value}", headers=auth(session))
        assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"
    highest = client.get(f"{url}?after_seq={SEQ_MAX}", headers=auth(session))
    assert highest.status_code == 200 and highest.json() == {"items": [], "has_more": False}


@pytest.mark.parametrize("content", ["before\x00after", "lone \ud800 surrogate", "\udfff"])
def test_text_postgres_cannot_store_is_422_and_nothing_is_stored(client: TestClient, content: str) -> None:
    session = guest(client)
    chat = conversation(client, session)
    # json.dumps escapes a lone surrogate as \\uXXXX, as a hostile client would send it (it has no UTF-8 form).
    body = json.dumps({"content": content, "client_message_id": str(uuid.uuid4())})
    response = client.post(
        f"/api/v1/conversations/{chat['id']}/messages",
        content=body,
        headers={**auth(session), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["errors"][0]["type"] == "unstorable_input"
    items = client.get(f"/api/v1/conversations/{chat['id']}/messages", headers=auth(session)).json()
    assert items["items"] == []


def test_unstorable_metadata_names_and_nesting_are_422(client: TestClient) -> None:
    session = guest(client)
    deep: Any = "leaf"
    for _ in range(40):
        deep = [deep]
    bodies = [{"metadata": {"ke\x00y": 1}}, {"metadata": {"k": ["ok", "\ud83d"]}}, {"metadata": {"k": deep}}]
    for body in bodies:
        response = client.post(
            "/api/v1/conversations",
            content=json.dumps(body),
            headers={**auth(session), "Content-Type": "application/json"},
        )
        assert response.status_code == 422, response.text
    # The escaped form on the wire (what a hostile client sends) is refused the same way.
    raw = '{"display_name": "A\\u0000B"}'
    response = client.post("/api/v1/auth/guest", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    listed = client.get("/api/v1/conversations", headers=auth(session)).json()
    assert listed["items"] == []


def test_a_24_mib_body_is_refused_with_413_before_it_is_read(client: TestClient) -> None:
    body = json.dumps({"display_name": "x" * (24 * 1024 * 1024)})
    response = client.post(
        "/api/v1/auth/guest",
        content=body,
        headers={"Content-Type": "application/json", "X-Request-ID": "big-1"},
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large" and error["request_id"] == "big-1"
    assert response.headers["x-request-id"] == "big-1"


def test_a_chunked_body_over_the_limit_is_refused_and_not_read_whole(
    database_url: str, graph: LocalHandle
) -> None:
    """Driven at the ASGI level (in the started app's loop): the test client would buffer a streamed body, where a
    server hands it over in pieces as they arrive."""
    app = create_app(make_settings(database_url, http_max_body_bytes=4096), graph)
    pieces = [b'{"display_name": "'] + [b"x" * 1024] * 1000 + [b'"}']  # 1 MiB, no Content-Length
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        more = pulled < len(pieces)
        return {"type": "http.request", "body": pieces[pulled - 1], "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/auth/guest",
        "raw_path": b"/api/v1/auth/guest",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    with TestClient(app) as client:
        assert client.portal is not None
        client.portal.call(cast(Any, app), scope, receive, send)
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["code"] == "payload_too_large"
    # 18 header bytes and three 1 KiB pieces fit in 4096; the fifth piece crosses it and nothing more is read.
    assert pulled == 5
