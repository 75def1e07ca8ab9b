"""Validated configuration of the ML side: NLP, retrieval, the LLM chain and the model registry.

`serve.settings.Settings` composes these sections; the Serve builder hands each deployment its own section as a
plain dict and the deployment validates it again with the same model, so a deployment started by `serve deploy`
with a hand-written config gets the same checks and the same error messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NLPConfig(_Strict):
    """Intent, sentiment, emotion, language and entities."""

    intent_model_dir: Path = Field(
        default=Path("var/models/intent"),
        description="Folder holding the trained intent classifier (written by `csagent train-intents`).",
    )
    intent_threshold: float = Field(
        default=0.7,
        ge=0.0,
        le=1.0,
        description="Below this classifier confidence a message is out of scope.",
    )
    negative_sentiment_threshold: float = Field(
        default=-0.3,
        ge=-1.0,
        le=0.0,
        description="VADER compound score at or below which a message counts as negative.",
    )


class RetrievalConfig(_Strict):
    """The knowledge index and how many passages a turn retrieves."""

    index_dir: Path = Field(default=Path("var/index"), description="Root folder of the versioned indexes.")
    index_version: str = Field(
        default="latest",
        description="Index version to load: a version id written by `csagent ingest`, or `latest`.",
    )
    top_k: int = Field(default=4, ge=1, le=20, description="Passages returned per query.")
    min_score: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="Cosine similarity below which a passage is not used as evidence.",
    )


class EngineSpec(_Strict):
    """One entry of the model registry (config/models.yaml)."""

    kind: Literal["grounded", "local"] = Field(description="Adapter that runs it (models/engines/).")
    version: str = Field(description="Version string stored with every reply the engine writes.")
    timeout_s: float = Field(
        default=30.0, gt=0, description="Whole-answer time limit before the chain falls back."
    )
    first_token_timeout_s: float = Field(
        default=10.0, gt=0, description="Time allowed to the first token before the chain falls back."
    )
    path: Path | None = Field(default=None, description="Model file or folder (local engines).")
    package: str | None = Field(
        default=None,
        description="Python package that can write the model file when it is missing (local engines).",
    )
    max_new_tokens: int = Field(default=160, ge=1, le=4096, description="Generation cap (local engines).")
    max_sentences: int = Field(default=6, ge=1, le=20, description="Sentences in a grounded answer.")

    @model_validator(mode="after")
    def _local_needs_a_path(self) -> EngineSpec:
        if self.kind == "local" and self.path is None:
            raise ValueError("a `local` engine needs `path` (a GGUF file or a model folder)")
        return self


class LLMConfig(_Strict):
    """The routing/fallback chain over the registry's engines."""

    engines: dict[str, EngineSpec] = Field(
        default_factory=lambda: {"grounded": EngineSpec(kind="grounded", version="1.0")},
        description="Engines by name; normally loaded from config/models.yaml.",
    )
    chain: Annotated[list[str], Field(min_length=1)] = Field(
        default_factory=lambda: ["grounded"],
        description="Engine names tried in order; the next one answers when one fails or times out.",
    )

    @field_validator("chain")
    @classmethod
    def _no_repeats(cls, chain: list[str]) -> list[str]:
        if len(set(chain)) != len(chain):
            raise ValueError(f"llm.chain lists an engine twice: {chain}")
        return chain

    @model_validator(mode="after")
    def _chain_names_exist(self) -> LLMConfig:
        unknown = [name for name in self.chain if name not in self.engines]
        if unknown:
            raise ValueError(
                f"llm.chain names {unknown}, which config/models.yaml does not define; "
                f"known engines: {sorted(self.engines)}"
            )
        return self


class GraphConfig(_Strict):
    """Decisions the conversation graph takes after each turn."""

    low_confidence_turns: int = Field(
        default=2, ge=1, description="Consecutive low-confidence turns that suggest escalation."
    )
    negative_turns: int = Field(
        default=2, ge=1, description="Consecutive negative-sentiment turns that suggest escalation."
    )
    history_messages: int = Field(default=6, ge=0, le=50, description="Earlier messages given to the graph.")


def resolve_path(path: Path) -> Path:
    """Make a configured relative path relative to the project root, so replicas agree on it."""
    return path if path.is_absolute() else PROJECT_ROOT / path
