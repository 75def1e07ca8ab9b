import asyncio
from collections.abc import AsyncGenerator

import pytest

from models.config import EngineSpec
from models.engines.base import Done, Engine, EngineError, GenerationRequest, StreamItem, TextChunk
from models.engines.chain import CircuitBreaker, EngineChain, EngineStarted, GuardChecked, Reset
from models.retrieval import Passage
from tests.fakes.passages import passage


class Scripted(Engine):
    """Plays its items; not guarded unless a test says so (these tests are about failing over)."""

    def __init__(
        self,
        name: str,
        items: list[StreamItem],
        delay: float = 0.0,
        raises: bool = False,
        needs_guard: bool = False,
    ) -> None:
        super().__init__(name, "test")
        self.needs_guard = needs_guard
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


async def test_error_after_text_resets_and_the_next_engine_answers_afresh() -> None:
    partial = Scripted("p", [TextChunk(text="half"), EngineError(code="x", message="died")])
    other = Scripted("n", [TextChunk(text="whole answer"), Done()])
    items = await _run(EngineChain([(partial, _spec()), (other, _spec())]))
    assert [type(i) for i in items] == [EngineStarted, TextChunk, Reset, EngineStarted, TextChunk, Done]
    reset = items[2]
    assert isinstance(reset, Reset) and reset.failed_engine == "p" and reset.reason == "x: died"
    started = items[3]
    assert isinstance(started, EngineStarted) and started.name == "n" and started.fallback_from == ["p"]
    assert partial.closed


async def test_last_engine_failing_after_text_resets_then_reports_the_error() -> None:
    partial = Scripted("p", [TextChunk(text="half"), EngineError(code="x", message="died")])
    items = await _run(EngineChain([(partial, _spec())]))
    assert [type(i) for i in items] == [EngineStarted, TextChunk, Reset, EngineError]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _breaker_chain(bad: Engine, clock: FakeClock) -> EngineChain:
    good = Scripted("good", [TextChunk(text="ok"), Done()])
    return EngineChain([(bad, _spec()), (good, _spec())], breaker_failures=2, breaker_reset_s=30, clock=clock)


def _started(items: list[object]) -> list[str]:
    return [i.name for i in items if isinstance(i, EngineStarted)]


async def test_breaker_opens_after_n_failures_skips_then_probes_once() -> None:
    clock = FakeClock()
    bad = Scripted("bad", [EngineError(code="down", message="down")])
    chain = _breaker_chain(bad, clock)
    for _ in range(2):
        assert _started(await _run(chain)) == ["bad", "good"]
    assert chain.breakers["bad"].state == "open"
    skipped = await _run(chain)
    assert _started(skipped) == ["good"], "an open breaker skips the engine"
    started = skipped[0]
    assert isinstance(started, EngineStarted) and started.fallback_from == ["bad"]
    clock.now += 29.9
    assert _started(await _run(chain)) == ["good"]
    clock.now += 0.1
    assert chain.breakers["bad"].state == "half_open"  # type: ignore[comparison-overlap]  # the clock moved
    assert _started(await _run(chain)) == ["bad", "good"], "one probe after reset_s"
    assert chain.breakers["bad"].state == "open", "a failed probe opens it again at once"
    assert _started(await _run(chain)) == ["good"]


async def test_a_successful_probe_closes_the_breaker() -> None:
    clock = FakeClock()
    flaky = Scripted("bad", [EngineError(code="down", message="down")])
    chain = _breaker_chain(flaky, clock)
    for _ in range(2):
        await _run(chain)
    clock.now += 30
    flaky.items = [TextChunk(text="back"), Done()]
    assert _started(await _run(chain)) == ["bad"]
    assert chain.breakers["bad"].state == "closed"
    assert chain.breakers["bad"].consecutive == 0


async def test_only_one_probe_at_a_time_in_half_open() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failures=1, reset_s=5, clock=clock)
    breaker.failure()
    assert not breaker.allow()
    clock.now += 5
    assert breaker.allow() and not breaker.allow(), "a second request waits while the probe runs"
    breaker.release()  # the probe was cancelled by its client: neither verdict
    assert breaker.allow()


