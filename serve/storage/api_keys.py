"""API keys for the OpenAI-compatible API: made once, shown once, stored as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from serve.storage.tables import ApiKey, utcnow

KEY_PREFIX = "csk_"
_SHOWN = 12  # characters of a key kept in clear to name it in lists (`csk_` + 8)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_key(*, session: AsyncSession, name: str) -> tuple[str, ApiKey]:
    """A new key: the plain text (give it to the user now; it is never stored) and its row."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, prefix=key[:_SHOWN], key_hash=hash_key(key))
    session.add(row)
    await session.flush()
    return key, row


async def list_keys(*, session: AsyncSession) -> list[ApiKey]:
    return list(await session.scalars(select(ApiKey).order_by(ApiKey.created_at)))


async def revoke_key(*, session: AsyncSession, prefix: str) -> bool:
    """Revoke the key whose shown prefix this is; False when there is none (or it was revoked already)."""
    result = await session.execute(
        update(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def active_key(*, session: AsyncSession, key: str) -> ApiKey | None:
    """The unrevoked key with this plain text, its last use noted; None for an unknown or revoked one."""
    row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = utcnow()
    return row
