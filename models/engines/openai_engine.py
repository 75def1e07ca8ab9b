"""The `openai` engine: Chat Completions streaming through the official `openai` SDK.

`base_url` points it at any OpenAI-compatible server as well: vLLM's server, Ray Serve LLM (the `vllm` setup in
requirements-gpu.txt and scripts/gpu_vllm_check.sh), llama.cpp's server, Ollama. The API key is read from the
environment variable the registry entry names (`api_key_env`), never from YAML.

Usage comes from the final chunk (`stream_options={"include_usage": True}`); a server that does not send it gets
the chunk count as the completion figure. Every SDK failure (HTTP status, rate limit, an `error` event after
HTTP 200, a cut connection, a time-out) is reported in-band as one `EngineError`; `aclose()` on the stream closes
the HTTP response, which stops generation on the server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncGenerator
from typing import Any

from models.config import EngineSpec
from models.engines.base import Done, Engine, EngineError, GenerationRequest, StreamItem, TextChunk
from models.engines.prompt import build_messages, cited_articles

log = logging.getLogger(__name__)

#: Key sent to a keyless OpenAI-compatible server (the SDK refuses an empty one).
NO_KEY = "no-key"


def retry_after_s(headers: Any) -> float | None:
    """Seconds from a `Retry-After` header (the delta form), or None."""
    try:
        value = headers.get("retry-after") if headers is not None else None
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def is_transport_error(exc: BaseException) -> bool:
    """A network failure the SDK let through unwrapped (e.g. a connection cut in the middle of a stream body)."""
    return any(cls.__name__ == "TransportError" for cls in type(exc).__mro__)


def _error_from(exc: Exception) -> EngineError:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return EngineError(code="timeout", message=f"request timed out: {exc}")
    if isinstance(exc, openai.APIConnectionError):
        return EngineError(code="connection_error", message=f"connection failed: {exc}")
    if isinstance(exc, openai.RateLimitError):
        return EngineError(
            code="rate_limited", message=str(exc), retry_after_s=retry_after_s(exc.response.headers)
        )
    if isinstance(exc, openai.APIStatusError):
        return EngineError(code=f"http_{exc.status_code}", message=str(exc))
    if isinstance(exc, openai.APIError):  # an `error` payload inside a 200 stream, or a broken body
        return EngineError(code="api_error", message=str(exc))
    if is_transport_error(exc):
        return EngineError(code="connection_error", message=f"connection failed: {type(exc).__name__}: {exc}")
    return EngineError(code="engine_crashed", message=f"{type(exc).__name__}: {exc}")


class OpenAIEngine(Engine):
    """One model on an OpenAI-compatible Chat Completions endpoint."""

    needs_guard = True

    def __init__(self, name: str, spec: EngineSpec) -> None:
        super().__init__(name, spec.version)
        assert spec.model is not None  # enforced by EngineSpec
        self.spec = spec
        self.model = spec.model
        self._client: Any = None

    def api_key(self) -> str | None:
        if self.spec.api_key_env is None:
            return NO_KEY
        return os.environ.get(self.spec.api_key_env) or None

    def _make_client(self) -> Any:
        from openai import AsyncOpenAI

        return AsyncOpenAI(
            api_key=self.api_key(),
            base_url=self.spec.base_url,
            max_retries=self.spec.max_retries,
            timeout=self.spec.timeout_s,
        )

    async def start(self) -> None:
        if self.api_key() is None:
            log.warning("engine %s: $%s is not set; it will fall back", self.name, self.spec.api_key_env)
            return
        self._client = self._make_client()

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[StreamItem, None]:
        if self._client is None:
            if self.api_key() is None:
                yield EngineError(
                    code="missing_api_key",
                    message=f"engine {self.name}: environment variable {self.spec.api_key_env} is not set",
                )
                return
            self._client = self._make_client()
        text: list[str] = []
        chunks = 0
        usage: Any = None
        finished = False
        stream: Any = None
        try:
            stream = await self._client.chat.completions.create(
                model=self.model,
                messages=build_messages(request),
                stream=True,
                stream_options={"include_usage": True},
                temperature=self.spec.temperature,
                max_tokens=self.spec.max_new_tokens,
            )
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    if choice.finish_reason is not None:
                        finished = True
                    content = choice.delta.content if choice.delta is not None else None
                    if content:
                        chunks += 1
                        text.append(content)
                        yield TextChunk(text=content, tokens=1)
        except Exception as exc:  # reported in-band: the chain decides what happens next
            yield _error_from(exc)
            return
        finally:
            if stream is not None:
                await stream.close()
        if not finished:
            yield EngineError(
                code="stream_truncated", message=f"{self.name}: the stream ended without finishing"
            )
            return
        answer = "".join(text)
        yield Done(
            prompt_tokens=int(usage.prompt_tokens) if usage is not None else 0,
            completion_tokens=int(usage.completion_tokens) if usage is not None else chunks,
            cited_articles=cited_articles(answer, request),
        )
