"""A persistent cache of passage vectors, so `csagent ingest` never embeds an unchanged text twice.

Keyed by sha256(embedder identity, encoding role, text): a vector computed by another embedder, or as a query
rather than a passage, can never be returned. One folder per embedder identity holds `keys.json` and `vectors.npy`
(rows in key order), rewritten atomically after each ingest; a missing or damaged cache is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from models.nlp.embedder import Embedder, Vectors

KEYS_FILE = "keys.json"
VECTORS_FILE = "vectors.npy"


def cache_key(identity: str, role: str, text: str) -> str:
    return hashlib.sha256(f"{identity}\0{role}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """Passage vectors of one embedder; `encode_passages` embeds only the texts it has not seen."""

    def __init__(self, root: Path, embedder: Embedder) -> None:
        self._embedder = embedder
        self.folder = root / hashlib.sha256(embedder.identity.encode()).hexdigest()[:16]
        self._rows: dict[str, int] = {}
        self._vectors: Vectors = np.zeros((0, embedder.dimension), dtype=np.float32)
        self._new: dict[str, Vectors] = {}
        self.hits = 0
        self.misses = 0
        self._load()

    def _load(self) -> None:
        keys_path, vectors_path = self.folder / KEYS_FILE, self.folder / VECTORS_FILE
        if not keys_path.exists() or not vectors_path.exists():
            return
        try:
            meta = json.loads(keys_path.read_text())
            vectors = np.load(vectors_path).astype(np.float32)
        except (OSError, ValueError):
            return  # damaged: start empty, the next save replaces it
        keys = meta.get("keys", []) if isinstance(meta, dict) else []
        if meta.get("identity") != self._embedder.identity or vectors.shape != (
            len(keys),
            self._embedder.dimension,
        ):
            return
        self._rows = {str(key): i for i, key in enumerate(keys)}
        self._vectors = vectors

    def get(self, key: str) -> Vectors | None:
        if key in self._new:
            return self._new[key]
        row = self._rows.get(key)
        return None if row is None else self._vectors[row]

    def encode_passages(self, texts: list[str], batch: int = 32) -> Vectors:
        """Rows for `texts` in order: cached ones looked up, the rest embedded in batches of similar length."""
        identity = self._embedder.identity
        keys = [cache_key(identity, "passage", text) for text in texts]
        out = np.zeros((len(texts), self._embedder.dimension), dtype=np.float32)
        missing: dict[str, int] = {}
        for i, key in enumerate(keys):
            cached = self.get(key)
            if cached is not None:
                out[i] = cached
                self.hits += 1
            elif key not in missing:
                missing[key] = i
        self.misses += len(missing)
        # Similar lengths in one batch: far less padding than source order.
        order = sorted(missing, key=lambda key: len(texts[missing[key]]))
        for start in range(0, len(order), batch):
            part = order[start : start + batch]
            vectors = self._embedder.encode_passages([texts[missing[key]] for key in part])
            for key, vector in zip(part, vectors, strict=True):
                self._new[key] = vector
        for i, key in enumerate(keys):
            if key in self._new:
                out[i] = self._new[key]
        return out

    def save(self, keep: set[str] | None = None) -> None:
        """Write old and new vectors (only the `keep` keys when given, so the cache does not grow forever)."""
        entries = [(key, self._vectors[row]) for key, row in self._rows.items() if key not in self._new]
        entries += list(self._new.items())
        if keep is not None:
            entries = [(key, vector) for key, vector in entries if key in keep]
        self.folder.mkdir(parents=True, exist_ok=True)
        vectors = (
            np.stack([vector for _, vector in entries])
            if entries
            else np.zeros((0, self._embedder.dimension), dtype=np.float32)
        )
        tmp_vectors = self.folder / f".{VECTORS_FILE}.{os.getpid()}.npy"
        tmp_keys = self.folder / f".{KEYS_FILE}.{os.getpid()}"
        np.save(tmp_vectors, vectors.astype(np.float32))
        tmp_keys.write_text(
            json.dumps({"identity": self._embedder.identity, "keys": [k for k, _ in entries]})
        )
        # Vectors first, keys last: a reader that sees new keys also sees their rows (shape check guards the rest).
        os.replace(tmp_vectors, self.folder / VECTORS_FILE)
        os.replace(tmp_keys, self.folder / KEYS_FILE)
