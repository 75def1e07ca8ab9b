"""The `anthropic` engine: Messages streaming through the official `anthropic` SDK.

The stream's events are read as they come: `message_start` (prompt tokens), `content_block_delta` with a
`text_delta` (the answer), `message_delta` (completion tokens, stop reason), `message_stop`; `ping` is ignored.
An `error` event after HTTP 200 (e.g. `overloaded_error`), an HTTP error, a cut connection or a time-out is
reported in-band as one `EngineError`. The key comes from the environment variable named by `api_key_env`.
The Messages API of SDK 2.x takes no `temperature`: the registry's value is not sent.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncGenerator
from typing import Any

from models.config import EngineSpec
from models.engines.base import Done, Engine, EngineError, GenerationRequest, StreamItem, TextChunk
from models.engines.openai_engine import is_transport_error, retry_after_s
from models.engines.prompt import cited_articles, system_prompt, user_prompt

log = logging.getLogger(__name__)


def _error_from(exc: Exception) -> EngineError:
    import anthropic

    if isinstance(exc, anthropic.APITimeoutError):
        return EngineError(code="timeout", message=f"request timed out: {exc}")
    if isinstance(exc, anthropic.APIConnectionError):
        return EngineError(code="connection_error", message=f"connection failed: {exc}")
    if isinstance(exc, anthropic.RateLimitError):
        return EngineError(
            code="rate_limited", message=str(exc), retry_after_s=retry_after_s(exc.response.headers)
        )
    if isinstance(exc, anthropic.APIStatusError):
        body = exc.body if isinstance(exc.body, dict) else {}
        kind = body.get("type") if body.get("type") != "error" else (body.get("error") or {}).get("type")
        if exc.status_code == 200:  # an `error` event inside the stream
            return EngineError(code=str(kind or "api_error"), message=str(exc))
        return EngineError(code=f"http_{exc.status_code}", message=str(exc))
    if isinstance(exc, anthropic.APIError):
        return EngineError(code="api_error", message=str(exc))
    if is_transport_error(exc):
        return EngineError(code="connection_error", message=f"connection failed: {type(exc).__name__}: {exc}")
    return EngineError(code="engine_crashed", message=f"{type(exc).__name__}: {exc}")


class AnthropicEngine(Engine):
    """One Claude model through the Messages API."""

    needs_guard = True

    def __init__(self, name: str, spec: EngineSpec) -> None:
        super().__init__(name, spec.version)
        assert spec.model is not None and spec.api_key_env is not None  # enforced by EngineSpec
        self.spec = spec
        self.model = spec.model
        self.api_key_env = spec.api_key_env
        self._client: Any = None

    def _make_client(self, key: str) -> Any:
        from anthropic import AsyncAnthropic

        return AsyncAnthropic(
            api_key=key,
            base_url=self.spec.base_url,
            max_retries=self.spec.max_retries,
            timeout=self.spec.timeout_s,
        )

    async def start(self) -> None:
        key = os.environ.get(self.api_key_env)
        if not key:
            log.warning("engine %s: $%s is not set; it will fall back", self.name, self.api_key_env)
            return
        self._client = self._make_client(key)

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[StreamItem, None]:
        if self._client is None:
            key = os.environ.get(self.api_key_env)
            if not key:
                yield EngineError(
                    code="missing_api_key",
                    message=f"engine {self.name}: environment variable {self.api_key_env} is not set",
                )
                return
            self._client = self._make_client(key)
        text: list[str] = []
        prompt_tokens = 0
        completion_tokens = 0
        stopped = False
        stream: Any = None
        try:
            stream = await self._client.messages.create(
                model=self.model,
                system=system_prompt(request),
                messages=[{"role": "user", "content": user_prompt(request)}],
                max_tokens=self.spec.max_new_tokens,
                stream=True,
            )
            async for event in stream:
                if event.type == "message_start":
                    prompt_tokens = int(event.message.usage.input_tokens or 0)
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    if event.delta.text:
                        text.append(event.delta.text)
                        completion_tokens += 1
                        yield TextChunk(text=event.delta.text, tokens=1)
                elif event.type == "message_delta":
                    if event.usage is not None and event.usage.output_tokens is not None:
                        completion_tokens = int(event.usage.output_tokens)
                elif event.type == "message_stop":
                    stopped = True
        except Exception as exc:  # reported in-band: the chain decides what happens next
            yield _error_from(exc)
            return
        finally:
            if stream is not None:
                await stream.close()
        if not stopped:
            yield EngineError(
                code="stream_truncated", message=f"{self.name}: the stream ended before message_stop"
            )
            return
        answer = "".join(text)
        yield Done(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cited_articles=cited_articles(answer, request),
        )
