"""REST resources of the wire contract (shared/contract.md). The OpenAPI document is generated from these."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from models.turn import ReplyMeta, WireModel

Role = Literal["customer", "agent", "admin"]
MessageRole = Literal["user", "assistant", "agent", "system"]
MessageStatus = Literal["complete", "streaming", "failed"]
ConversationStatus = Literal["active", "waiting", "escalated", "resolved", "abandoned"]
Channel = Literal["web", "mobile", "api"]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
# `seq` is a 32-bit integer column: a larger `after_seq` would make PostgreSQL refuse the query (a 500).
SEQ_MAX = 2**31 - 1
# Characters PostgreSQL cannot store in text or jsonb (NUL), and lone UTF-16 surrogates, which JSON's \u escapes
# can produce but no UTF-8 encoder accepts.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Deeper JSON is refused: storing or measuring it recurses, and no client of the contract nests this deep.
MAX_NESTING = 32


def _path(where: str, part: str) -> str:
    joined = f"{where}.{part}" if where else part
    return _UNSTORABLE.sub("?", joined)[:120]


def input_problem(value: object) -> tuple[str, str] | None:
    """`(path, what)` of the first string (key or value, at any depth) the database could not store, or of
    nesting deeper than MAX_NESTING; None when the input is fine. Iterative, so hostile depth cannot recurse."""
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return where or "value", "holds a NUL character or a lone surrogate, which cannot be stored"
        elif isinstance(item, dict | list | tuple):
            if depth >= MAX_NESTING:
                return where or "value", f"nests deeper than {MAX_NESTING} levels"
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str) and _UNSTORABLE.search(key):
                        return _path(where, key), "has a key with a NUL character or a lone surrogate"
                    stack.append((child, _path(where, str(key)), depth + 1))
            else:
                stack.extend((child, f"{where}[{i}]", depth + 1) for i, child in enumerate(item))
    return None


def refuse_bad_input(data: Any) -> Any:
    """A `mode="before"` check for input models: unstorable text or hostile nesting is a 422 (or an `error`
    frame on the WebSocket), never a database error."""
    problem = input_problem(data)
    if problem is not None:
        where, what = problem
        raise PydanticCustomError("unstorable_input", "{where} {what}", {"where": where, "what": what})
    return data


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        return refuse_bad_input(data)


class User(WireModel):
    id: uuid.UUID
    email: str | None = None
    display_name: str
    role: Role
    organization_id: uuid.UUID
    language: str


class Session(WireModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: User


class GuestIn(_In):
    display_name: DisplayName | None = None
    language: LanguageTag | None = None


class RegisterIn(_In):
    email: EmailStr
    password: Annotated[str, StringConstraints(min_length=12, max_length=256)]
    display_name: DisplayName
    language: LanguageTag | None = None


class LoginIn(_In):
    email: Annotated[str, StringConstraints(min_length=3, max_length=320)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class RefreshIn(_In):
    refresh_token: Annotated[str, StringConstraints(min_length=10, max_length=200)]


class LogoutIn(_In):
    """The refresh token of the sign-in to end: its whole family is revoked."""

    refresh_token: Annotated[str, StringConstraints(min_length=10, max_length=200)]


CaseStatus = Literal["queued", "new", "open", "closed"]


class Case(WireModel):
    """The conversation's hand-off to a person (contract v2)."""

    id: uuid.UUID
    number: str = Field(
        description="The case number: made in the app until Salesforce's CaseNumber replaces it."
    )
    url: str | None = None
    status: CaseStatus = Field(
        default="new",
        description="`queued`: stored, and will reach Salesforce when it can (never lost or duplicated); then "
        "the Case's state there. Without Salesforce the local case is `new`.",
    )


class Conversation(WireModel):
    id: uuid.UUID
    status: ConversationStatus
    channel: Channel
    language: str
    title: str
    created_at: datetime
    last_activity_at: datetime
    case: Case | None = None


class ConversationIn(_In):
    channel: Channel = "web"
    language: LanguageTag | None = None
    metadata: dict[str, Any] | None = Field(
        default=None, description="Free-form context (max 16 KiB as JSON)."
    )


class ConversationPage(WireModel):
    items: list[Conversation]
    next_cursor: str | None


