"""REST resources of the wire contract (shared/contract.md). The OpenAPI document is generated from these."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from models.turn import ReplyMeta, WireModel

Role = Literal["customer", "agent", "admin"]
MessageRole = Literal["user", "assistant", "agent", "system"]
MessageStatus = Literal["complete", "streaming", "failed"]
ConversationStatus = Literal["active", "waiting", "escalated", "resolved", "abandoned"]
Channel = Literal["web", "mobile", "api"]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class Case(WireModel):
    id: uuid.UUID
    number: str
    url: str | None = None


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
