"""Conversations and messages over REST, on SQLite and PostgreSQL."""

import uuid

from fastapi.testclient import TestClient

from tests.factories import SOQL_QUESTION, auth, conversation, guest, send


def test_full_turn_over_rest(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    assert chat["status"] == "active" and chat["case"] is None
    response = send(client, session, chat["id"], SOQL_QUESTION)
    assert response.status_code == 200, response.text
    message, reply = response.json()["message"], response.json()["reply"]
    assert (message["seq"], message["role"], reply["seq"], reply["role"]) == (1, "user", 2, "assistant")
    assert reply["status"] == "complete"
    meta = reply["meta"]
    assert meta["intent"]["name"] == "apex_governor_limits"
    assert meta["language"] == "en"
    assert meta["citations"], "a grounded answer cites its articles"
    assert any("soql" in c["id"] for c in meta["citations"])
    assert meta["model"] == {"name": "grounded", "version": "1.0"}
    assert meta["latency_ms"] > 0 and meta["ttft_ms"] is not None
    assert set(meta["timings"]) == {"nlp_ms", "retrieval_ms", "generation_ms", "storage_ms"}
    assert "[1]" in reply["content"]
    got = client.get(f"/api/v1/conversations/{chat['id']}", headers=auth(session)).json()
    assert got["status"] == "waiting" and got["title"].startswith("I get")


def test_resend_is_idempotent(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    cid = str(uuid.uuid4())
    first = send(client, session, chat["id"], "How do I reset my password?", cid).json()
    second = send(client, session, chat["id"], "How do I reset my password?", cid).json()
    assert first == second
    history = client.get(f"/api/v1/conversations/{chat['id']}/messages", headers=auth(session)).json()
    assert [m["seq"] for m in history["items"]] == [1, 2] and history["has_more"] is False
    changed = send(client, session, chat["id"], "Something else", cid)
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "client_message_id_reused"


def test_history_pages_by_seq(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    for text in ("hello", "How do I create a report?"):
        assert send(client, session, chat["id"], text).status_code == 200
    page = client.get(
        f"/api/v1/conversations/{chat['id']}/messages?after_seq=1&limit=2", headers=auth(session)
    ).json()
    assert [m["seq"] for m in page["items"]] == [2, 3] and page["has_more"] is True


def test_other_users_conversation_is_404(client: TestClient) -> None:
    owner, stranger = guest(client), guest(client)
    chat = conversation(client, owner)
    paths = [
        ("get", f"/api/v1/conversations/{chat['id']}"),
        ("get", f"/api/v1/conversations/{chat['id']}/messages"),
        ("post", f"/api/v1/conversations/{chat['id']}/escalate"),
        ("post", f"/api/v1/conversations/{chat['id']}/close"),
    ]
    for method, path in paths:
        response = getattr(client, method)(path, headers=auth(stranger))
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "conversation_not_found"
    assert send(client, stranger, chat["id"], "hi").status_code == 404


def test_unknown_conversation_and_bad_ids(client: TestClient) -> None:
    session = guest(client)
    missing = client.get(f"/api/v1/conversations/{uuid.uuid4()}", headers=auth(session))
    assert missing.status_code == 404
    bad = client.get("/api/v1/conversations/not-a-uuid", headers=auth(session))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"


def test_message_validation(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    url = f"/api/v1/conversations/{chat['id']}/messages"
    too_long = client.post(
        url, json={"content": "x" * 8001, "client_message_id": str(uuid.uuid4())}, headers=auth(session)
    )
    assert too_long.status_code == 413 and too_long.json()["error"]["code"] == "content_too_long"
    empty = client.post(
        url, json={"content": "", "client_message_id": str(uuid.uuid4())}, headers=auth(session)
    )
    assert empty.status_code == 422
    no_id = client.post(url, json={"content": "hi"}, headers=auth(session))
    assert no_id.status_code == 422
    bad_id = client.post(url, json={"content": "hi", "client_message_id": "nope"}, headers=auth(session))
    assert bad_id.status_code == 422


def test_list_conversations_with_cursor_and_filter(client: TestClient) -> None:
    session = guest(client)
    ids = [conversation(client, session)["id"] for _ in range(3)]
    first = client.get("/api/v1/conversations?limit=2", headers=auth(session)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(
        f"/api/v1/conversations?limit=2&cursor={first['next_cursor']}", headers=auth(session)
    ).json()
    seen = [c["id"] for c in first["items"] + second["items"]]
    assert sorted(seen) == sorted(ids) and second["next_cursor"] is None
    client.post(f"/api/v1/conversations/{ids[0]}/close", headers=auth(session))
    resolved = client.get("/api/v1/conversations?status=resolved", headers=auth(session)).json()
    assert [c["id"] for c in resolved["items"]] == [ids[0]]
    bad_cursor = client.get("/api/v1/conversations?cursor=%%%", headers=auth(session))
    assert bad_cursor.status_code == 400
    bad_status = client.get("/api/v1/conversations?status=sleeping", headers=auth(session))
    assert bad_status.status_code == 422


def test_escalate_records_a_case_and_close_resolves(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    escalated = client.post(
        f"/api/v1/conversations/{chat['id']}/escalate",
        json={"reason": "needs a human"},
        headers=auth(session),
    )
    assert escalated.status_code == 200
    body = escalated.json()
    assert body["status"] == "escalated" and body["case"]["number"].startswith("CS-")
    again = client.post(f"/api/v1/conversations/{chat['id']}/escalate", headers=auth(session)).json()
    assert again["case"] == body["case"], "escalating twice keeps the one case"
    closed = client.post(f"/api/v1/conversations/{chat['id']}/close", headers=auth(session)).json()
    assert closed["status"] == "resolved"
    refused = send(client, session, chat["id"], "one more thing")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conversation_closed"
    late = client.post(f"/api/v1/conversations/{chat['id']}/escalate", headers=auth(session))
    assert late.status_code == 409


def test_feedback(client: TestClient) -> None:
    session = guest(client)
    chat = conversation(client, session)
    exchange = send(client, session, chat["id"], "How do I reset my password?").json()
    url = f"/api/v1/conversations/{chat['id']}/messages/{exchange['reply']['id']}/feedback"
    assert client.post(url, json={"rating": "up"}, headers=auth(session)).status_code == 204
    assert (
        client.post(url, json={"rating": "down", "comment": "not quite"}, headers=auth(session)).status_code
        == 204
    )
    bad = client.post(url, json={"rating": "meh"}, headers=auth(session))
    assert bad.status_code == 422
    on_user_message = f"/api/v1/conversations/{chat['id']}/messages/{exchange['message']['id']}/feedback"
    assert client.post(on_user_message, json={"rating": "up"}, headers=auth(session)).status_code == 404
    unknown = f"/api/v1/conversations/{chat['id']}/messages/{uuid.uuid4()}/feedback"
    assert (
        client.post(unknown, json={"rating": "up"}, headers=auth(session)).json()["error"]["code"]
        == "message_not_found"
    )


def test_conversation_input_validation(client: TestClient) -> None:
    session = guest(client)
    bad_channel = client.post("/api/v1/conversations", json={"channel": "fax"}, headers=auth(session))
    assert bad_channel.status_code == 422
    bad_language = client.post(
        "/api/v1/conversations", json={"language": "not a tag!"}, headers=auth(session)
    )
    assert bad_language.status_code == 422
    huge = client.post("/api/v1/conversations", json={"metadata": {"x": "y" * 20000}}, headers=auth(session))
    assert huge.status_code == 413


def test_readiness_and_metrics(client: TestClient) -> None:
    ready = client.get("/api/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "checks": {"database": "ok", "graph": "ok", "nlp": "ok", "retrieval": "ok", "llm": "ok"},
    }
    session = guest(client)
    chat = conversation(client, session)
    send(client, session, chat["id"], SOQL_QUESTION)
    text = client.get("/metrics").text
    for name in (
        "csagent_http_request_duration_seconds_bucket",
        "csagent_turn_duration_seconds_bucket",
        "csagent_time_to_first_token_seconds_bucket",
        "csagent_tokens_total",
        "csagent_intent_confidence_bucket",
        "csagent_errors_total",
    ):
        assert name in text, name


def test_remaining_not_found_foreign_and_invalid_cases(client: TestClient) -> None:
    owner, stranger = guest(client), guest(client)
    chat = conversation(client, owner)
    exchange = send(client, owner, chat["id"], "hello").json()
    missing = str(uuid.uuid4())
    for path in (f"/api/v1/conversations/{missing}/escalate", f"/api/v1/conversations/{missing}/close"):
        response = client.post(path, headers=auth(owner))
        assert response.status_code == 404 and response.json()["error"]["code"] == "conversation_not_found"
    feedback = f"/api/v1/conversations/{chat['id']}/messages/{exchange['reply']['id']}/feedback"
    assert client.post(feedback, json={"rating": "up"}, headers=auth(stranger)).status_code == 404
    long_reason = client.post(
        f"/api/v1/conversations/{chat['id']}/escalate", json={"reason": "x" * 2001}, headers=auth(owner)
    )
    assert long_reason.status_code == 422
    negative = client.get(f"/api/v1/conversations/{chat['id']}/messages?after_seq=-1", headers=auth(owner))
    assert negative.status_code == 422
    too_many = client.get(f"/api/v1/conversations/{chat['id']}/messages?limit=1000", headers=auth(owner))
    assert too_many.status_code == 422
    others = client.get("/api/v1/conversations", headers=auth(stranger)).json()
    assert others == {"items": [], "next_cursor": None}
    no_token = client.post("/api/v1/conversations", json={})
    assert no_token.status_code == 401
