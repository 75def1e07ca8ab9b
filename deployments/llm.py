"""LLM deployment: the engine chain from the model registry, streamed, with metrics per engine and version.

Stream items (dicts): `engine` (an engine takes over), `text`…, `reset` (the text so far is void: the engine
broke after its first token and the next one answers afresh), then `done` or `error`.

Versions: a turn may name the version of each chain link (`models`, routed by the ingress: the live version or a
canary). Engines are made per (name, version) the first time one is asked for and kept, with one breaker each;
a chain per set of versions shares them. A version this replica's registry does not hold (a rolling upgrade not
yet here) is answered by the configured version instead; a version whose spec differs from the fingerprint
recorded when it was first used is refused (immutable once used: the change needs a new version).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import AsyncGenerator, Callable
from typing import Any

from deployments.base import DeploymentNotReady, bounded_async
from deployments.telemetry import _BOUNDARIES, DeploymentMetrics, _in_replica
from models.config import EngineSpec, LLMConfig, UnknownModel
from models.engines.base import Engine, EngineError, GenerationRequest, StreamItem
from models.engines.chain import CircuitBreaker, EngineChain
from models.engines.registry import create_engine

logger = logging.getLogger("csagent.llm")
# One chain link: engine name, version, and the refusal that replaces it (None when it may run).
Link = tuple[str, str, str | None]
Routing = dict[str, dict[str, str | None]]

BREAKER_STATES = {"closed": 0.0, "half_open": 1.0, "open": 2.0}
_TOKENS_PER_S_BOUNDARIES = [1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0]
_TAGS = ("engine", "version")

_COUNTERS = {
    "tokens_in": "Prompt tokens sent to an engine.",
    "tokens_out": "Completion tokens an engine wrote.",
    "errors": "Engine failures (in-band errors, time-outs, crashes), by engine, version and code.",
    "fallbacks": "Times an engine did not answer and the next one took over (failed or breaker open).",
    "resets": "Times an engine broke after its first token (the client got `assistant.reset`).",
    "cost_usd": "Cost of the answers from the registry's prices, in US dollars.",
}


class LLMMetrics:
    """Per engine+version metrics through `ray.serve.metrics` (inside a replica, as `DeploymentMetrics` does),
    and the same figures in `totals`/`observations` in every process, so tests and benchmarks can read them."""

    def __init__(self) -> None:
        self.totals: dict[tuple[str, str, str], float] = defaultdict(float)
        self.observations: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        self.breaker: dict[tuple[str, str], str] = {}
        self._ray: dict[str, Any] = {}
        if not _in_replica():
            return
        from ray.serve import metrics

        for name, description in _COUNTERS.items():
            tags = (*_TAGS, "code") if name == "errors" else _TAGS
            self._ray[name] = metrics.Counter(
                f"csagent_llm_engine_{name}_total",
                description=description,
                tag_keys=tags,  # type: ignore[arg-type]  # Ray's stub says a 1-tuple
            )
        self._ray["first_token_seconds"] = metrics.Histogram(
            "csagent_llm_engine_first_token_seconds",
            description="Time from an engine taking over to its first token.",
            boundaries=_BOUNDARIES,
            tag_keys=_TAGS,  # type: ignore[arg-type]
        )
        self._ray["tokens_per_second"] = metrics.Histogram(
            "csagent_llm_engine_tokens_per_second",
            description="Decode speed of one answer (completion tokens after the first, per second).",
            boundaries=_TOKENS_PER_S_BOUNDARIES,
            tag_keys=_TAGS,  # type: ignore[arg-type]
        )
        self._ray["breaker_state"] = metrics.Gauge(
            "csagent_llm_engine_breaker_state",
            description="Circuit breaker of an engine: 0 closed, 1 half-open (probing), 2 open (skipped).",
            tag_keys=_TAGS,  # type: ignore[arg-type]
        )

    def count(
        self, name: str, engine: str, version: str, value: float = 1.0, code: str | None = None
    ) -> None:
        if value <= 0:
            return
        self.totals[(name, engine, version)] += value
        metric = self._ray.get(name)
        if metric is not None:
            tags = {"engine": engine, "version": version} | ({"code": code} if name == "errors" else {})
            metric.inc(value, tags=tags)

    def observe(self, name: str, engine: str, version: str, value: float) -> None:
        self.observations[(name, engine, version)].append(value)
        metric = self._ray.get(name)
        if metric is not None:
            metric.observe(value, tags={"engine": engine, "version": version})

    def set_breaker(self, engine: str, version: str, state: str) -> None:
        self.breaker[(engine, version)] = state
        metric = self._ray.get("breaker_state")
        if metric is not None:
            metric.set(BREAKER_STATES[state], tags={"engine": engine, "version": version})


class _Attempt:
    """Timing of one engine's attempt at a turn."""

    def __init__(self, engine: str, version: str, spec: EngineSpec, now: float) -> None:
        self.engine = engine
        self.version = version
        self.spec = spec
        self.started = now
        self.first_token: float | None = None


