"""The model lifecycle over the admin API, on SQLite and PostgreSQL: versions, canary, the evaluation gate,
promote, rollback, the audit log, admin-only access, sticky routing of real turns, and a second ingress app
following weights changed through the first without a restart."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from deployments.local import LocalHandle
from models.config import LLMConfig
from serve.app import create_app
from serve.chat.model_router import ModelRouter, bucket
from serve.model_lifecycle import RegistryMismatch
from serve.security import issue_access_token
from serve.settings import Settings
from serve.state import AppState
from serve.storage import conversations as conversation_store
from serve.storage import tables, users
from serve.storage.db import create_engine, transaction
from tests.factories import SOQL_QUESTION, auth, conversation, guest, send

MODELS = "/api/v1/admin/models"
AUDIT = "/api/v1/admin/audit"
LIFECYCLE_TABLES = "model_audit, model_versions, model_rollouts"


async def _clear_lifecycle(url: str) -> None:
    """The session's PostgreSQL database is shared by tests (conftest truncates only its own tables)."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        if url.startswith("postgresql"):
            await connection.execute(text(f"TRUNCATE {LIFECYCLE_TABLES}"))
    await engine.dispose()


@pytest.fixture
def lifecycle_settings(settings: Settings) -> Iterator[Settings]:
    """The test's settings, with no rollout stored before or after (a rollout left on the shared PostgreSQL
    database would route other tests' turns)."""
    asyncio.run(_clear_lifecycle(settings.resolved_database_url))
    yield settings
    asyncio.run(_clear_lifecycle(settings.resolved_database_url))


@pytest.fixture
def admin_client(lifecycle_settings: Settings, graph: LocalHandle) -> Iterator[TestClient]:
    with TestClient(create_app(lifecycle_settings, graph)) as client:
        # Every turn reads the rollout state afresh: these tests change it and look at once (the cache has its
        # own test below, with a clock it moves).
        state = _state(client)
        state.runner.router = ModelRouter(state.sessions, ttl_s=0)
        yield client


def _state(client: TestClient) -> AppState:
    state: AppState = client.app.state.csagent  # type: ignore[attr-defined]
    return state


def admin_headers(client: TestClient) -> dict[str, str]:
    """A bearer header for the default organisation's admin (made on first use, as `csagent admin token` does)."""
    state = _state(client)

    async def make() -> str:
        async with transaction(state.sessions) as session:
            org = await users.get_or_create_organization(session=session, name="Default")
            admin = await users.get_or_create_admin(session=session, organization_id=org.id)
            return issue_access_token(
                state.settings.auth, user_id=admin.id, organization_id=org.id, role="admin"
            )

    assert client.portal is not None
    return {"Authorization": f"Bearer {client.portal.call(make)}"}


def _rows(body: dict[str, Any], name: str = "grounded") -> dict[str, dict[str, Any]]:
    return {row["version"]: row for row in body["engines"] if row["name"] == name}


def _scores(
    client: TestClient, headers: dict[str, str], version: str, key_fact: float, handoff: float
) -> Any:
    llm: LLMConfig = _state(client).settings.llm
    body = {
        "name": "grounded",
        "version": version,
        "fingerprint": llm.spec("grounded", version).fingerprint(),
        "key_fact_accuracy": key_fact,
        "handoff_recall": handoff,
        "items": 40,
        "figures": {"refuse_recall": 1.0},
    }
    return client.post(f"{MODELS}/scores", json=body, headers=headers)


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    return error


def test_admin_only(admin_client: TestClient) -> None:
    _error(admin_client.get(MODELS), 401, "unauthorized")
    customer = auth(guest(admin_client))
    for method, path, body in (
        ("get", MODELS, None),
        ("get", AUDIT, None),
        ("post", f"{MODELS}/canary", {"name": "grounded", "version": "1.1", "percent": 10}),
        ("post", f"{MODELS}/promote", {"name": "grounded", "version": "1.1"}),
        ("post", f"{MODELS}/rollback", {"name": "grounded"}),
    ):
        response = admin_client.request(method, path, json=body, headers=customer)
        error = _error(response, 403, "forbidden")
        assert error["message"] and "request_id" in error


def test_the_registry_versions_are_listed(admin_client: TestClient) -> None:
    body = admin_client.get(MODELS, headers=admin_headers(admin_client)).json()
    rows = _rows(body)
    assert rows["1.0"]["stage"] == "live" and rows["1.0"]["traffic_percent"] == 100
    assert rows["1.1"]["stage"] == "available" and rows["1.1"]["traffic_percent"] == 0
    assert rows["1.0"]["scores"] is None and rows["1.0"]["in_chain"] is True
    assert rows["1.0"]["fingerprint"] != rows["1.1"]["fingerprint"]
    assert not rows["1.1"]["changed"]
    others = [row for row in body["engines"] if row["name"] != "grounded"]
    assert others and all(row["traffic_percent"] == 0 and not row["in_chain"] for row in others)


