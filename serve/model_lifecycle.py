"""The model lifecycle's rules: list versions, start or change a canary, promote behind the evaluation gate, roll
back, store evaluation scores; every action written to the audit log in the same transaction as its effect.

The admin routes (serve/api/admin_models.py) call these with the registry (`LLMConfig`) and a session; storage is
serve/storage/models_rollout.py; the evaluation gate serve/promote_gate.py; routing a conversation to a version is
serve/chat/model_router.py.

Immutability: a version's spec fingerprint is recorded the first time it is used (canary, live, evaluated). An
action on a version whose spec in this server's registry no longer matches the record is refused (409
`version_changed`), and the llm deployment refuses to run it: the change needs a new version.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.config import EngineSpec, LLMConfig, UnknownModel
from serve import schemas
from serve.errors import Conflict, NotFound
from serve.promote_gate import GATE_MESSAGES, GATED_METRICS, gate
from serve.security import Claims
from serve.storage import models_rollout as store
from serve.storage.model_metrics import LiveFigures, live_figures
from serve.storage.models_rollout import Rollout, VersionRecord

# The admin table's live figures cover the replies of the last day: long enough for a 1% canary to gather turns,
# short enough that a version's figures show its current behaviour.
LIVE_WINDOW = timedelta(hours=24)


class ModelNotFound(NotFound):
    code, message = "model_not_found", "The registry holds no such engine or version."


class ModelConflict(Conflict):
    """A lifecycle action that does not fit the current state; `code` says which rule."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details=details)
        self.code = code


class EvalGateFailed(Conflict):
    code = "eval_gate_failed"


class RegistryMismatch(RuntimeError):
    """This server's registry differs from a version in use: the server refuses to start (message says why)."""


def _spec(llm: LLMConfig, name: str, version: str) -> EngineSpec:
    try:
        return llm.spec(name, version)
    except UnknownModel as exc:
        raise ModelNotFound(str(exc)) from exc


def _current(llm: LLMConfig, name: str, stored: Rollout | None) -> Rollout:
    """The stored rollout, or the default one: the registry's configured version live, no canary."""
    return stored if stored is not None else Rollout(name=name, live=llm.engines[name].version)


async def _record(session: AsyncSession, llm: LLMConfig, name: str, version: str) -> VersionRecord:
    """Record the version's fingerprint on its first use; refuse it when its spec has changed since."""
    fingerprint = _spec(llm, name, version).fingerprint()
    record = await store.record_use(session=session, name=name, version=version, fingerprint=fingerprint)
    if record.fingerprint != fingerprint:
        raise ModelConflict(
            "version_changed",
            f"{name}@{version} changed after it was first used; a version is immutable once used: restore its "
            "spec in config/models.yaml or give the change a new version.",
            {"recorded": record.fingerprint, "registry": fingerprint},
        )
    return record


async def verify_in_use(*, session: AsyncSession, llm: LLMConfig) -> None:
    """Refuse a registry that changed or dropped a version now live or canary (the ingress calls this at start,
    so a bad config/models.yaml never takes traffic; `serve deploy` keeps the old replicas)."""
    rollouts = await store.get_rollouts(session=session)
    records = await store.get_versions(session=session)
    problems = []
    for name, rollout in rollouts.items():
        for version in filter(None, (rollout.live, rollout.canary)):
            stage = rollout.stage(version)
            try:
                fingerprint = llm.spec(name, version).fingerprint()
            except UnknownModel:
                problems.append(f"{name}@{version} is {stage} but config/models.yaml no longer holds it")
                continue
            record = records.get((name, version))
            if record is not None and record.fingerprint != fingerprint:
                problems.append(f"{name}@{version} ({stage}) changed after it was first used")
    if problems:
        raise RegistryMismatch(
            "; ".join(problems)
            + ". A version is immutable once used: restore it in config/models.yaml, or give "
            "the change a new version (and `csagent models rollback` / `promote` to move traffic off the old one)."
        )


async def list_models(*, session: AsyncSession, llm: LLMConfig, now: datetime) -> schemas.ModelList:
    """Every version of every registry engine, with its stage, traffic share, scores and its replies' figures
    over the LIVE_WINDOW ending `now`."""
    rollouts = await store.get_rollouts(session=session)
    records = await store.get_versions(session=session)
    figures = await live_figures(session=session, since=now - LIVE_WINDOW)
    rows = []
    for name, entry in llm.engines.items():
        rollout = _current(llm, name, rollouts.get(name))
        for version in entry.version_names():
            fingerprint = entry.at(version).fingerprint()
            record = records.get((name, version))
            rows.append(
                schemas.ModelVersion(
                    name=name,
                    version=version,
                    kind=entry.at(version).kind,
                    stage=rollout.stage(version),
                    traffic_percent=rollout.traffic(version) if name in llm.chain else 0,
                    scores=_scores_view(record),
                    in_chain=name in llm.chain,
                    fingerprint=fingerprint,
                    changed=record is not None and record.fingerprint != fingerprint,
                    previous=version == rollout.previous,
                    live=_live_view(figures.get((name, version), LiveFigures())),
                )
            )
    return schemas.ModelList(engines=rows)


