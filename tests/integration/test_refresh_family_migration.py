"""Migration 0003 on SQLite and PostgreSQL: families issued before it start at their oldest stored token."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from serve.storage.db import alembic_config, create_engine
from serve.storage.tables import RefreshToken, UTCDateTime
from tests.conftest import _drop_postgres_database, _postgres_database

_ORGS = sa.table(
    "organizations", sa.column("id", sa.Uuid()), sa.column("name"), sa.column("created_at", UTCDateTime())
)
_USERS = sa.table(
    "users",
    *(sa.column(name) for name in ("display_name", "role", "language", "is_guest")),
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("created_at", UTCDateTime()),
)
_TOKENS = sa.table(
    "refresh_tokens",
    sa.column("id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("family_id", sa.Uuid()),
    sa.column("token_hash"),
    sa.column("expires_at", UTCDateTime()),
    sa.column("created_at", UTCDateTime()),
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
        return
    url = asyncio.run(_postgres_database())
    yield url
    asyncio.run(_drop_postgres_database(url))


async def _seed(url: str, started: datetime) -> dict[uuid.UUID, datetime]:
    """Two families as 0002 stored them: one rotated twice, one never; returns each family's first issue time."""
    org, user = uuid.uuid4(), uuid.uuid4()
    rotated, single = uuid.uuid4(), uuid.uuid4()
    issued = [(rotated, started + timedelta(hours=h)) for h in (5, 0, 2)] + [
        (single, started + timedelta(days=1))
    ]
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(sa.insert(_ORGS).values(id=org, name="Migrated", created_at=started))
        await connection.execute(
            sa.insert(_USERS).values(
                id=user,
                organization_id=org,
                display_name="M",
                role="customer",
                language="en",
                is_guest=True,
                created_at=started,
            )
        )
        for family, created in issued:
            await connection.execute(
                sa.insert(_TOKENS).values(
                    id=uuid.uuid4(),
                    user_id=user,
                    family_id=family,
                    token_hash=uuid.uuid4().hex,
                    expires_at=created + timedelta(days=30),
                    created_at=created,
                )
            )
    await engine.dispose()
    return {rotated: started, single: started + timedelta(days=1)}


async def _family_starts(url: str) -> dict[uuid.UUID, set[datetime]]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(sa.select(RefreshToken.family_id, RefreshToken.family_started_at))
        ).all()
    await engine.dispose()
    starts: dict[uuid.UUID, set[datetime]] = {}
    for family, start in rows:
        starts.setdefault(family, set()).add(start)
    return starts


def test_existing_families_start_at_their_oldest_token(empty_database: str) -> None:
    command.upgrade(alembic_config(empty_database), "0002")
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    expected = asyncio.run(_seed(empty_database, started))
    command.upgrade(alembic_config(empty_database), "head")
    assert asyncio.run(_family_starts(empty_database)) == {
        family: {start} for family, start in expected.items()
    }
    command.downgrade(alembic_config(empty_database), "0002")  # and back, for an operator rolling back
