"""The model registry: engine specs from config/models.yaml turned into engine instances."""

from __future__ import annotations

from pathlib import Path

import yaml

from models.config import PROJECT_ROOT, EngineSpec, LLMConfig, resolve_path
from models.engines.base import Engine
from models.engines.grounded import GroundedEngine
from models.engines.local_llm import LocalLLMEngine

REGISTRY_FILE = PROJECT_ROOT / "config" / "models.yaml"


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, EngineSpec]:
    """Engine specs by name; an invalid entry fails with the file, the name and pydantic's reason."""
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
    """Instantiate the adapter a spec names."""
    if spec.kind == "grounded":
        return GroundedEngine(name, spec.version, max_sentences=spec.max_sentences)
    if spec.kind == "local":
        assert spec.path is not None  # enforced by EngineSpec
        return LocalLLMEngine(name, spec.version, resolve_path(spec.path), spec.package, spec.max_new_tokens)
    raise ValueError(f"engine {name!r}: unknown kind {spec.kind!r}")


def create_chain_engines(config: LLMConfig) -> list[tuple[Engine, EngineSpec]]:
    return [(create_engine(name, config.engines[name]), config.engines[name]) for name in config.chain]