def test_bad_lifecycle_requests_are_refused_clearly(admin_client: TestClient) -> None:
    headers = admin_headers(admin_client)
    canary = f"{MODELS}/canary"
    for percent in (0, 100, -5):
        body = {"name": "grounded", "version": "1.1", "percent": percent}
        _error(admin_client.post(canary, json=body, headers=headers), 422, "validation_error")
    missing = _error(
        admin_client.post(canary, json={"name": "grounded", "version": "9.9", "percent": 5}, headers=headers),
        404,
        "model_not_found",
    )
    assert "9.9" in missing["message"] and "1.1" in missing["message"]
    _error(
        admin_client.post(canary, json={"name": "nope", "version": "1", "percent": 5}, headers=headers),
        404,
        "model_not_found",
    )
    body = {"name": "qwen-0.5b", "version": "qwen2.5-coder-0.5b-instruct-q4_k_m", "percent": 5}
    _error(admin_client.post(canary, json=body, headers=headers), 409, "not_in_chain")
    live = {"name": "grounded", "version": "1.0", "percent": 5}
    _error(admin_client.post(canary, json=live, headers=headers), 409, "already_live")
    _error(
        admin_client.post(f"{MODELS}/rollback", json={"name": "grounded"}, headers=headers),
        409,
        "nothing_to_roll_back",
    )
    forced = {"name": "grounded", "version": "1.1", "force": True, "reason": "   "}
    _error(admin_client.post(f"{MODELS}/promote", json=forced, headers=headers), 422, "validation_error")
    wrong = {**forced, "force": False, "fingerprint": "0" * 64}
    _error(admin_client.post(f"{MODELS}/promote", json=wrong, headers=headers), 422, "validation_error")
    scores = {
        "name": "grounded",
        "version": "1.1",
        "fingerprint": "0" * 64,
        "key_fact_accuracy": 0.5,
        "handoff_recall": 0.5,
        "items": 3,
    }
    _error(admin_client.post(f"{MODELS}/scores", json=scores, headers=headers), 409, "fingerprint_mismatch")
    _error(
        admin_client.post(f"{MODELS}/scores", json={**scores, "key_fact_accuracy": 1.5}, headers=headers),
        422,
        "validation_error",
    )


def test_canary_gate_promote_rollback_and_audit(admin_client: TestClient) -> None:
    headers = admin_headers(admin_client)
    canary = admin_client.post(
        f"{MODELS}/canary", json={"name": "grounded", "version": "1.1", "percent": 30}, headers=headers
    )
    assert canary.status_code == 200, canary.text
    rows = _rows(canary.json())
    assert (rows["1.1"]["stage"], rows["1.1"]["traffic_percent"]) == ("canary", 30)
    assert (rows["1.0"]["stage"], rows["1.0"]["traffic_percent"]) == ("live", 70)

    promote = {"name": "grounded", "version": "1.1"}
    error = _error(
        admin_client.post(f"{MODELS}/promote", json=promote, headers=headers), 409, "eval_gate_failed"
    )
    assert error["details"]["reason"] == "candidate_not_evaluated"
    assert "csagent models eval grounded@1.1" in error["message"]

    assert _scores(admin_client, headers, "1.1", key_fact=0.80, handoff=0.90).status_code == 200
    error = _error(
        admin_client.post(f"{MODELS}/promote", json=promote, headers=headers), 409, "eval_gate_failed"
    )
    assert error["details"]["reason"] == "live_not_evaluated"

    assert _scores(admin_client, headers, "1.0", key_fact=0.857, handoff=0.90).status_code == 200
    error = _error(
        admin_client.post(f"{MODELS}/promote", json=promote, headers=headers), 409, "eval_gate_failed"
    )
    details = error["details"]
    assert details["reason"] == "below_live" and details["tolerance"] == 0.02
    table = {row["metric"]: row for row in details["metrics"]}
    assert table["key_fact_accuracy"] == {
        "metric": "key_fact_accuracy",
        "live": 0.857,
        "candidate": 0.8,
        "delta": -0.057,
        "passed": False,
    }
    assert table["handoff_recall"]["passed"] is True
    assert "key-fact accuracy" in error["message"]

    forced = {**promote, "force": True, "reason": "shorter answers tested by support leads"}
    promoted = admin_client.post(f"{MODELS}/promote", json=forced, headers=headers)
    assert promoted.status_code == 200, promoted.text
    rows = _rows(promoted.json())
    assert (rows["1.1"]["stage"], rows["1.1"]["traffic_percent"]) == ("live", 100)
    assert rows["1.0"]["stage"] == "available" and rows["1.0"]["previous"] is True
    assert rows["1.1"]["scores"]["key_fact_accuracy"] == 0.8

    rolled = admin_client.post(f"{MODELS}/rollback", json={"name": "grounded"}, headers=headers)
    assert rolled.status_code == 200, rolled.text
    rows = _rows(rolled.json())
    assert rows["1.0"]["stage"] == "live" and rows["1.1"]["stage"] == "available"

    page = admin_client.get(f"{AUDIT}?limit=3", headers=headers).json()
    assert [entry["action"] for entry in page["items"]] == ["rollback", "promote", "evaluate"]
    rollback, promoted_entry = page["items"][0], page["items"][1]
    assert rollback["details"] == {"from": "1.1", "to": "1.0"} and rollback["version"] == "1.0"
    assert promoted_entry["reason"] == forced["reason"] and promoted_entry["details"]["forced"] is True
    assert promoted_entry["details"]["gate"] == "below_live" and promoted_entry["actor_role"] == "admin"
    rest = admin_client.get(f"{AUDIT}?limit=3&cursor={page['next_cursor']}", headers=headers).json()
    assert [entry["action"] for entry in rest["items"]] == ["evaluate", "canary"]
    assert rest["next_cursor"] is None
    _error(admin_client.get(f"{AUDIT}?cursor=nonsense", headers=headers), 400, "bad_request")


