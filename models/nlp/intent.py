"""Intent classification: a softmax classifier over sentence embeddings (the configured embedder's query
vectors) plus lexical n-gram features, trained by pipelines/intents.

Embeddings are centred on the training mean and re-normalised first: e5 vectors share a large common direction
(any two texts score ~0.7), and what tells intents apart is the rest. The artefact is plain numpy and JSON
(weights, bias, centre, labels, the lexical vocabulary), so serving needs neither scikit-learn nor pickle.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from scipy.sparse import csr_matrix, hstack

from models.nlp.embedder import Vectors
from models.nlp.lexical import LexicalFeatures

OUT_OF_SCOPE = "out_of_scope"
WEIGHTS_FILE = "classifier.npz"
META_FILE = "meta.json"
LEXICAL_FILE = "lexical.json"
# Embeddings are scaled up next to the L2-normalised n-gram block so neither dominates the other (chosen by
# 5-fold cross-validation on the train split).
EMBEDDING_WEIGHT = 4.0


class IntentPrediction(BaseModel):
    name: str
    confidence: float
    # The best in-scope guess even when the message is out of scope (useful for logs and evaluation).
    top: str
    # Out of scope only because the best class, an in-scope intent, scored under the threshold (the classifier is
    # unsure), not because the out-of-scope class won. Off-topic messages almost never end up here (none of the 85
    # off-topic messages of the intent set's held-out split, nor the 20 of pipelines/eval/dev); in-scope ones in a
    # language with few examples do (6 of the split's 713, of which the out-of-scope class took only 3 more).
    below_threshold: bool = False


class IntentClassifier:
    """Softmax over trained classes; below `threshold` or on the out-of-scope class the intent is out of scope."""

    def __init__(
        self,
        weights: Vectors,
        bias: Vectors,
        labels: list[str],
        threshold: float,
        lexical: LexicalFeatures,
        center: Vectors | None = None,
        temperature: float = 1.0,
    ) -> None:
        if weights.shape[0] != len(labels) or bias.shape != (len(labels),):
            raise ValueError(
                f"weights {weights.shape} and bias {bias.shape} do not match {len(labels)} labels"
            )
        if temperature <= 0:
            raise ValueError(f"temperature must be positive, not {temperature}")
        self.center = center
        # Softmax temperature chosen by cross-validation at the configured threshold (pipelines/intents/train.py).
        self.temperature = temperature
        self._weights = weights
        self._bias = bias
        self.labels = labels
        self.threshold = threshold
        self.lexical = lexical

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
            lexical=LexicalFeatures.load(folder / LEXICAL_FILE),
            center=data["center"].astype(np.float32) if "center" in data.files else None,
            temperature=float(meta.get("temperature", 1.0)),
        )

    def save(self, folder: Path, meta: dict[str, object]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.center is None:
            np.savez(folder / WEIGHTS_FILE, weights=self._weights, bias=self._bias)
        else:
            np.savez(folder / WEIGHTS_FILE, weights=self._weights, bias=self._bias, center=self.center)
        self.lexical.save(folder / LEXICAL_FILE)
        (folder / META_FILE).write_text(
            json.dumps({**meta, "labels": self.labels, "temperature": self.temperature}, indent=2)
        )

    @staticmethod
    def features(
        vectors: Vectors, texts: list[str], lexical: LexicalFeatures, center: Vectors | None = None
    ) -> csr_matrix:
        """The classifier's input: centred, re-normalised, weighted embeddings beside the lexical block."""
        if center is not None:
            vectors = vectors - center
            vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        result: csr_matrix = hstack(
            [csr_matrix(vectors * EMBEDDING_WEIGHT), lexical.transform(texts)]
        ).tocsr()
        return result

    def logits(self, vectors: Vectors, texts: list[str]) -> Vectors:
        """Raw class scores (before temperature and softmax)."""
        features = self.features(vectors, texts, self.lexical, self.center)
        return np.asarray(features @ self._weights.T + self._bias, dtype=np.float32)

    def probabilities(self, vectors: Vectors, texts: list[str]) -> Vectors:
        logits = self.logits(vectors, texts) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)

    def predict(self, vectors: Vectors, texts: list[str]) -> list[IntentPrediction]:
        predictions = []
        for row in self.probabilities(vectors, texts):
            order = np.argsort(-row)
            best = self.labels[int(order[0])]
            confidence = float(row[order[0]])
            in_scope = [self.labels[int(i)] for i in order if self.labels[int(i)] != OUT_OF_SCOPE]
            top = in_scope[0] if in_scope else best
            below_threshold = best != OUT_OF_SCOPE and confidence < self.threshold
            name = best if best != OUT_OF_SCOPE and not below_threshold else OUT_OF_SCOPE
            predictions.append(
                IntentPrediction(
                    name=name, confidence=round(confidence, 4), top=top, below_threshold=below_threshold
                )
            )
        return predictions
