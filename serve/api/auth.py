"""Auth: guest sessions, registration, login, refresh-token rotation with reuse detection, and /me."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from serve import errors, schemas
from serve.api.deps import CurrentUser, SessionDep, SettingsDep
from serve.chat.views import user_view
from serve.security import (
    hash_password,
    hash_refresh_token,
    issue_access_token,
    new_refresh_token,
    verify_password,
)
from serve.settings import Settings
from serve.storage import users as user_store
from serve.storage.tables import User, utcnow

router = APIRouter(tags=["auth"])
_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": schemas.ErrorBody},
    409: {"model": schemas.ErrorBody},
    422: {"model": schemas.ErrorBody},
}


async def _session_for(
    session: AsyncSession, settings: Settings, user: User, family_id: uuid.UUID | None = None
) -> schemas.Session:
    token, token_hash = new_refresh_token()
    await user_store.add_refresh_token(
        session=session,
        user_id=user.id,
        family_id=family_id or uuid.uuid4(),
        token_hash=token_hash,
        expires_at=utcnow() + timedelta(seconds=settings.auth.refresh_token_ttl_s),
    )
    await session.commit()
    return schemas.Session(
        access_token=issue_access_token(
            settings.auth, user_id=user.id, organization_id=user.organization_id, role=user.role
        ),
        refresh_token=token,
        expires_in=settings.auth.access_token_ttl_s,
        user=user_view(user),
    )


@router.post(
    "/auth/guest", status_code=status.HTTP_201_CREATED, response_model=schemas.Session, responses=_ERRORS
)
async def start_guest(body: schemas.GuestIn, session: SessionDep, settings: SettingsDep) -> schemas.Session:
    """Start an anonymous customer session in the default organisation."""
    organization = await user_store.get_or_create_organization(
        session=session, name=settings.auth.default_organization
    )
    user = await user_store.add_user(
        session=session,
        organization_id=organization.id,
        display_name=body.display_name or "Guest",
        language=body.language or "en",
        is_guest=True,
    )
    return await _session_for(session, settings, user)


@router.post(
    "/auth/register", status_code=status.HTTP_201_CREATED, response_model=schemas.Session, responses=_ERRORS
)
async def register(body: schemas.RegisterIn, session: SessionDep, settings: SettingsDep) -> schemas.Session:
    organization = await user_store.get_or_create_organization(
        session=session, name=settings.auth.default_organization
    )
    try:
        user = await user_store.add_user(
            session=session,
            organization_id=organization.id,
            display_name=body.display_name,
            language=body.language or "en",
            email=str(body.email).lower(),
            password_hash=hash_password(body.password),
        )
    except IntegrityError as exc:
        raise errors.EmailTaken() from exc
    return await _session_for(session, settings, user)


@router.post("/auth/login", response_model=schemas.Session, responses=_ERRORS)
async def login(body: schemas.LoginIn, session: SessionDep, settings: SettingsDep) -> schemas.Session:
    user = await user_store.get_user_by_email(session=session, email=body.email)
    # verify_password runs even for unknown emails, so timing does not reveal which emails exist.
    if not verify_password(user.password_hash if user else None, body.password) or user is None:
        raise errors.InvalidCredentials()
    return await _session_for(session, settings, user)


@router.post("/auth/refresh", response_model=schemas.Session, responses=_ERRORS)
async def refresh(body: schemas.RefreshIn, session: SessionDep, settings: SettingsDep) -> schemas.Session:
    """Rotate: the old token is revoked; presenting a revoked token revokes its whole family."""
    stored = await user_store.get_refresh_token(
        session=session, token_hash=hash_refresh_token(body.refresh_token), for_update=True
    )
    if stored is None:
        raise errors.InvalidRefreshToken()
    if stored.revoked_at is not None or not await user_store.revoke_refresh_token(
        session=session, token_id=stored.id
    ):
        await user_store.revoke_family(session=session, family_id=stored.family_id)
        await session.commit()
        raise errors.InvalidRefreshToken("That refresh token was already used; sign in again.")
    if stored.expires_at <= utcnow():
        await session.commit()
        raise errors.InvalidRefreshToken("The refresh token has expired; sign in again.")
    user = await user_store.get_user(session=session, user_id=stored.user_id)
    if user is None:
        raise errors.InvalidRefreshToken()
    return await _session_for(session, settings, user, family_id=stored.family_id)


@router.get("/me", response_model=schemas.User, responses=_ERRORS)
async def me(caller: CurrentUser, session: SessionDep) -> schemas.User:
    user = await user_store.get_user(session=session, user_id=caller.sub)
    if user is None or user.organization_id != caller.org:
        raise errors.InvalidToken()
    return user_view(user)
