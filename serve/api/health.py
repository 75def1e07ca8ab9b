"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from serve import schemas
from serve.api.deps import StateDep
from serve.serve_status import deployment_checks
from serve.storage.db import ping

router = APIRouter(tags=["health"])
_CHECK_TIMEOUT_S = 3.0


@router.get("/api/health", response_model=schemas.Health)
async def health() -> schemas.Health:
    return schemas.Health()


@router.get("/api/ready", response_model=schemas.Readiness, responses={503: {"model": schemas.Readiness}})
async def ready(state: StateDep) -> JSONResponse:
    """Database (and Redis) reachable, every deployment answering through the conversation graph, and every
    deployment serving in the eyes of Ray Serve's controller (`serve:<name>` checks, only on a cluster)."""
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
    body = schemas.Readiness(ready=is_ready, checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if is_ready else 503)


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
