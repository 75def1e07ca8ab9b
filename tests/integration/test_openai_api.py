"""The OpenAI-compatible API, driven by the official `openai` client: models, answers with citations streamed and
not, API keys (hashed, revocable) beside access tokens, and OpenAI's error shape."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from fastapi.testclient import TestClient

from serve.storage import api_keys
from serve.storage.db import create_engine, session_factory
from tests.factories import SOQL_QUESTION, guest


@pytest.fixture
def api(client: TestClient) -> Iterator[tuple[TestClient, str]]:
    """The app and a fresh API key made through the same storage code `csagent keys create` uses."""
    url = client.app.state.csagent.settings.resolved_database_url  # type: ignore[attr-defined]

    async def make() -> str:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                key, _ = await api_keys.create_key(session=session, name="test")
                await session.commit()
                return key
        finally:
            await engine.dispose()

    yield client, asyncio.run(make())


def _client(client: TestClient, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url="http://testserver/v1", api_key=key, http_client=client, max_retries=0)


def test_models_list_the_agent(api: tuple[TestClient, str]) -> None:
    client, key = api
    assert [model.id for model in _client(client, key).models.list()] == ["csagent"]


def test_a_completion_is_the_whole_agent_with_citations_and_usage(api: tuple[TestClient, str]) -> None:
    client, key = api
    history: list[Any] = [{"role": "system", "content": "You are helpful."}]
    completion = _client(client, key).chat.completions.create(
        model="csagent", messages=[*history, {"role": "user", "content": SOQL_QUESTION}]
    )
    answer = completion.choices[0].message.content or ""
    assert "101" in answer and completion.choices[0].finish_reason == "stop"
    extra = completion.model_extra or {}
    assert extra["citations"] and extra["citations"][0]["id"]
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    assert (
        completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    )


def test_a_streamed_completion_adds_up_to_the_answer(api: tuple[TestClient, str]) -> None:
    client, key = api
    stream = _client(client, key).chat.completions.create(
        model="csagent",
        messages=[{"role": "user", "content": SOQL_QUESTION}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "101" in text
    finishing = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(finishing) == 1 and (finishing[0].model_extra or {})["citations"]
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_an_access_token_works_too_and_a_revoked_key_does_not(api: tuple[TestClient, str]) -> None:
    client, key = api
    token = guest(client)["access_token"]
    assert _client(client, token).models.list().data[0].id == "csagent"
    url = client.app.state.csagent.settings.resolved_database_url  # type: ignore[attr-defined]

    async def revoke() -> bool:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                done = await api_keys.revoke_key(session=session, prefix=key[:12])
                await session.commit()
                return done
        finally:
            await engine.dispose()

    assert asyncio.run(revoke())
    with pytest.raises(openai.AuthenticationError) as refused:
        _client(client, key).models.list()
    assert refused.value.status_code == 401 and refused.value.code == "invalid_token"


def test_errors_take_openais_shape(api: tuple[TestClient, str]) -> None:
    client, key = api
    sdk = _client(client, key)
    with pytest.raises(openai.NotFoundError) as unknown:
        sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert unknown.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError) as empty:
        sdk.chat.completions.create(model="csagent", messages=[{"role": "assistant", "content": "hi"}])
    assert empty.value.code == "invalid_request_error"
    with pytest.raises(openai.AuthenticationError):
        _client(client, "csk_not-a-real-key").models.list()
    raw = client.post(
        "/v1/chat/completions", json={"model": "csagent"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert raw.status_code == 422 and set(raw.json()["error"]) == {"message", "type", "param", "code"}


def test_keys_are_stored_hashed(api: tuple[TestClient, str]) -> None:
    client, key = api
    url = client.app.state.csagent.settings.resolved_database_url  # type: ignore[attr-defined]

    async def rows() -> list[tuple[str, str]]:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                return [(row.prefix, row.key_hash) for row in await api_keys.list_keys(session=session)]
        finally:
            await engine.dispose()

    stored = asyncio.run(rows())
    assert (key[:12], api_keys.hash_key(key)) in stored and all(key not in h for _, h in stored)


def test_the_keys_command_creates_lists_and_revokes(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from serve import cli
    from serve.settings import get_settings

    monkeypatch.setenv("CSAGENT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}")
    get_settings.cache_clear()
    try:
        assert cli.main(["keys", "create", "--name", "crm-sync"]) == 0
        key = capsys.readouterr().out.splitlines()[0]
        assert key.startswith("csk_") and len(key) > 40
        assert cli.main(["keys", "list"]) == 0
        listed = capsys.readouterr().out
        assert key[:12] in listed and "crm-sync" in listed and key not in listed
        assert cli.main(["keys", "revoke", key[:12]]) == 0
        assert cli.main(["keys", "revoke", key[:12]]) == 1, "a revoked key cannot be revoked twice"
    finally:
        get_settings.cache_clear()