class RefusedVersion(Engine):
    """Stands in for a version this replica must not run: every request gets one in-band error, so the chain
    falls back to its next link and the refusal is counted and logged like any engine failure."""

    needs_guard = False

    def __init__(self, name: str, version: str, code: str, message: str) -> None:
        super().__init__(name, version)
        self.code = code
        self.message = message

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[StreamItem, None]:  # noqa: ARG002
        yield EngineError(code=self.code, message=self.message)


class LLMDeployment:
    def __init__(self, config: dict[str, Any], clock: Callable[[], float] = time.monotonic) -> None:
        self.config = LLMConfig.model_validate(config)
        self._clock = clock
        self._chain: EngineChain | None = None
        self._engines: dict[tuple[str, str], tuple[Engine, EngineSpec]] = {}
        self._breakers: dict[tuple[str, str], CircuitBreaker] = {}
        self._chains: dict[tuple[Link, ...], EngineChain] = {}
        self._building = asyncio.Lock()
        self._unknown: set[tuple[str, str]] = set()
        self._metrics = DeploymentMetrics()
        self.metrics = LLMMetrics()

    @property
    def chain(self) -> EngineChain:
        """The chain of the configured versions (what a turn with no routed versions runs)."""
        if self._chain is None:
            raise DeploymentNotReady("llm is starting")
        return self._chain

    async def start(self) -> None:
        self._chain = await self._chain_for(self._links({}))
        self._publish_breakers()

    def _links(self, models: Routing) -> tuple[Link, ...]:
        """Each chain link's version for this turn: the routed one when this registry holds it (and its spec is
        the one recorded), else the configured one."""
        links: list[Link] = []
        for name in self.config.chain:
            configured = self.config.engines[name].version
            routed = models.get(name) or {}
            version = routed.get("version") or configured
            try:
                spec = self.config.spec(name, version)
            except UnknownModel:
                if (name, version) not in self._unknown:  # once per version, not once per turn
                    self._unknown.add((name, version))
                    logger.warning(
                        "routed to a version this replica does not hold; the configured one answers",
                        extra={"engine": name, "version": version, "configured": configured},
                    )
                self.metrics.count("errors", name, version, code="unknown_version")
                links.append((name, configured, None))
                continue
            recorded = routed.get("fingerprint")
            refusal = None
            if recorded and recorded != spec.fingerprint():
                refusal = (
                    f"{name}@{version} differs from the spec recorded when it was first used; a version is "
                    "immutable once used: restore it in config/models.yaml or give the change a new version"
                )
            links.append((name, version, refusal))
        return tuple(links)

    async def _chain_for(self, links: tuple[Link, ...]) -> EngineChain:
        """The chain of these versions, made (and its new engines started) the first time it is asked for."""
        chain = self._chains.get(links)
        if chain is not None:
            return chain
        async with self._building:
            chain = self._chains.get(links)
            if chain is not None:
                return chain
            engines = [await self._engine(name, version, refusal) for name, version, refusal in links]
            breakers = {name: self._breaker(name, version) for name, version, _ in links}
            chain = EngineChain(
                engines,
                breaker_failures=self.config.breaker_failures,
                breaker_reset_s=self.config.breaker_reset_s,
                clock=self._clock,
                breakers=breakers,
            )
            chain.on_failure = self._on_failure
            self._chains[links] = chain
            return chain

    async def _engine(self, name: str, version: str, refusal: str | None) -> tuple[Engine, EngineSpec]:
        spec = self.config.spec(name, version)
        if refusal is not None:
            logger.error(
                "engine version refused", extra={"engine": name, "version": version, "reason": refusal}
            )
            return RefusedVersion(name, version, "version_changed", refusal), spec
        made = self._engines.get((name, version))
        if made is None:
            engine = create_engine(name, spec)
            await bounded_async(f"engine {name}@{version}", engine.start())
            made = self._engines[(name, version)] = (engine, spec)
        return made

    def _breaker(self, name: str, version: str) -> CircuitBreaker:
        """One breaker per engine version, whichever chains it serves in."""
        key = (name, version)
        if key not in self._breakers:
            self._breakers[key] = CircuitBreaker(
                self.config.breaker_failures, self.config.breaker_reset_s, self._clock
            )
        return self._breakers[key]

    def _on_failure(self, engine: Engine, error: EngineError, *, skipped: bool, last: bool) -> None:
        if not skipped:
            self.metrics.count("errors", engine.name, engine.version, code=error.code)
        if not last:
            self.metrics.count("fallbacks", engine.name, engine.version)

    def _publish_breakers(self) -> None:
        for (name, version), breaker in self._breakers.items():
            self.metrics.set_breaker(name, version, breaker.state)

    async def generate(
        self, request: dict[str, Any], start_at: str | None = None, models: Routing | None = None
    ) -> AsyncGenerator[dict[str, Any], None]:
        """Stream the chain's items as dicts: `engine`, `text`…, `reset`, then `done` or `error`. `models`:
        {engine name: {"version", "fingerprint"}} routed by the ingress; links it does not name run their
        configured version."""
        chain = self.chain if not models else await self._chain_for(self._links(models))
        parsed = GenerationRequest.model_validate(request)
        specs = {engine.name: (engine.version, spec) for engine, spec in chain.engines}
        attempt: _Attempt | None = None
        with self._metrics.timed("generate"):
            try:
                async for item in chain.stream(parsed, start_at=start_at):
                    now = self._clock()
                    if item.type == "engine":
                        version, spec = specs[item.name]
                        attempt = _Attempt(item.name, version, spec, now)
                    elif item.type == "text" and attempt is not None and attempt.first_token is None:
                        attempt.first_token = now
                        self.metrics.observe(
                            "first_token_seconds", attempt.engine, attempt.version, now - attempt.started
                        )
                    elif item.type == "reset" and attempt is not None:
                        self.metrics.count("resets", attempt.engine, attempt.version)
                    elif item.type == "done" and attempt is not None:
                        self._record_done(attempt, item.prompt_tokens, item.completion_tokens, now)
                    elif item.type == "guard" and not item.report["passed"] and attempt is not None:
                        usage = item.usage  # the refused draft's tokens (its Done never reaches the caller)
                        self._record_done(attempt, usage.prompt_tokens, usage.completion_tokens, now)
                    yield item.model_dump()
            finally:
                self._publish_breakers()

    def _record_done(self, attempt: _Attempt, prompt_tokens: int, completion_tokens: int, now: float) -> None:
        self.metrics.count("tokens_in", attempt.engine, attempt.version, prompt_tokens)
        self.metrics.count("tokens_out", attempt.engine, attempt.version, completion_tokens)
        self.metrics.count(
            "cost_usd", attempt.engine, attempt.version, attempt.spec.cost(prompt_tokens, completion_tokens)
        )
        if attempt.first_token is not None and completion_tokens > 1 and now > attempt.first_token:
            rate = (completion_tokens - 1) / (now - attempt.first_token)
            self.metrics.observe("tokens_per_second", attempt.engine, attempt.version, rate)

    async def check_health(self) -> None:
        self.chain  # noqa: B018 - raises DeploymentNotReady while starting
        for engine, _spec in list(self._engines.values()):
            await engine.check_health()
