"""Liveness, readiness and Prometheus metrics.

These sit on the public listener, so what they tell depends on who asks (see `ops.*` in serve/settings.py): in
production `/api/ready` tells others only ready or not (its checks name deployments and carry the controller's
messages; admins still see them), and `/metrics` needs the bearer token `ops.metrics_token` (404 without one).
"""

from __future__ import annotations

import asyncio
import hmac

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from serve import schemas
from serve.api.deps import SettingsDep, StateDep
from serve.errors import InvalidToken, NotFound, Unauthorized
from serve.security import decode_access_token
from serve.serve_status import deployment_checks
from serve.settings import Settings
from serve.storage.db import ping

router = APIRouter(tags=["health"])
_CHECK_TIMEOUT_S = 3.0


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _is_admin(settings: Settings, token: str | None) -> bool:
    if token is None:
        return False
    try:
        return decode_access_token(settings.auth, token).role == "admin"
    except InvalidToken:
        return False  # a probe with a stale token still gets its ready/not-ready answer


@router.get("/api/health", response_model=schemas.Health)
async def health() -> schemas.Health:
    return schemas.Health()


@router.get("/api/ready", response_model=schemas.Readiness, responses={503: {"model": schemas.Readiness}})
async def ready(state: StateDep, request: Request) -> JSONResponse:
    """Database (and Redis) reachable, every deployment answering through the conversation graph, and every
    deployment serving in the eyes of Ray Serve's controller (`serve:<name>` checks, only on a cluster).

    `checks` is empty for callers who may not see the details (see the module docstring)."""
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(ping(state.engine), _CHECK_TIMEOUT_S)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"failed: {type(exc).__name__}"
    if state.settings.redis_url:
        try:
            await asyncio.wait_for(state.broker.ping(), _CHECK_TIMEOUT_S)
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"failed: {type(exc).__name__}"
    try:
        deployments = await asyncio.wait_for(state.graph.ready.remote(), _CHECK_TIMEOUT_S)
        checks.update(deployments)
    except Exception as exc:
        checks["graph"] = f"failed: {type(exc).__name__}"
    checks.update(await deployment_checks(_CHECK_TIMEOUT_S))
    is_ready = all(value == "ok" for value in checks.values())
    if not (state.settings.readiness_details_public or _is_admin(state.settings, _bearer(request))):
        checks = {}
    body = schemas.Readiness(ready=is_ready, checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if is_ready else 503)


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(settings: SettingsDep, request: Request) -> Response:
    """Prometheus text: open in development, behind `ops.metrics_token` when one is set, off in production
    without one (404, as if there were no such page)."""
    expected = settings.ops.metrics_token
    if expected is None and not settings.metrics_open:
        raise NotFound()
    if expected is not None:
        token = _bearer(request) or ""
        if not hmac.compare_digest(token.encode(), expected.encode()):
            raise Unauthorized(
                "Send the metrics token as 'Authorization: Bearer <token>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
