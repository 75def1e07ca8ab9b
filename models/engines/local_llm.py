"""The `local` engine: any GGUF model on CPU through llama.cpp (`llama-cpp-python`), streamed token by token.

* The model file is `path:`. When it is missing, it is written from installed packages: `package_files` (files
  inside packages, joined in order: how split models ship) or `package` (a module with `assemble(path)`). With
  `sha256` set, the file is hashed and a mismatch is refused with `ModelIntegrityError` (an assembled file that
  fails is deleted; a user's own file is left alone).
* The chat template is the GGUF's own (`tokenizer.chat_template`), rendered the way llama.cpp's server does; a
  GGUF without one (a base model) gets a plain instruction prompt.
* Generation runs in a worker thread, one token per step; a stop flag is checked after every token, so `aclose()`
  or a cancelled task stops generation within one token. `last_run` keeps the engine's own counters (tokens
  produced, and produced after the stop was asked) so tests and benchmarks can check it.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import importlib.util
import logging
import os
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.config import EngineSpec
from models.engines.base import Done, Engine, EngineError, GenerationRequest, StreamItem, TextChunk
from models.engines.prompt import ChatMessage, build_messages, cited_articles

log = logging.getLogger(__name__)

_PLAIN_PROMPT = "{system}\n\n{user}\n\nAnswer:"


class ModelIntegrityError(ValueError):
    """A model file whose sha256 differs from the one pinned in the registry."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def package_file(reference: str) -> Path:
    """`pkg/sub/file.bin` → that file inside the installed package `pkg`, found without importing it."""
    package, _, relative = reference.partition("/")
    if not package or not relative:
        raise ValueError(f"package file {reference!r} must read `package/relative/path`")
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"package {package!r} is not installed (needed for {reference!r}); see the Makefile"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from package {package!r}")
    return path


def materialise(path: Path, spec: EngineSpec) -> Path:
    """The model file at `path`, written from its packages when missing, checked against `sha256` when pinned."""
    assembled = False
    if not path.exists():
        if spec.package_files:
            sources = [package_file(reference) for reference in spec.package_files]
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            with partial.open("wb") as out:
                for source in sources:
                    with source.open("rb") as part:
                        while block := part.read(1 << 22):
                            out.write(block)
            partial.replace(path)
        elif spec.package is not None:
            module = importlib.import_module(spec.package)
            path = Path(module.assemble(path))
        else:
            raise FileNotFoundError(
                f"model file {path} is missing and the registry names no package that writes it"
            )
        assembled = True
    if spec.sha256 is not None:
        actual = sha256_of(path)
        if actual != spec.sha256:
            if assembled:
                path.unlink()
            raise ModelIntegrityError(
                f"model file {path} has sha256 {actual}, but the registry pins {spec.sha256}: refusing to load it "
                f"({'the packages installed are not the pinned versions' if assembled else 'replace or delete the file'})"
            )
    return path


@dataclass
class RunStats:
    """Counters of one generation, kept by the engine itself."""

    produced: int = 0
    after_stop: int = 0
    stopped: bool = False
    prompt_tokens: int = 0


