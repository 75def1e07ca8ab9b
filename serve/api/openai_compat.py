"""The OpenAI-compatible API: the whole agent (nlp, retrieval, the engine chain, citations) for existing clients.

`GET /v1/models` and `POST /v1/chat/completions` (streaming and not), authorised by the REST API's bearer access
tokens or by API keys (`csagent keys create`). Errors use OpenAI's shape, `{"error": {"message", "type", "code"}}`,
so the official clients raise their usual exceptions (serve/errors.py maps them for every path under /v1/).

The API is stateless, as OpenAI's is: the last user message is the question, the earlier messages its history; a
turn is not stored as a conversation. A language model that breaks mid-answer cannot take back what a client has
already read, so a streamed answer that another engine restarts sends one chunk whose `csagent.reset` names the
reason, then the new answer; the non-streamed answer is always the final text only.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from models.turn import HistoryItem, TurnRequest
from serve.api.deps import SessionDep, StateDep
from serve.errors import ApiError, InvalidToken, RateLimited, Unauthorized
from serve.security import decode_access_token
from serve.storage import api_keys
from serve.storage.api_keys import KEY_PREFIX

MODEL_ID = "csagent"
router = APIRouter(prefix="/v1", tags=["openai-compatible"])
_bearer = HTTPBearer(auto_error=False, description="An access token or an API key (csagent keys create)")


class ContentPart(BaseModel):
    type: Literal["text"]
    text: Annotated[str, StringConstraints(max_length=8000)]


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant"]
    content: Annotated[str, StringConstraints(max_length=8000)] | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # OpenAI clients send options we do not use (n=1, top_p…)

    model: str = Field(description=f"`{MODEL_ID}`: the whole agent.")
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)


class UnknownModel(ApiError):
    status, code, message = 404, "model_not_found", f"The only model here is '{MODEL_ID}'."


class NoQuestion(ApiError):
    status, code, message = 400, "invalid_request_error", "The last message must be a non-empty user message."


async def api_caller(
    state: StateDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """Who is calling: `key:<prefix>` for an API key, `user:<id>` for an access token; rate limited per caller."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an API key or access token as 'Authorization: Bearer <key>'.")
    token = credentials.credentials
    if token.startswith(KEY_PREFIX):
        key = await api_keys.active_key(session=session, key=token)
        if key is None:
            raise InvalidToken("The API key is not valid or has been revoked.")
        await session.commit()
        caller = f"key:{key.prefix}"
    else:
        caller = f"user:{decode_access_token(state.settings.auth, token).sub}"
    limits = state.settings.rate_limit
    if limits.enabled:
        decision = await state.limiter.hit("user", caller, limits.user_per_minute)
        if not decision.allowed:
            raise RateLimited(decision.retry_after_s)
    return caller


ApiCaller = Annotated[str, Depends(api_caller)]


@router.get("/models")
async def list_models(_caller: ApiCaller) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "csagent"}],
    }


def _turn(body: ChatCompletionRequest) -> TurnRequest:
    if body.model != MODEL_ID:
        raise UnknownModel(f"The model '{body.model}' does not exist here; use '{MODEL_ID}'.")
    *earlier, last = body.messages
    question = last.text().strip()
    if last.role != "user" or not question:
        raise NoQuestion()
    history = [
        HistoryItem(role=m.role, content=m.text())
        for m in earlier
        if m.role in ("user", "assistant") and m.text()
    ]
    return TurnRequest(
        conversation_id=f"api-{uuid.uuid4()}", message_id=str(uuid.uuid4()), text=question, history=history
    )


def _usage(meta: dict[str, Any]) -> dict[str, int]:
    tokens = meta.get("tokens") or {}
    prompt, completion = int(tokens.get("prompt", 0)), int(tokens.get("completion", 0))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _chunk(completion_id: str, created: int, delta: dict[str, Any], **extra: Any) -> str:
    body = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": extra.pop("finish_reason", None)}],
        **extra,
    }
    return f"data: {json.dumps(body)}\n\n"


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    body: ChatCompletionRequest, state: StateDep, _caller: ApiCaller
) -> dict[str, Any] | StreamingResponse:
    turn = _turn(body)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    events = state.graph.options(stream=True).run_turn.remote(turn.model_dump())
    if body.stream:
        return StreamingResponse(_stream(events, completion_id, created), media_type="text/event-stream")
    final: dict[str, Any] = {}
    async for event in events:
        if event["type"] == "final":
            final = event
    meta = final.get("meta", {})
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": final.get("content", "")},
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(meta),
        "citations": meta.get("citations", []),
        "csagent": {"model": meta.get("model"), "route": meta.get("route"), "language": meta.get("language")},
    }


async def _stream(
    events: AsyncIterator[dict[str, Any]], completion_id: str, created: int
) -> AsyncIterator[str]:
    yield _chunk(completion_id, created, {"role": "assistant", "content": ""})
    async for event in events:
        if event["type"] == "delta":
            yield _chunk(completion_id, created, {"content": event["text"]})
        elif event["type"] == "reset":
            yield _chunk(completion_id, created, {}, csagent={"reset": event["reason"]})
        elif event["type"] == "final":
            meta = event.get("meta", {})
            yield _chunk(
                completion_id, created, {}, finish_reason="stop", citations=meta.get("citations", [])
            )
            usage = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": MODEL_ID,
            }
            yield f"data: {json.dumps({**usage, 'choices': [], 'usage': _usage(meta)})}\n\n"
    yield "data: [DONE]\n\n"