def _registry(settings: Settings, versions: dict[str, Any]) -> Settings:
    """The settings with grounded's `versions:` replaced (a config/models.yaml someone edited)."""
    engines = settings.llm.model_dump()["engines"]
    engines["grounded"]["versions"] = versions
    llm = LLMConfig.model_validate({**settings.llm.model_dump(), "engines": engines})
    return settings.model_copy(update={"llm": llm})


def test_a_used_version_is_immutable(lifecycle_settings: Settings, graph: LocalHandle) -> None:
    """A version's spec is fixed once used: a server whose registry changed it refuses to act on it, and one that
    changed (or dropped) a version now taking traffic refuses to start."""
    settings = lifecycle_settings
    edited = _registry(settings, {"1.1": {"max_sentences": 5}})
    body = {"name": "grounded", "version": "1.1", "percent": 10}
    with TestClient(create_app(settings, graph)) as first:
        assert _scores(first, admin_headers(first), "1.1", key_fact=0.8, handoff=0.9).status_code == 200
    with TestClient(create_app(edited, graph)) as second:
        headers = admin_headers(second)
        rows = _rows(second.get(MODELS, headers=headers).json())
        assert rows["1.1"]["changed"] is True and rows["1.0"]["changed"] is False
        error = _error(second.post(f"{MODELS}/canary", json=body, headers=headers), 409, "version_changed")
        assert "grounded@1.1" in error["message"] and "new version" in error["message"]
    with TestClient(create_app(settings, graph)) as first:
        assert first.post(f"{MODELS}/canary", json=body, headers=admin_headers(first)).status_code == 200
    with pytest.raises(RegistryMismatch, match=r"grounded@1\.1 \(canary\) changed after it was first used"):
        with TestClient(create_app(edited, graph)):
            pass
    with pytest.raises(
        RegistryMismatch, match=r"grounded@1\.1 is canary but config/models.yaml no longer holds"
    ):
        with TestClient(create_app(_registry(settings, {}), graph)):
            pass


def _version(client: TestClient, session: dict[str, Any], conversation_id: str) -> str:
    response = send(client, session, conversation_id, SOQL_QUESTION)
    assert response.status_code == 200, response.text
    reply = response.json()["reply"]
    assert reply["meta"]["model"]["name"] == "grounded", reply["meta"]
    return str(reply["meta"]["model"]["version"])


def test_turns_are_routed_sticky_and_a_rollback_takes_all_traffic(admin_client: TestClient) -> None:
    headers = admin_headers(admin_client)
    body = {"name": "grounded", "version": "1.1", "percent": 50}
    assert admin_client.post(f"{MODELS}/canary", json=body, headers=headers).status_code == 200
    session = guest(admin_client)
    chats = [conversation(admin_client, session)["id"] for _ in range(6)]
    first = {chat: _version(admin_client, session, chat) for chat in chats}
    expected = {chat: "1.1" if bucket(chat) < 50 else "1.0" for chat in chats}
    assert first == expected
    assert {_version(admin_client, session, chat) for chat in chats if expected[chat] == "1.1"} <= {"1.1"}
    assert {_version(admin_client, session, chat) for chat in chats if expected[chat] == "1.0"} <= {"1.0"}

    state = _state(admin_client)

    async def pins(chat: str) -> dict[str, Any]:
        async with state.sessions() as db:
            row = await conversation_store.get_conversation_unscoped(
                session=db, conversation_id=uuid.UUID(chat)
            )
            assert row is not None
            return dict(row.model_pins)

    assert admin_client.portal is not None
    assert all(admin_client.portal.call(pins, chat) == {"grounded": expected[chat]} for chat in chats)

    assert (
        admin_client.post(f"{MODELS}/rollback", json={"name": "grounded"}, headers=headers).status_code == 200
    )
    assert {_version(admin_client, session, chat) for chat in chats} == {"1.0"}


