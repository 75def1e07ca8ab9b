"""Annotated dependencies: routes never build their own collaborators.

Every dependency is `async def`, even the ones that only read a field: FastAPI runs a plain `def` dependency in a
worker thread, and anyio's hand-off there walks every task of the event loop (`find_root_task` over
`asyncio.all_tasks()`). With 10,000 WebSockets held, each one a few tasks, that walk made every request and every
handshake cost time in proportion to the sockets already open (`make bench-ws`: the opening rate fell from ~37 to
~7 sockets a second, 80% of the replica's samples in `find_root_task`). `tests/unit/serve/test_deps_async.py` keeps
it so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.requests import HTTPConnection
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from serve.chat.service import ChatService
from serve.client_address import Network, client_address, parse_networks
from serve.errors import InvalidToken, RateLimited, Unauthorized
from serve.passwords import PasswordHashing
from serve.security import Claims, decode_access_token
from serve.settings import Settings
from serve.state import AppState
from serve.storage.tables import utcnow

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/*")


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.csagent
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_settings_dep(state: StateDep) -> Settings:
    return state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    """A session per request; routes that write call `await session.commit()` before answering."""
    async with state.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_chat(state: StateDep) -> ChatService:
    return state.chat


ChatDep = Annotated[ChatService, Depends(get_chat)]


async def get_caller(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Claims:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    return decode_access_token(settings.auth, credentials.credentials)


CurrentUser = Annotated[Claims, Depends(get_caller)]


async def get_passwords(request: Request) -> PasswordHashing:
    """The replica's password hashing pool (made in the app's lifespan)."""
    passwords: PasswordHashing = request.app.state.passwords
    return passwords


PasswordsDep = Annotated[PasswordHashing, Depends(get_passwords)]


async def get_clock() -> Callable[[], datetime]:
    """Now, in UTC; tests override this dependency to move time without waiting."""
    return utcnow


ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


async def get_client_address(connection: HTTPConnection) -> str:
    """The caller's address for per-IP limits (HTTP or WebSocket): see serve/client_address.py."""
    state: AppState = connection.app.state.csagent
    return client_address(
        connection.client.host if connection.client else None,
        connection.headers.getlist("x-forwarded-for"),
        _networks(tuple(state.settings.trusted_proxies)),
    )


ClientAddressDep = Annotated[str, Depends(get_client_address)]


async def rate_limit(request: Request, state: StateDep, ip: ClientAddressDep) -> None:
    """Per-IP and, for signed-in callers, per-user limits on every API request (429 with Retry-After)."""
    limits = state.settings.rate_limit
    if not limits.enabled:
        return
    decision = await state.limiter.hit("ip", ip, limits.ip_per_minute)
    if decision.allowed:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            try:
                caller = decode_access_token(state.settings.auth, header[7:])
            except InvalidToken:
                return  # the route itself answers 401
            decision = await state.limiter.hit("user", str(caller.sub), limits.user_per_minute)
    if not decision.allowed:
        raise RateLimited(decision.retry_after_s)
