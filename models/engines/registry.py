"""The model registry: engine specs from config/models.yaml turned into engine instances.

Each entry is one engine name with its configured version and, under `versions:`, any further versions
(`EngineSpec.at(version)` resolves one; `LLMConfig.spec(name, version)` looks it up). Kinds: `grounded` (models/engines/grounded.py), `local` (llama.cpp, local_llm.py), `openai` (openai_engine.py: the
OpenAI API and every OpenAI-compatible server, including vLLM through Ray Serve LLM), `anthropic`
(anthropic_engine.py).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from models.config import PROJECT_ROOT, EngineSpec, LLMConfig, resolve_path
from models.engines.base import Engine
from models.engines.chain import Clock, EngineChain

REGISTRY_FILE = PROJECT_ROOT / "config" / "models.yaml"


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, EngineSpec]:
    """Engine specs by name, each with its `versions:`; an invalid entry or version fails with the file, the name
    and pydantic's reason."""
    raw = yaml.safe_load(path.read_text()) or {}
    engines = raw.get("engines")
    if not isinstance(engines, dict) or not engines:
        raise ValueError(f"{path}: expected a non-empty `engines:` mapping")
    specs: dict[str, EngineSpec] = {}
    for name, body in engines.items():
        try:
            specs[str(name)] = EngineSpec.model_validate(body)
        except ValueError as exc:
            raise ValueError(f"{path}: engine {name!r}: {exc}") from exc
    return specs


def create_engine(name: str, spec: EngineSpec) -> Engine:
    """Instantiate the adapter a spec names (imports stay lazy: no SDK is loaded for an unused kind). A registry
    entry runs its configured version; pass `entry.at(version)` for another."""
    spec = spec.at()
    if spec.kind == "grounded":
        from models.engines.grounded import GroundedEngine

        return GroundedEngine(name, spec.version, max_sentences=spec.max_sentences)
    if spec.kind == "local":
        from models.engines.local_llm import LocalLLMEngine

        assert spec.path is not None  # enforced by EngineSpec
        return LocalLLMEngine(name, spec, resolve_path(spec.path))
    if spec.kind == "openai":
        from models.engines.openai_engine import OpenAIEngine

        return OpenAIEngine(name, spec)
    if spec.kind == "anthropic":
        from models.engines.anthropic_engine import AnthropicEngine

        return AnthropicEngine(name, spec)
    raise ValueError(f"engine {name!r}: unknown kind {spec.kind!r}")


def create_chain_engines(config: LLMConfig) -> list[tuple[Engine, EngineSpec]]:
    return [(create_engine(name, config.engines[name]), config.engines[name]) for name in config.chain]


def create_chain(config: LLMConfig, clock: Clock | None = None) -> EngineChain:
    """The chain of `config.chain`, with the breaker settings of `config`."""
    engines = create_chain_engines(config)
    if clock is None:
        return EngineChain(
            engines, breaker_failures=config.breaker_failures, breaker_reset_s=config.breaker_reset_s
        )
    return EngineChain(
        engines, breaker_failures=config.breaker_failures, breaker_reset_s=config.breaker_reset_s, clock=clock
    )
