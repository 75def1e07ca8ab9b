"""Intent classification: MiniLM sentence embeddings + a softmax classifier trained by pipelines/intents.

The artefact is plain numpy (weights, bias, labels) so serving needs neither scikit-learn nor pickle.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from models.nlp.embedder import Vectors

OUT_OF_SCOPE = "out_of_scope"
WEIGHTS_FILE = "classifier.npz"
META_FILE = "meta.json"


class IntentPrediction(BaseModel):
    name: str
    confidence: float
    # The best in-scope guess even when the message is out of scope (useful for logs and evaluation).
    top: str


class IntentClassifier:
    """Softmax over trained classes; below `threshold` or on the out-of-scope class the intent is out of scope."""

    def __init__(self, weights: Vectors, bias: Vectors, labels: list[str], threshold: float) -> None:
        if weights.shape[0] != len(labels) or bias.shape != (len(labels),):
            raise ValueError(
                f"weights {weights.shape} and bias {bias.shape} do not match {len(labels)} labels"
            )
        self._weights = weights
        self._bias = bias
        self.labels = labels
        self.threshold = threshold

    @classmethod
    def load(cls, folder: Path, threshold: float) -> IntentClassifier:
        weights_path = folder / WEIGHTS_FILE
        if not weights_path.exists():
            raise FileNotFoundError(
                f"no intent classifier at {weights_path}; run `csagent train-intents` (make does it for you)"
            )
        data = np.load(weights_path)
        meta = json.loads((folder / META_FILE).read_text())
        return cls(
            weights=data["weights"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
            labels=list(meta["labels"]),
            threshold=threshold,
        )

    def save(self, folder: Path, meta: dict[str, object]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / WEIGHTS_FILE, weights=self._weights, bias=self._bias)
        (folder / META_FILE).write_text(json.dumps({**meta, "labels": self.labels}, indent=2))

    def probabilities(self, vectors: Vectors) -> Vectors:
        logits = vectors @ self._weights.T + self._bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)

    def predict(self, vectors: Vectors) -> list[IntentPrediction]:
        predictions = []
        for row in self.probabilities(vectors):
            order = np.argsort(-row)
            best = self.labels[int(order[0])]
            confidence = float(row[order[0]])
            in_scope = [self.labels[int(i)] for i in order if self.labels[int(i)] != OUT_OF_SCOPE]
            top = in_scope[0] if in_scope else best
            name = best if best != OUT_OF_SCOPE and confidence >= self.threshold else OUT_OF_SCOPE
            predictions.append(IntentPrediction(name=name, confidence=round(confidence, 4), top=top))
        return predictions
