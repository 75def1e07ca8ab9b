"""Model lifecycle for admins: the registry's versions, canary, promote (behind the evaluation gate), rollback,
evaluation scores, and the audit log. Admin role only: other signed-in callers get 403 `forbidden`.

The rules live in serve/model_lifecycle.py; each write answers the updated models list, as the contract says.
The router's lifespan checks, once the app's state is open, that this replica's registry still holds every live
and canary version unchanged: a replica with a registry that changed a version in use refuses to start.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query

from models.config import LLMConfig
from serve import errors, model_lifecycle, schemas
from serve.api.deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from serve.security import Claims
from serve.state import AppState
from serve.storage import models_rollout


@asynccontextmanager
async def verify_registry(app: FastAPI) -> AsyncIterator[None]:
    """Runs after the app's own lifespan opened its state (FastAPI nests an included router's lifespan)."""
    state: AppState = app.state.csagent
    async with state.sessions() as session:
        await model_lifecycle.verify_in_use(session=session, llm=state.settings.llm)
    yield


router = APIRouter(prefix="/admin", tags=["admin"], lifespan=verify_registry)
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": schemas.ErrorBody} for code in (400, 401, 403, 404, 409, 422)
}


async def require_admin(caller: CurrentUser) -> Claims:
    if caller.role != "admin":
        raise errors.Forbidden()
    return caller


AdminUser = Annotated[Claims, Depends(require_admin)]


async def get_registry(settings: SettingsDep) -> LLMConfig:
    """The engine registry and chain this server runs (config/models.yaml through the settings)."""
    return settings.llm


RegistryDep = Annotated[LLMConfig, Depends(get_registry)]


@router.get("/models", response_model=schemas.ModelList, responses=ERRORS)
async def list_models(
    _admin: AdminUser, session: SessionDep, llm: RegistryDep, now: ClockDep
) -> schemas.ModelList:
    """Every version of every engine: stage (live, canary, available), share of new conversations, scores, and
    `live`: its replies over the last 24 hours (turns, failed, fallbacks, time to first token p50/p99, thumbs),
    counted from the database."""
    return await model_lifecycle.list_models(session=session, llm=llm, now=now())


@router.post("/models/canary", response_model=schemas.ModelList, responses=ERRORS)
async def canary(
    body: schemas.CanaryIn, admin: AdminUser, session: SessionDep, llm: RegistryDep, now: ClockDep
) -> schemas.ModelList:
    """Send `percent` of new conversations to this version, sticky per conversation."""
    await model_lifecycle.set_canary(session=session, llm=llm, caller=admin, body=body, now=now())
    await session.commit()
    return await model_lifecycle.list_models(session=session, llm=llm, now=now())


@router.post(
    "/models/promote",
    response_model=schemas.ModelList,
    responses={**ERRORS, 409: {"model": schemas.GateErrorBody}},
)
async def promote(
    body: schemas.PromoteIn, admin: AdminUser, session: SessionDep, llm: RegistryDep, now: ClockDep
) -> schemas.ModelList:
    """Make this version live. 409 `eval_gate_failed` (the comparison in `details`) unless it was evaluated and
    scores no worse than live beyond `llm.promote_tolerance`; `force` with a `reason` overrides."""
    await model_lifecycle.promote(session=session, llm=llm, caller=admin, body=body, now=now())
    await session.commit()
    return await model_lifecycle.list_models(session=session, llm=llm, now=now())


@router.post("/models/rollback", response_model=schemas.ModelList, responses=ERRORS)
async def rollback(
    body: schemas.RollbackIn, admin: AdminUser, session: SessionDep, llm: RegistryDep, now: ClockDep
) -> schemas.ModelList:
    """End the canary, or (with none) return to the previous live version: it takes all traffic again."""
    await model_lifecycle.rollback(session=session, llm=llm, caller=admin, body=body, now=now())
    await session.commit()
    return await model_lifecycle.list_models(session=session, llm=llm, now=now())


@router.post("/models/scores", response_model=schemas.ModelList, responses=ERRORS)
async def scores(
    body: schemas.ScoresIn, admin: AdminUser, session: SessionDep, llm: RegistryDep, now: ClockDep
) -> schemas.ModelList:
    """Store a version's evaluation figures (`csagent models eval` posts them), read by the promote gate."""
    await model_lifecycle.store_scores(session=session, llm=llm, caller=admin, body=body, now=now())
    await session.commit()
    return await model_lifecycle.list_models(session=session, llm=llm, now=now())


def _encode_cursor(entry: schemas.AuditEntry) -> str:
    return base64.urlsafe_b64encode(f"{entry.at.isoformat()}|{entry.id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        text, last_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        at = datetime.fromisoformat(text)
        return (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)), uuid.UUID(last_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise errors.ApiError("The cursor is not valid; use next_cursor from the previous page.") from exc


@router.get("/audit", response_model=schemas.AuditPage, responses=ERRORS)
async def audit(
    _admin: AdminUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> schemas.AuditPage:
    """The lifecycle actions, newest first (who, by name and email, when, what, on which version, why)."""
    rows = await models_rollout.list_audit(
        session=session, limit=limit + 1, before=_decode_cursor(cursor) if cursor else None
    )
    page = rows[:limit]
    actors = await models_rollout.audit_actors(
        session=session, actor_ids={row.actor_id for row in page if row.actor_id is not None}
    )
    items = []
    for row in page:
        # Who acted, by name: null when the user no longer exists (or a script acted with no user).
        name, email = actors.get(row.actor_id, (None, None)) if row.actor_id else (None, None)
        items.append(
            schemas.AuditEntry(
                id=row.id,
                at=row.at,
                actor_id=row.actor_id,
                actor_name=name,
                actor_email=email,
                actor_role=row.actor_role,
                action=row.action,
                name=row.name,
                version=row.version,
                reason=row.reason,
                details=row.details or {},
            )
        )
    return schemas.AuditPage(
        items=items, next_cursor=_encode_cursor(items[-1]) if len(rows) > limit else None
    )
