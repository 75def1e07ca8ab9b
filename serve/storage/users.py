"""Organisations, users and refresh tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from serve.storage.tables import Organization, RefreshToken, User, utcnow


async def get_or_create_organization(*, session: AsyncSession, name: str) -> Organization:
    found = await session.scalar(select(Organization).where(Organization.name == name))
    if found:
        return found
    organization = Organization(name=name)
    try:
        async with session.begin_nested():
            session.add(organization)
    except IntegrityError:  # another request created it first
        found = await session.scalar(select(Organization).where(Organization.name == name))
        assert found is not None
        return found
    return organization


async def add_user(
    *,
    session: AsyncSession,
    organization_id: uuid.UUID,
    display_name: str,
    language: str,
    email: str | None = None,
    password_hash: str | None = None,
    is_guest: bool = False,
) -> User:
    """Insert a user; raises IntegrityError when the email is taken."""
    user = User(
        organization_id=organization_id,
        display_name=display_name,
        language=language,
        email=email,
        password_hash=password_hash,
        is_guest=is_guest,
        role="customer",
    )
    async with session.begin_nested():
        session.add(user)
    return user


async def get_user(*, session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_email(*, session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def add_refresh_token(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    family_id: uuid.UUID,
    family_started_at: datetime,
    token_hash: str,
    expires_at: datetime,
    now: datetime | None = None,
) -> RefreshToken:
    """Store a refresh token's hash; `family_started_at` is when its sign-in began (the family's first token)."""
    token = RefreshToken(
        user_id=user_id,
        family_id=family_id,
        family_started_at=family_started_at,
        token_hash=token_hash,
        expires_at=expires_at,
        created_at=now or utcnow(),
    )
    session.add(token)
    await session.flush()
    return token


async def get_refresh_token(
    *, session: AsyncSession, token_hash: str, for_update: bool = False
) -> RefreshToken | None:
    query = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def revoke_refresh_token(
    *, session: AsyncSession, token_id: uuid.UUID, now: datetime | None = None
) -> bool:
    """Revoke one token; False when it was already revoked (a concurrent refresh won)."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_family(*, session: AsyncSession, family_id: uuid.UUID, now: datetime | None = None) -> None:
    """Revoke every token of a sign-in (reuse detected, or logout)."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


async def get_or_create_admin(*, session: AsyncSession, organization_id: uuid.UUID) -> User:
    """The organisation's first admin, or a new one (`csagent admin token`: a script's identity). The admin made
    here has no email or password: it signs in only through tokens made from the install's secret."""
    found = await session.scalar(
        select(User)
        .where(User.organization_id == organization_id, User.role == "admin")
        .order_by(User.created_at, User.id)
        .limit(1)
    )
    if found is not None:
        return found
    admin = User(organization_id=organization_id, display_name="Admin", language="en", role="admin")
    async with session.begin_nested():
        session.add(admin)
    return admin