async def test_successes_reset_the_consecutive_count() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failures=2, reset_s=5, clock=clock)
    breaker.failure()
    breaker.success()
    breaker.failure()
    assert breaker.state == "closed"


async def test_the_last_engine_is_tried_even_with_an_open_breaker() -> None:
    clock = FakeClock()
    only = Scripted("only", [EngineError(code="down", message="down")])
    chain = EngineChain([(only, _spec())], breaker_failures=1, breaker_reset_s=60, clock=clock)
    await _run(chain)
    assert chain.breakers["only"].state == "open"
    assert _started(await _run(chain)) == ["only"]


async def test_a_cancelled_turn_counts_neither_way() -> None:
    slow = Scripted("slow", [TextChunk(text="a"), TextChunk(text="b"), Done()])
    chain = EngineChain([(slow, _spec())], breaker_failures=1)
    stream = chain.stream(GenerationRequest(question="q"))
    async for item in stream:
        if isinstance(item, TextChunk):
            break
    await stream.aclose()
    assert slow.closed
    assert chain.breakers["slow"].state == "closed" and chain.breakers["slow"].consecutive == 0


def test_breaker_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="failures >= 1"):
        CircuitBreaker(failures=0, reset_s=1, clock=FakeClock())


async def test_start_at_skips_earlier_engines() -> None:
    a = Scripted("a", [TextChunk(text="a"), Done()])
    b = Scripted("b", [TextChunk(text="b"), Done()])
    chain = EngineChain([(a, _spec()), (b, _spec())])
    items = [i async for i in chain.stream(GenerationRequest(question="q"), start_at="b")]
    assert [i.text for i in items if isinstance(i, TextChunk)] == ["b"]


def _passages() -> list[Passage]:
    return [
        passage(
            "dev-batch",
            "Batch Apex limits",
            ["Batch Apex runs up to 5 batch jobs at once.", "The flex queue holds up to 100 more."],
        )
    ]


async def test_a_guarded_draft_the_passages_support_is_kept() -> None:
    model = Scripted("llm", [TextChunk(text="Up to 5 batch jobs run at once [1]."), Done()], needs_guard=True)
    request = GenerationRequest(question="how many batch jobs?", passages=_passages())
    items = [item async for item in EngineChain([(model, _spec())]).stream(request)]
    assert [type(i) for i in items] == [EngineStarted, TextChunk, GuardChecked, Done]
    guard = items[2]
    assert isinstance(guard, GuardChecked) and guard.report["passed"]


async def test_a_guarded_draft_with_an_invented_number_is_taken_back_and_the_next_engine_answers() -> None:
    model = Scripted("llm", [TextChunk(text="Up to 50 batch jobs run at once."), Done()], needs_guard=True)
    backup = Scripted("grounded", [TextChunk(text="Batch Apex runs up to 5 batch jobs at once."), Done()])
    request = GenerationRequest(question="how many batch jobs?", passages=_passages())
    chain = EngineChain([(model, _spec()), (backup, _spec())])
    items = [item async for item in chain.stream(request)]
    kinds = [type(i) for i in items]
    assert kinds == [EngineStarted, TextChunk, GuardChecked, Reset, EngineStarted, TextChunk, Done]
    reset = items[3]
    assert (
        isinstance(reset, Reset) and reset.failed_engine == "llm" and reset.reason.startswith("guard_failed")
    )
    assert chain.breakers["llm"].state == "closed", "a draft the guard refuses is not an outage"


async def test_a_guarded_draft_in_another_language_is_checked_for_its_numbers_only() -> None:
    kept = Scripted(
        "llm", [TextChunk(text="Hasta 5 trabajos por lotes a la vez [1]."), Done()], needs_guard=True
    )
    request = GenerationRequest(question="¿cuántos?", language="es", passages=_passages())
    items = [item async for item in EngineChain([(kept, _spec())]).stream(request)]
    assert isinstance(items[-1], Done)
    wrong = Scripted("llm", [TextChunk(text="Hasta 7 trabajos a la vez."), Done()], needs_guard=True)
    items = [item async for item in EngineChain([(wrong, _spec())]).stream(request)]
    assert isinstance(items[-1], EngineError) and items[-1].code == "guard_failed"
