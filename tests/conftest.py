"""Shared fixtures: settings per test, the real deployments composed in-process, databases, API clients."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from models.config import resolve_path
from serve.app import create_app
from serve.builder import build_local_graph
from serve.settings import ChatSettings, Settings

POSTGRES_URL = os.environ.get("CSAGENT_TEST_POSTGRES_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test")
# `make test` runs the unit and integration suites a second time with this process's clock this many days ahead,
# so a test that depends on today's date (a fixed timestamp compared with now) fails in CI, not on the day it turns.
CLOCK_SHIFT_DAYS = int(os.environ.get("CSAGENT_TEST_CLOCK_SHIFT_DAYS", "0"))


@pytest.fixture(scope="session", autouse=True)
def shifted_clock() -> Iterator[None]:
    """Move time.time(), datetime.now() and friends by CLOCK_SHIFT_DAYS for the whole session (still ticking)."""
    if not CLOCK_SHIFT_DAYS:
        yield
        return
    import time_machine

    with time_machine.travel(datetime.now(UTC) + timedelta(days=CLOCK_SHIFT_DAYS), tick=True):
        yield


def make_settings(database_url: str, **overrides: Any) -> Settings:
    chat = overrides.pop("chat", None) or ChatSettings(sweep_interval_s=0.5)
    return Settings(env="test", database_url=database_url, chat=chat, **overrides)


@pytest.fixture(scope="session")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'base.db'}")


@pytest.fixture(scope="session")
def prepared() -> None:
    """The index and the classifier `make prepare` builds; built here too when missing."""
    from pipelines.intents.train import is_current, train
    from pipelines.knowledge.ingest import ingest

    settings = Settings(env="test")
    ingest(index_root=resolve_path(settings.retrieval.index_dir), config=settings.retrieval, progress=False)
    folder = resolve_path(settings.nlp.intent_model_dir)
    if not is_current(folder, config=settings.nlp):
        train(folder, config=settings.nlp, threshold=settings.nlp.intent_threshold)


@pytest.fixture(scope="session")
def graph(prepared: None, base_settings: Settings) -> LocalHandle:
    """The real nlp, retrieval, llm and graph deployments, in this process."""
    return asyncio.run(build_local_graph(base_settings))


async def _admin(statement: str) -> None:
    """Run one statement on the PostgreSQL server's `test` database (CREATE/DROP DATABASE need no transaction)."""
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _postgres_database() -> str:
    """A fresh database on the real PostgreSQL for this test session."""
    name = f"csagent_test_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


async def _drop_postgres_database(url: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = asyncio.run(_postgres_database())
    yield url
    asyncio.run(_drop_postgres_database(url))


async def _truncate(url: str) -> None:
    from sqlalchemy import text

    from serve.storage.db import create_engine

    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "TRUNCATE feedback, cases, messages, conversations, refresh_tokens, users, organizations,"
                " model_audit, model_versions, model_rollouts CASCADE"
            )
        )
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage/API test runs on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'csagent.db'}"
    url: str = request.getfixturevalue("postgres_url")
    from serve.storage.db import migrate

    asyncio.run(migrate(url))
    asyncio.run(_truncate(url))
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def client(settings: Settings, graph: LocalHandle) -> Iterator[TestClient]:
    with TestClient(create_app(settings, graph)) as test_client:
        yield test_client