class LocalLLMEngine(Engine):
    """A GGUF through llama.cpp; one generation at a time per replica (two cores would be shared otherwise)."""

    needs_guard = True

    def __init__(self, name: str, spec: EngineSpec, path: Path) -> None:
        super().__init__(name, spec.version)
        self.spec = spec
        self.path = path
        self._llm: Any = None
        self._formatter: Any = None
        self._busy = asyncio.Lock()
        self.last_run = RunStats()

    # -- loading -------------------------------------------------------------------------------------------------
    def _load(self) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        path = materialise(self.path, self.spec)
        self._llm = Llama(
            model_path=str(path),
            n_ctx=self.spec.n_ctx,
            n_threads=self.spec.n_threads or os.cpu_count() or 1,
            n_threads_batch=self.spec.n_threads or os.cpu_count() or 1,
            verbose=False,
        )
        metadata: dict[str, str] = self._llm.metadata
        template = metadata.get("tokenizer.chat_template")
        if template:
            eos_id = int(metadata.get("tokenizer.ggml.eos_token_id", self._llm.token_eos()))
            bos_id = int(metadata.get("tokenizer.ggml.bos_token_id", self._llm.token_bos()))
            self._formatter = Jinja2ChatFormatter(
                template=template,
                eos_token=self._token_text(eos_id),
                bos_token=self._token_text(bos_id),
                stop_token_ids=[eos_id],
            )

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return bytes(self._llm.detokenize([token], special=True)).decode("utf-8", errors="ignore")

    async def start(self) -> None:
        await asyncio.to_thread(self._load)

    async def check_health(self) -> None:
        if self._llm is None:
            raise RuntimeError(f"engine {self.name} is not loaded")

    def has_chat_template(self) -> bool:
        return self._formatter is not None

    def prompt_tokens(self, messages: list[ChatMessage]) -> tuple[list[int], list[str]]:
        """The prompt as token ids (through the GGUF's chat template) and its stop strings."""
        if self._formatter is not None:
            rendered = self._formatter(messages=messages)
            stops = (
                rendered.stop if isinstance(rendered.stop, list) else [rendered.stop] if rendered.stop else []
            )
            ids = self._llm.tokenize(
                rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
            )
            return list(ids), stops
        text = _PLAIN_PROMPT.format(system=messages[0]["content"], user=messages[1]["content"])
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=True)), []

    # -- generation ----------------------------------------------------------------------------------------------
    async def stream(self, request: GenerationRequest) -> AsyncGenerator[StreamItem, None]:
        if self._llm is None:
            yield EngineError(code="engine_not_ready", message=f"engine {self.name} has not been started")
            return
        async with self._busy:
            try:
                prompt, stops = self.prompt_tokens(build_messages(request))
            except Exception as exc:
                yield EngineError(code="prompt_failed", message=f"{self.name}: {exc}")
                return
            room = self.spec.n_ctx - len(prompt)
            if room < 8:
                yield EngineError(
                    code="context_exceeded",
                    message=f"{self.name}: the prompt takes {len(prompt)} of {self.spec.n_ctx} context tokens",
                )
                return
            loop = asyncio.get_running_loop()
            queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
            stop = threading.Event()
            finished = asyncio.Event()
            stats = RunStats(prompt_tokens=len(prompt))
            self.last_run = stats

            def put(kind: str, value: Any) -> None:
                loop.call_soon_threadsafe(queue.put_nowait, (kind, value))

            def generate() -> None:
                try:
                    chunks = self._llm.create_completion(
                        prompt,
                        max_tokens=min(self.spec.max_new_tokens, room),
                        temperature=self.spec.temperature,
                        stop=stops or None,
                        stream=True,
                    )
                    reason = "length"
                    for chunk in chunks:
                        choice = chunk["choices"][0]
                        if choice.get("finish_reason") is None or choice["text"]:
                            stats.produced += 1  # a token step (the closing chunk carries none)
                        if stop.is_set():
                            stats.after_stop += 1
                            break
                        if choice["text"]:
                            put("text", choice["text"])
                        if choice.get("finish_reason"):
                            reason = choice["finish_reason"]
                    chunks.close()
                    put("end", reason)
                except BaseException as exc:  # reported in-band, never raised into the caller
                    put("error", exc)
                finally:
                    loop.call_soon_threadsafe(finished.set)

            worker = threading.Thread(target=generate, name=f"generate-{self.name}", daemon=True)
            worker.start()
            text: list[str] = []
            try:
                while True:
                    kind, value = await queue.get()
                    if kind == "text":
                        text.append(value)
                        yield TextChunk(text=value, tokens=1)
                    elif kind == "error":
                        yield EngineError(code="generation_failed", message=f"{self.name}: {value}")
                        return
                    else:
                        break
            finally:
                # Normal end, error, aclose() or cancellation: stop the thread after its current token and wait
                # for it, so the lock is only released once llama.cpp's context is free.
                stop.set()
                stats.stopped = True
                await finished.wait()
            yield Done(
                prompt_tokens=stats.prompt_tokens,
                completion_tokens=stats.produced,
                cited_articles=cited_articles("".join(text), request),
            )
