"""Auth: guest sessions, registration, login, refresh-token rotation with reuse detection, logout, and /me.

A sign-in starts a refresh-token family. Each refresh rotates the token within the family; a refresh token
expires when unused for `auth.refresh_token_ttl_s`, and the whole family ends `auth.refresh_family_lifetime_s`
after the sign-in, however often it was refreshed. Logout revokes the family.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

from fastapi import APIRouter, Response, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from serve import errors, schemas
from serve.api.deps import ClockDep, CurrentUser, PasswordsDep, SessionDep, SettingsDep, StateDep
from serve.chat.views import user_view
from serve.security import hash_refresh_token, issue_access_token, new_refresh_token
from serve.settings import Settings
from serve.storage import users as user_store
from serve.storage.tables import RefreshToken, User

router = APIRouter(tags=["auth"])
_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": schemas.ErrorBody},
    409: {"model": schemas.ErrorBody},
    422: {"model": schemas.ErrorBody},
}
_LOGIN_ERRORS: dict[int | str, dict[str, object]] = {**_ERRORS, 429: {"model": schemas.ErrorBody}}


class TooManyAttempts(errors.RateLimited):
    code, message = "too_many_attempts", "Too many sign-in attempts for this account. Wait and try again."


async def _session_for(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    now: datetime,
    family: RefreshToken | None = None,
) -> schemas.Session:
    """A new access token and a refresh token: of a new family, or the next one of `family`'s."""
    token, token_hash = new_refresh_token()
    started_at = family.family_started_at if family else now
    family_ends = started_at + timedelta(seconds=settings.auth.refresh_family_lifetime_s)
    await user_store.add_refresh_token(
        session=session,
        user_id=user.id,
        family_id=family.family_id if family else uuid.uuid4(),
        family_started_at=started_at,
        token_hash=token_hash,
        expires_at=min(now + timedelta(seconds=settings.auth.refresh_token_ttl_s), family_ends),
        now=now,
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
async def start_guest(
    body: schemas.GuestIn, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> schemas.Session:
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
    return await _session_for(session, settings, user, now=clock())


@router.post(
    "/auth/register", status_code=status.HTTP_201_CREATED, response_model=schemas.Session, responses=_ERRORS
)
async def register(
    body: schemas.RegisterIn,
    session: SessionDep,
    settings: SettingsDep,
    passwords: PasswordsDep,
    clock: ClockDep,
) -> schemas.Session:
    password_hash = await passwords.hash(body.password)
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
            password_hash=password_hash,
        )
    except IntegrityError as exc:
        raise errors.EmailTaken() from exc
    return await _session_for(session, settings, user, now=clock())


@router.post("/auth/login", response_model=schemas.Session, responses=_LOGIN_ERRORS)
async def login(
    body: schemas.LoginIn,
    session: SessionDep,
    state: StateDep,
    passwords: PasswordsDep,
    clock: ClockDep,
) -> schemas.Session:
    """Sign in. Attempts per account are limited (429 `too_many_attempts`), known email or not, and a
    refused attempt costs no hash; a success clears the account's count."""
    auth = state.settings.auth
    # Keyed by a digest, so the limiter's store never holds email addresses.
    account = hashlib.sha256(body.email.strip().lower().encode()).hexdigest()
    decision = await state.limiter.attempt(
        "login", account, auth.login_attempts_per_account, auth.login_attempts_window_s
    )
    if not decision.allowed:
        raise TooManyAttempts(decision.retry_after_s)
    user = await user_store.get_user_by_email(session=session, email=body.email)
    # The hash is checked even for unknown emails, so timing does not reveal which emails exist.
    if not await passwords.verify(user.password_hash if user else None, body.password) or user is None:
        raise errors.InvalidCredentials()
    await state.limiter.forget("login", account)
    return await _session_for(session, state.settings, user, now=clock())


@router.post("/auth/refresh", response_model=schemas.Session, responses=_ERRORS)
async def refresh(
    body: schemas.RefreshIn, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> schemas.Session:
    """Rotate: the old token is revoked; presenting a revoked token revokes its whole family."""
    now = clock()
    stored = await user_store.get_refresh_token(
        session=session, token_hash=hash_refresh_token(body.refresh_token), for_update=True
    )
    if stored is None:
        raise errors.InvalidRefreshToken()
    if stored.revoked_at is not None or not await user_store.revoke_refresh_token(
        session=session, token_id=stored.id, now=now
    ):
        await user_store.revoke_family(session=session, family_id=stored.family_id, now=now)
        await session.commit()
        raise errors.InvalidRefreshToken("That refresh token was already used; sign in again.")
    # Checked here too, not only through expires_at: a lifetime shortened since the token was issued applies.
    if stored.family_started_at + timedelta(seconds=settings.auth.refresh_family_lifetime_s) <= now:
        await session.commit()
        raise errors.InvalidRefreshToken("This sign-in has reached its maximum age; sign in again.")
    if stored.expires_at <= now:
        await session.commit()
        raise errors.InvalidRefreshToken("The refresh token has expired; sign in again.")
    user = await user_store.get_user(session=session, user_id=stored.user_id)
    if user is None:
        raise errors.InvalidRefreshToken()
    return await _session_for(session, settings, user, now=now, family=stored)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={422: {"model": schemas.ErrorBody}},
)
async def logout(body: schemas.LogoutIn, session: SessionDep, clock: ClockDep) -> None:
    """End a sign-in: the token's whole family is revoked, so no token of it refreshes again.

    An unknown, expired or already revoked token is answered 204 as well (as RFC 7009 does for revocation): the
    client signs out either way, and the answer says nothing about which tokens exist.
    """
    stored = await user_store.get_refresh_token(
        session=session, token_hash=hash_refresh_token(body.refresh_token)
    )
    if stored is not None:
        await user_store.revoke_family(session=session, family_id=stored.family_id, now=clock())
        await session.commit()


@router.get("/me", response_model=schemas.User, responses=_ERRORS)
async def me(caller: CurrentUser, session: SessionDep) -> schemas.User:
    user = await user_store.get_user(session=session, user_id=caller.sub)
    if user is None or user.organization_id != caller.org:
        raise errors.InvalidToken()
    return user_view(user)
