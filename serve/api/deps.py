"""Annotated dependencies: routes never build their own collaborators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from serve.chat.service import ChatService
from serve.errors import Unauthorized
from serve.security import Claims, decode_access_token
from serve.settings import Settings
from serve.state import AppState

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/*")


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.csagent
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings_dep(state: StateDep) -> Settings:
    return state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    """A session per request; routes that write call `await session.commit()` before answering."""
    async with state.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_chat(state: StateDep) -> ChatService:
    return state.chat


ChatDep = Annotated[ChatService, Depends(get_chat)]


def get_caller(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Claims:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    return decode_access_token(settings.auth, credentials.credentials)


CurrentUser = Annotated[Claims, Depends(get_caller)]
