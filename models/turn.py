"""What the ingress sends the conversation graph for one turn, and the reply metadata it gets back.

These are plain pydantic models shared by both sides of the Serve handle (they cross it as dicts).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class HistoryItem(BaseModel):
    role: Literal["user", "assistant", "agent", "system"]
    content: str
    meta: dict[str, Any] = Field(default_factory=dict)


class TurnRequest(BaseModel):
    conversation_id: str
    message_id: str
    text: str
    conversation_language: str = "en"
    history: list[HistoryItem] = Field(default_factory=list)
    request_id: str | None = None


class WireModel(BaseModel):
    """A model sent to clients: in its serialization JSON Schema every field is required (defaults are always
    sent), so the UI's generated types need no optional checks."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class IntentMeta(WireModel):
    name: str
    confidence: float


class SentimentMeta(WireModel):
    label: Literal["negative", "neutral", "positive"]
    score: float


class EmotionMeta(WireModel):
    label: str
    score: float


class Citation(WireModel):
    id: str
    title: str
    url: str | None = None
    snippet: str


class ModelMeta(WireModel):
    name: str
    version: str


class Timings(WireModel):
    nlp_ms: float = 0.0
    retrieval_ms: float = 0.0
    generation_ms: float = 0.0
    storage_ms: float = 0.0


class ReplyMeta(WireModel):
    """`meta` of an assistant message: the contract's fields first, then our additions."""

    intent: IntentMeta
    sentiment: SentimentMeta
    emotion: EmotionMeta | None = None
    language: str
    confidence: float
    citations: list[Citation]
    model: ModelMeta
    latency_ms: float
    ttft_ms: float | None = None
    escalation_suggested: bool
    quick_replies: list[str]
    # Additions (the contract allows extra fields).
    low_confidence: bool = False
    route: str = "answer"
    entities: list[dict[str, Any]] = Field(default_factory=list)
    timings: Timings = Field(default_factory=Timings)
    index_version: str | None = None
    fallback_from: list[str] = Field(default_factory=list)
    guard: dict[str, Any] | None = None
    tokens: dict[str, int] = Field(default_factory=dict)
    escalation_reasons: list[str] = Field(default_factory=list)