def test_conversations_begun_before_a_canary_stay_live(admin_client: TestClient) -> None:
    headers = admin_headers(admin_client)
    session = guest(admin_client)
    chats = [conversation(admin_client, session)["id"] for _ in range(4)]
    assert {_version(admin_client, session, chat) for chat in chats} == {"1.0"}
    body = {"name": "grounded", "version": "1.1", "percent": 99}
    assert admin_client.post(f"{MODELS}/canary", json=body, headers=headers).status_code == 200
    assert {_version(admin_client, session, chat) for chat in chats} == {"1.0"}


class _BrokenGraph:
    """A graph handle whose every turn fails before any engine answers."""

    def options(self, **_: object) -> _BrokenGraph:
        return self

    @property
    def run_turn(self) -> _BrokenGraph:
        return self

    def remote(self, *_: object, **__: object) -> Any:
        raise RuntimeError("the graph replica is gone")


def test_a_turn_that_fails_before_any_engine_counts_against_its_routed_version(
    admin_client: TestClient,
) -> None:
    headers = admin_headers(admin_client)
    body = {"name": "grounded", "version": "1.1", "percent": 99}
    assert admin_client.post(f"{MODELS}/canary", json=body, headers=headers).status_code == 200
    session = guest(admin_client)
    chat = next(
        c["id"] for c in (conversation(admin_client, session) for _ in range(5)) if bucket(c["id"]) < 99
    )
    state = _state(admin_client)
    state.runner.graph = _BrokenGraph()
    response = send(admin_client, session, chat, SOQL_QUESTION)
    assert response.status_code == 200, response.text
    reply = response.json()["reply"]
    assert reply["status"] == "failed"

    async def stored_meta() -> dict[str, Any]:
        async with state.sessions() as db:
            query = select(tables.Message.meta).where(tables.Message.id == uuid.UUID(reply["id"]))
            return dict((await db.execute(query)).scalar_one())

    assert admin_client.portal is not None
    meta = admin_client.portal.call(stored_meta)
    assert meta["error"] == "turn_failed"
    assert meta["model"] == {"name": "grounded", "version": "1.1"}


class SteppedClock:
    """A monotonic clock for the router's cache that moves only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.postgres
def test_a_second_ingress_follows_the_weights_without_a_restart(
    postgres_url: str, graph: LocalHandle
) -> None:
    from serve.storage.db import migrate
    from tests.conftest import make_settings

    asyncio.run(migrate(postgres_url))
    asyncio.run(_clear_lifecycle(postgres_url))
    try:
        _second_ingress_follows(make_settings(postgres_url), graph)
    finally:
        asyncio.run(_clear_lifecycle(postgres_url))


def _second_ingress_follows(settings: Settings, graph: LocalHandle) -> None:
    clock = SteppedClock()
    with TestClient(create_app(settings, graph)) as one, TestClient(create_app(settings, graph)) as two:
        state = _state(two)
        state.runner.router = ModelRouter(state.sessions, ttl_s=1.5, clock=clock)
        session = guest(two)
        canary_chats: list[str] = []
        while len(canary_chats) < 2:  # conversations whose bucket sends them to a 50% canary
            chat = conversation(two, session)["id"]
            if bucket(chat) < 50:
                canary_chats.append(chat)
        assert _version(two, session, canary_chats[0]) == "1.0", "no rollout stored yet"
        body = {"name": "grounded", "version": "1.1", "percent": 50}
        assert one.post(f"{MODELS}/canary", json=body, headers=admin_headers(one)).status_code == 200
        assert _version(two, session, canary_chats[1]) == "1.0", (
            "within the cache's 1.5 s the old weights hold"
        )
        clock.now += 2.0
        fresh = conversation(two, session)["id"]
        while bucket(fresh) >= 50:
            fresh = conversation(two, session)["id"]
        assert _version(two, session, fresh) == "1.1", (
            "after the cache expires replica two routes to the canary"
        )
