"""WebSocket frames of the wire contract: one discriminated union per direction, keyed on `type`.

`make contract` writes their JSON Schema to contract/ws-frames.schema.json for the UI's generated types.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, model_validator

from models.turn import WireModel
from serve.schemas import SEQ_MAX, Conversation, Message, refuse_bad_input


class _ClientFrame(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        return refuse_bad_input(data)


class AuthFrame(_ClientFrame):
    type: Literal["auth"]
    token: Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class SubscribeFrame(_ClientFrame):
    type: Literal["subscribe"]
    conversation_id: uuid.UUID
    after_seq: int = Field(default=0, ge=0, le=SEQ_MAX)


class UnsubscribeFrame(_ClientFrame):
    """Stop following a conversation (frees one of the socket's `chat.ws_max_subscriptions`); unknown ids are fine."""

    type: Literal["unsubscribe"]
    conversation_id: uuid.UUID


class SendFrame(_ClientFrame):
    type: Literal["message.send"]
    conversation_id: uuid.UUID
    client_message_id: uuid.UUID
    content: Annotated[str, StringConstraints(min_length=1, max_length=8000)]


class TypingFrame(_ClientFrame):
    type: Literal["typing"]
    conversation_id: uuid.UUID
    state: Literal["start", "stop"]


class PingFrame(_ClientFrame):
    type: Literal["ping"]


ClientFrame = Annotated[
    AuthFrame | SubscribeFrame | UnsubscribeFrame | SendFrame | TypingFrame | PingFrame,
    Field(discriminator="type"),
]
client_frame_adapter: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)


class AckEvent(WireModel):
    type: Literal["message.ack"] = "message.ack"
    client_message_id: uuid.UUID
    message: Message


class AssistantTypingEvent(WireModel):
    type: Literal["assistant.typing"] = "assistant.typing"
    conversation_id: uuid.UUID
    state: Literal["start", "stop"]


class DeltaEvent(WireModel):
    type: Literal["assistant.delta"] = "assistant.delta"
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    index: int = Field(ge=0)
    delta: str


class ResetEvent(WireModel):
    """Discard what was streamed for this reply; deltas start again at index 0 (another engine answers afresh)."""

    type: Literal["assistant.reset"] = "assistant.reset"
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    reason: str


class MessageEvent(WireModel):
    type: Literal["message"] = "message"
    message: Message


class ConversationUpdatedEvent(WireModel):
    type: Literal["conversation.updated"] = "conversation.updated"
    conversation: Conversation


class UserTypingEvent(WireModel):
    """Another participant (a second tab, later a human agent) is typing."""

    type: Literal["typing"] = "typing"
    conversation_id: uuid.UUID
    state: Literal["start", "stop"]


class PongEvent(WireModel):
    type: Literal["pong"] = "pong"


class ErrorEvent(WireModel):
    type: Literal["error"] = "error"
    code: str
    message: str
    client_message_id: uuid.UUID | None = None


ServerEvent = Annotated[
    AckEvent
    | AssistantTypingEvent
    | DeltaEvent
    | ResetEvent
    | MessageEvent
    | ConversationUpdatedEvent
    | UserTypingEvent
    | PongEvent
    | ErrorEvent,
    Field(discriminator="type"),
]
server_event_adapter: TypeAdapter[ServerEvent] = TypeAdapter(ServerEvent)
