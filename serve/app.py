"""`create_app()`: the FastAPI application the Serve ingress deployment wraps (and tests run directly)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse

from models.config import PROJECT_ROOT
from serve.api import admin_models, auth, conversations, health, messages, openai_compat, ws
from serve.api.deps import rate_limit
from serve.body_limit import BodyLimitMiddleware
from serve.chat.runner import GraphHandle
from serve.errors import install_error_handlers
from serve.escalation.outbox import EscalationHandle
from serve.logging_setup import configure_logging
from serve.middleware import RequestContextMiddleware
from serve.passwords import PasswordHashing
from serve.security import signing_key
from serve.settings import Settings, get_settings
from serve.state import AppState
from serve.static import ui_app

UI_DIST = PROJECT_ROOT / "ui" / "dist"
API_PREFIX = "/api/v1"

_PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>csagent</title></head>
<body><main><h1>csagent is running</h1><p>The chat UI has not been built. The API is live:
<a href="/api/docs">API docs</a>, <a href="/api/health">health</a>, <a href="/api/ready">readiness</a>.</p></main></body></html>"""


def create_app(
    settings: Settings | None = None,
    graph: GraphHandle | None = None,
    escalation: EscalationHandle | None = None,
) -> FastAPI:
    """The ingress application; `graph` is a handle to the conversation graph (Serve or local), `escalation` to
    the escalation deployment (needed when `salesforce.*` is set)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if graph is None:
            raise RuntimeError("create_app needs a conversation-graph handle (see serve/builder.py)")
        signing_key(settings.auth)  # the install's key is read or made now: an unusable var/ fails start-up
        state = await AppState.open(settings, graph, escalation=escalation)
        app.state.csagent = state
        app.state.passwords = PasswordHashing(settings.auth.password_hash_concurrency)
        state.sweeper.start()
        if state.outbox is not None:
            state.outbox.start()
        try:
            yield
        finally:
            await state.close()
            app.state.passwords.close()

    app = FastAPI(
        title="csagent API",
        version="1.0.0",
        description="AI customer-service agent for Salesforce users. Wire contract: shared/contract.md.",
        # Off in production unless `ops.api_docs` says otherwise (`make contract` renders the document anyway).
        openapi_url=f"{API_PREFIX}/openapi.json" if settings.api_docs_enabled else None,
        docs_url="/api/docs" if settings.api_docs_enabled else None,
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.http_max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_headers=["*"], allow_methods=["*"]
        )
    app.include_router(health.router)
    limited = [Depends(rate_limit)]
    app.include_router(auth.router, prefix=API_PREFIX, dependencies=limited)
    app.include_router(conversations.router, prefix=API_PREFIX, dependencies=limited)
    app.include_router(messages.router, prefix=API_PREFIX, dependencies=limited)
    app.include_router(admin_models.router, prefix=API_PREFIX, dependencies=limited)
    app.include_router(ws.router, prefix=API_PREFIX)
    app.include_router(openai_compat.router)
    _mount_ui(app, UI_DIST)
    return app


def _mount_ui(app: FastAPI, dist: Path) -> None:
    """The built chat UI at `/` (see serve/static.py), or a placeholder page until `make ui` has built it."""
    if (dist / "index.html").exists():
        app.mount("/", ui_app(dist), name="ui")
        return

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    async def placeholder() -> str:
        return _PLACEHOLDER