class Message(WireModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    seq: int
    role: MessageRole
    content: str
    status: MessageStatus
    created_at: datetime
    client_message_id: uuid.UUID | None = None
    meta: ReplyMeta | dict[str, Any] = Field(default_factory=dict)


class MessagePage(WireModel):
    items: list[Message]
    has_more: bool


class MessageIn(_In):
    content: Annotated[str, StringConstraints(min_length=1, max_length=8000)]
    client_message_id: uuid.UUID


class Exchange(WireModel):
    message: Message
    reply: Message


class FeedbackIn(_In):
    rating: Literal["up", "down"]
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None


class EscalateIn(_In):
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None


class Health(WireModel):
    status: Literal["ok"] = "ok"


class Readiness(WireModel):
    ready: bool
    checks: dict[str, str]


class ErrorDetail(WireModel):
    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
    request_id: str | None = None


class ErrorBody(WireModel):
    error: ErrorDetail


# Model lifecycle (admin role only): the registry's versions, their rollout stage, the evaluation gate, the audit.
ModelStage = Literal["live", "canary", "available"]
EngineName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
VersionName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class ModelScores(WireModel):
    """A version's evaluation figures (`csagent models eval`), as fractions 0-1; what the promote gate compares."""

    key_fact_accuracy: float | None = Field(description="Answers with the key fact and a citation.")
    handoff_recall: float | None = Field(description="Hand-off items the version offered a person for.")
    items: int = Field(description="Evaluation items the figures come from.")
    figures: dict[str, float | None] = Field(
        default_factory=dict,
        description="The other figures of the run (refuse recall, intent, p50 latency…).",
    )
    evaluated_at: datetime


class LiveMetrics(WireModel):
    """A version's replies over the last `window_hours` hours, counted from the stored replies (no Prometheus
    needed): what the admin table compares between canary and live."""

    window_hours: int = Field(description="The window the figures cover, ending now (24).")
    turns: int = Field(description="Replies written (complete or failed).")
    failed: int = Field(description="Failed replies (a turn whose runner died before it ran is not counted).")
    fallbacks: int = Field(
        description="Replies written by a later engine of the chain after this one failed."
    )
    ttft_p50_ms: float | None = Field(description="Median time to first token, ms; null with no timed reply.")
    ttft_p99_ms: float | None = Field(description="99th percentile time to first token (nearest rank), ms.")
    thumbs_up: int = Field(description="Replies rated up by the customer.")
    thumbs_down: int = Field(description="Replies rated down by the customer.")


class ModelVersion(WireModel):
    """One `name@version` of the registry and where it stands."""

    name: str
    version: str
    kind: str
    stage: ModelStage
    traffic_percent: int = Field(description="Share of new conversations it gets (live: 100 - canary).")
    scores: ModelScores | None = None
    in_chain: bool = Field(
        description="Whether the engine is a link of `llm.chain` (else it gets no traffic)."
    )
    fingerprint: str = Field(description="sha256 of the version's spec as this server's registry holds it.")
    changed: bool = Field(
        description="The spec differs from the fingerprint recorded when the version was first used: the "
        "version is refused until its spec is restored (or the change gets a new version)."
    )
    previous: bool = Field(description="The version `rollback` returns to (the live one before a promote).")
    live: LiveMetrics = Field(description="Its replies over the last day, read from the database.")


class ModelList(WireModel):
    engines: list[ModelVersion]


class CanaryIn(_In):
    name: EngineName
    version: VersionName
    percent: int = Field(ge=1, le=99, description="Share of new conversations, sticky per conversation.")
    reason: Reason | None = None


class PromoteIn(_In):
    name: EngineName
    version: VersionName
    force: bool = Field(default=False, description="Promote despite the evaluation gate; needs a reason.")
    reason: Reason | None = None

    @model_validator(mode="after")
    def _forced_needs_reason(self) -> PromoteIn:
        if self.force and not self.reason:
            raise PydanticCustomError(
                "reason_required", "a forced promote needs a reason (it is written to the audit log)"
            )
        return self


class RollbackIn(_In):
    name: EngineName
    reason: Reason | None = None


class ScoresIn(_In):
    """A version's evaluation, posted by `csagent models eval` (or any evaluation job)."""

    name: EngineName
    version: VersionName
    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="Fingerprint of the spec that was evaluated; refused when the server's registry differs."
    )
    key_fact_accuracy: Share
    handoff_recall: Share
    items: int = Field(ge=1, le=1_000_000)
    figures: dict[Annotated[str, StringConstraints(max_length=100)], float | None] = Field(
        default_factory=dict, max_length=100
    )


class GateMetric(WireModel):
    """One row of the promote gate's comparison."""

    metric: str
    live: float | None
    candidate: float | None
    delta: float | None
    passed: bool


class GateDetails(WireModel):
    """`details` of 409 `eval_gate_failed`: the comparison the promote gate made."""

    reason: Literal["candidate_not_evaluated", "live_not_evaluated", "below_live"]
    live: str = Field(description="The live version, `name@version`.")
    candidate: str = Field(description="The version that was to be promoted, `name@version`.")
    tolerance: float
    metrics: list[GateMetric]


class GateErrorDetail(ErrorDetail):
    details: GateDetails | dict[str, Any] = Field(  # type: ignore[assignment]  # narrower than ErrorDetail's
        default_factory=dict,
        description="For `eval_gate_failed`, the gate's comparison; for other conflicts, their own details.",
    )


class GateErrorBody(WireModel):
    """A refused promote: 409 `eval_gate_failed` (or another conflict, such as `already_live`)."""

    error: GateErrorDetail


class AuditEntry(WireModel):
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor_name: str | None = Field(
        default=None, description="The acting user's display name; null when the user no longer exists."
    )
    actor_email: str | None = Field(default=None, description="The acting user's email, when it has one.")
    actor_role: str
    action: str
    name: str
    version: str | None = None
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class AuditPage(WireModel):
    items: list[AuditEntry]
    next_cursor: str | None
