"""Model lifecycle storage: rollout state per engine name, the versions that have been used, the audit log.

Stored, not held in memory, so the state survives a restart and every ingress replica reads the same weights.
Nothing stored for an engine means the registry's configured version is live with no canary (see `Rollout`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from serve.storage.tables import ModelAudit, ModelRollout, ModelVersionRecord, User, utcnow


@dataclass(frozen=True)
class Rollout:
    """Where one engine name stands: `live` takes the traffic the canary does not."""

    name: str
    live: str
    previous: str | None = None
    canary: str | None = None
    canary_percent: int = 0

    def stage(self, version: str) -> Literal["live", "canary", "available"]:
        if version == self.live:
            return "live"
        if version == self.canary:
            return "canary"
        return "available"

    def traffic(self, version: str) -> int:
        if version == self.live:
            return 100 - (self.canary_percent if self.canary else 0)
        if version == self.canary:
            return self.canary_percent
        return 0


def _view(row: ModelRollout) -> Rollout:
    return Rollout(
        name=row.name,
        live=row.live_version,
        previous=row.previous_version,
        canary=row.canary_version,
        canary_percent=row.canary_percent if row.canary_version else 0,
    )


async def get_rollouts(*, session: AsyncSession) -> dict[str, Rollout]:
    """Every stored rollout by engine name (names with none stored are absent: their configured version is live)."""
    rows = await session.scalars(select(ModelRollout))
    return {row.name: _view(row) for row in rows}


async def save_rollout(*, session: AsyncSession, rollout: Rollout) -> None:
    """Insert or replace one engine's rollout state (the caller's transaction holds it)."""
    row = await session.get(ModelRollout, rollout.name, with_for_update=True)
    if row is None:
        row = ModelRollout(name=rollout.name)
        session.add(row)
    row.live_version = rollout.live
    row.previous_version = rollout.previous
    row.canary_version = rollout.canary
    row.canary_percent = rollout.canary_percent if rollout.canary else 0
    row.updated_at = utcnow()
    await session.flush()


async def lock_rollout(*, session: AsyncSession, name: str) -> Rollout | None:
    """One engine's stored state, locked until the transaction ends (PostgreSQL; SQLite's writes queue anyway), so
    two admins acting at once apply one after the other."""
    row = await session.get(ModelRollout, name, with_for_update=True)
    return _view(row) if row is not None else None


@dataclass(frozen=True)
class VersionRecord:
    name: str
    version: str
    fingerprint: str
    first_used_at: datetime
    scores: dict[str, Any] | None
    evaluated_at: datetime | None


def _record(row: ModelVersionRecord) -> VersionRecord:
    return VersionRecord(
        name=row.name,
        version=row.version,
        fingerprint=row.fingerprint,
        first_used_at=row.first_used_at,
        scores=row.scores,
        evaluated_at=row.evaluated_at,
    )


async def get_versions(*, session: AsyncSession) -> dict[tuple[str, str], VersionRecord]:
    """Every used version by (name, version)."""
    rows = await session.scalars(select(ModelVersionRecord))
    return {(row.name, row.version): _record(row) for row in rows}


async def get_version(*, session: AsyncSession, name: str, version: str) -> VersionRecord | None:
    row = await session.get(ModelVersionRecord, (name, version))
    return _record(row) if row is not None else None


async def record_use(*, session: AsyncSession, name: str, version: str, fingerprint: str) -> VersionRecord:
    """Record the fingerprint of a version the first time it is used; later calls return the stored record
    unchanged (the caller compares fingerprints: a version is immutable once used)."""
    row = await session.get(ModelVersionRecord, (name, version))
    if row is None:
        row = ModelVersionRecord(name=name, version=version, fingerprint=fingerprint, first_used_at=utcnow())
        session.add(row)
        await session.flush()
    return _record(row)


async def store_scores(
    *, session: AsyncSession, name: str, version: str, scores: dict[str, Any], at: datetime
) -> None:
    """Replace a recorded version's evaluation scores (the version must have been recorded first)."""
    row = await session.get(ModelVersionRecord, (name, version))
    if row is None:
        raise LookupError(f"{name}@{version} is not recorded; record_use first")
    row.scores = scores
    row.evaluated_at = at
    await session.flush()


async def add_audit(
    *,
    session: AsyncSession,
    actor_id: uuid.UUID | None,
    actor_role: str,
    action: str,
    name: str,
    version: str | None,
    reason: str | None,
    details: dict[str, Any],
    at: datetime | None = None,
) -> ModelAudit:
    entry = ModelAudit(
        id=uuid.uuid4(),
        at=at or utcnow(),
        actor_id=actor_id,
        actor_role=actor_role,
        action=action,
        name=name,
        version=version,
        reason=reason,
        details=details,
    )
    session.add(entry)
    await session.flush()
    return entry


async def list_audit(
    *, session: AsyncSession, limit: int, before: tuple[datetime, uuid.UUID] | None = None
) -> list[ModelAudit]:
    """Newest first; `before` is the keyset cursor (at, id) of the previous page's last entry."""
    query = select(ModelAudit)
    if before is not None:
        at, last_id = before
        query = query.where(or_(ModelAudit.at < at, and_(ModelAudit.at == at, ModelAudit.id < last_id)))
    query = query.order_by(ModelAudit.at.desc(), ModelAudit.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())


async def audit_actors(
    *, session: AsyncSession, actor_ids: set[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str | None]]:
    """(display name, email) of the users who acted, by id, for an audit page (a user since deleted is absent)."""
    if not actor_ids:
        return {}
    rows = await session.execute(select(User.id, User.display_name, User.email).where(User.id.in_(actor_ids)))
    return {user_id: (name, email) for user_id, name, email in rows.all()}
