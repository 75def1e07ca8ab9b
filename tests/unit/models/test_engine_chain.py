import asyncio
from collections.abc import AsyncGenerator

from models.config import EngineSpec
from models.engines.base import Done, Engine, EngineError, GenerationRequest, StreamItem, TextChunk
from models.engines.chain import EngineChain, EngineStarted


class Scripted(Engine):
    def __init__(self, name: str, items: list[StreamItem], delay: float = 0.0, raises: bool = False) -> None:
        super().__init__(name, "test")
        self.items = items
        self.delay = delay
        self.raises = raises
        self.closed = False

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[StreamItem, None]:
        try:
            for item in self.items:
                await asyncio.sleep(self.delay)
                if self.raises:
                    raise RuntimeError("adapter bug")
                yield item
        finally:
            self.closed = True


def _spec(first: float = 1.0, total: float = 5.0) -> EngineSpec:
    return EngineSpec(kind="grounded", version="t", first_token_timeout_s=first, timeout_s=total)


async def _run(chain: EngineChain) -> list[object]:
    return [item async for item in chain.stream(GenerationRequest(question="q"))]


async def test_first_engine_answers() -> None:
    ok = Scripted("a", [TextChunk(text="hi"), Done()])
    items = await _run(EngineChain([(ok, _spec())]))
    assert [type(i) for i in items] == [EngineStarted, TextChunk, Done]


async def test_falls_back_on_in_band_error_before_text() -> None:
    bad = Scripted("a", [EngineError(code="x", message="down")])
    good = Scripted("b", [TextChunk(text="hi"), Done()])
    items = await _run(EngineChain([(bad, _spec()), (good, _spec())]))
    started = [i for i in items if isinstance(i, EngineStarted)]
    assert [s.name for s in started] == ["a", "b"]
    assert started[1].fallback_from == ["a"]
    assert isinstance(items[-1], Done)


async def test_falls_back_on_first_token_timeout_and_closes_the_slow_engine() -> None:
    slow = Scripted("slow", [TextChunk(text="late"), Done()], delay=1.0)
    good = Scripted("b", [TextChunk(text="hi"), Done()])
    items = await _run(EngineChain([(slow, _spec(first=0.05)), (good, _spec())]))
    assert [i.text for i in items if isinstance(i, TextChunk)] == ["hi"]
    assert slow.closed


async def test_falls_back_when_an_adapter_raises() -> None:
    broken = Scripted("broken", [TextChunk(text="x")], raises=True)
    good = Scripted("b", [TextChunk(text="hi"), Done()])
    items = await _run(EngineChain([(broken, _spec()), (good, _spec())]))
    assert isinstance(items[-1], Done)


async def test_error_after_text_ends_the_answer_without_fallback() -> None:
    partial = Scripted("p", [TextChunk(text="half"), EngineError(code="x", message="died")])
    never = Scripted("n", [TextChunk(text="other"), Done()])
    items = await _run(EngineChain([(partial, _spec()), (never, _spec())]))
    assert isinstance(items[-1], EngineError)
    assert all(not (isinstance(i, EngineStarted) and i.name == "n") for i in items)


async def test_start_at_skips_earlier_engines() -> None:
    a = Scripted("a", [TextChunk(text="a"), Done()])
    b = Scripted("b", [TextChunk(text="b"), Done()])
    chain = EngineChain([(a, _spec()), (b, _spec())])
    items = [i async for i in chain.stream(GenerationRequest(question="q"), start_at="b")]
    assert [i.text for i in items if isinstance(i, TextChunk)] == ["b"]