def _live_view(figures: LiveFigures) -> schemas.LiveMetrics:
    return schemas.LiveMetrics(window_hours=int(LIVE_WINDOW.total_seconds() // 3600), **asdict(figures))


def _scores_view(record: VersionRecord | None) -> schemas.ModelScores | None:
    if record is None or record.scores is None or record.evaluated_at is None:
        return None
    return schemas.ModelScores.model_validate({**record.scores, "evaluated_at": record.evaluated_at})


async def _audit(
    session: AsyncSession,
    caller: Claims,
    action: str,
    name: str,
    version: str | None,
    reason: str | None,
    details: dict[str, Any],
    now: datetime,
) -> None:
    await store.add_audit(
        session=session,
        actor_id=caller.sub,
        actor_role=caller.role,
        action=action,
        name=name,
        version=version,
        reason=reason,
        details=details,
        at=now,
    )


async def set_canary(
    *, session: AsyncSession, llm: LLMConfig, caller: Claims, body: schemas.CanaryIn, now: datetime
) -> None:
    """Send `percent` of new conversations to `name@version` (replacing any other canary of that engine)."""
    _spec(llm, body.name, body.version)
    if body.name not in llm.chain:
        raise ModelConflict(
            "not_in_chain",
            f"{body.name} is not in llm.chain {llm.chain}, so it answers no conversation; add it to the chain first.",
        )
    rollout = _current(llm, body.name, await store.lock_rollout(session=session, name=body.name))
    if body.version == rollout.live:
        raise ModelConflict("already_live", f"{body.name}@{body.version} is already live.")
    await _record(session, llm, body.name, rollout.live)
    await _record(session, llm, body.name, body.version)
    before = {"canary": rollout.canary, "percent": rollout.canary_percent}
    updated = replace(rollout, canary=body.version, canary_percent=body.percent)
    await store.save_rollout(session=session, rollout=updated)
    details = {"percent": body.percent, "live": rollout.live, "before": before}
    await _audit(session, caller, "canary", body.name, body.version, body.reason, details, now)


async def promote(
    *, session: AsyncSession, llm: LLMConfig, caller: Claims, body: schemas.PromoteIn, now: datetime
) -> None:
    """Make `name@version` live (the old live one becomes the rollback target) if it passes the evaluation gate,
    or when forced with a reason."""
    _spec(llm, body.name, body.version)
    rollout = _current(llm, body.name, await store.lock_rollout(session=session, name=body.name))
    if body.version == rollout.live:
        raise ModelConflict("already_live", f"{body.name}@{body.version} is already live.")
    live_record = await _record(session, llm, body.name, rollout.live)
    candidate_record = await _record(session, llm, body.name, body.version)
    failure, table = gate(live_record.scores, candidate_record.scores, llm.promote_tolerance)
    candidate, live = f"{body.name}@{body.version}", f"{body.name}@{rollout.live}"
    comparison: dict[str, Any] = {
        "live": live,
        "candidate": candidate,
        "tolerance": llm.promote_tolerance,
        "metrics": [row.model_dump() for row in table],
    }
    if failure is not None and not body.force:
        metrics = ", ".join(GATED_METRICS[row.metric] for row in table if not row.passed)
        message = GATE_MESSAGES[failure].format(
            candidate=candidate, live=live, tolerance=llm.promote_tolerance, metrics=metrics
        )
        raise EvalGateFailed(
            message + " Or promote with force and a reason.", details={**comparison, "reason": failure}
        )
    updated = Rollout(
        name=body.name,
        live=body.version,
        previous=rollout.live,
        canary=None if rollout.canary == body.version else rollout.canary,
        canary_percent=0 if rollout.canary == body.version else rollout.canary_percent,
    )
    await store.save_rollout(session=session, rollout=updated)
    details = {**comparison, "forced": body.force, "gate": failure or "passed"}
    await _audit(session, caller, "promote", body.name, body.version, body.reason, details, now)


async def rollback(
    *, session: AsyncSession, llm: LLMConfig, caller: Claims, body: schemas.RollbackIn, now: datetime
) -> None:
    """End the canary (live takes all traffic), or with no canary, make the previous live version live again."""
    if body.name not in llm.engines:
        raise ModelNotFound(f"no engine named {body.name!r}; known engines: {sorted(llm.engines)}")
    rollout = _current(llm, body.name, await store.lock_rollout(session=session, name=body.name))
    if rollout.canary is not None:
        updated = replace(rollout, canary=None, canary_percent=0)
        details: dict[str, Any] = {"ended_canary": rollout.canary, "percent": rollout.canary_percent}
        version = rollout.live
    elif rollout.previous is not None:
        _spec(llm, body.name, rollout.previous)
        await _record(session, llm, body.name, rollout.previous)
        updated = Rollout(name=body.name, live=rollout.previous)
        details = {"from": rollout.live, "to": rollout.previous}
        version = rollout.previous
    else:
        raise ModelConflict(
            "nothing_to_roll_back", f"{body.name} has no canary and no previous live version to return to."
        )
    await store.save_rollout(session=session, rollout=updated)
    await _audit(session, caller, "rollback", body.name, version, body.reason, details, now)


async def store_scores(
    *, session: AsyncSession, llm: LLMConfig, caller: Claims, body: schemas.ScoresIn, now: datetime
) -> None:
    """Keep a version's evaluation figures (what the promote gate reads). The scores must be of the spec this
    server runs: a fingerprint that differs is refused."""
    spec = _spec(llm, body.name, body.version)
    if body.fingerprint != spec.fingerprint():
        raise ModelConflict(
            "fingerprint_mismatch",
            f"the evaluated spec of {body.name}@{body.version} is not the one this server's registry holds; "
            "evaluate with the same config/models.yaml.",
            {"evaluated": body.fingerprint, "registry": spec.fingerprint()},
        )
    await _record(session, llm, body.name, body.version)
    scores = body.model_dump(include={"key_fact_accuracy", "handoff_recall", "items", "figures"})
    await store.store_scores(session=session, name=body.name, version=body.version, scores=scores, at=now)
    await _audit(session, caller, "evaluate", body.name, body.version, None, scores, now)
