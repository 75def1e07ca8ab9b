"""Train the intent classifier: sentence embeddings (the configured embedder's query vectors) + lexical n-grams
+ multinomial logistic regression, saved as plain numpy. The artefact records the embedder's identity; the NLP
deployment refuses a classifier trained on another embedder's vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from models.config import NLPConfig
from models.nlp.embedder import Embedder, Vectors, identity_of, shared_embedder
from models.nlp.intent import META_FILE, OUT_OF_SCOPE, IntentClassifier
from models.nlp.lexical import LexicalFeatures
from pipelines.intents.data import INTENTS_FILE, data_digest, load_intent_set
from pipelines.intents.knowledge import knowledge_digest, knowledge_examples

# Weak regularisation: with 20-44 examples a class, a confident (sharp) softmax separates in-scope from
# out-of-scope text best. The held-out split is only for `evaluate`.
_C = 1000.0
# Softmax temperatures tried; the one whose out-of-fold predictions (5-fold cross-validation on the train split)
# do best at the configured threshold is stored, so `nlp.intent_threshold` keeps its meaning whatever the
# embedder (e5's centred vectors give softer probabilities than MiniLM's).
_TEMPERATURES = (0.1, 0.15, 0.2, 0.25, 0.35, 0.5, 0.7, 1.0)
_FOLDS = 5


# Bump when the features or the model change, so `make` retrains artefacts built by older code.
TRAINER_VERSION = "5"


def is_current(
    model_dir: Path, intents_file: Path = INTENTS_FILE, *, config: NLPConfig | None = None
) -> bool:
    """True when the artefact was trained on this data (the intent set and the knowledge base's titles), by this
    trainer, with the configured embedder."""
    meta = model_dir / META_FILE
    if not meta.exists():
        return False
    config = config or NLPConfig()
    stored = json.loads(meta.read_text())
    return bool(
        stored.get("data_digest") == data_digest(intents_file)
        and stored.get("knowledge_digest") == knowledge_digest()
        and stored.get("trainer") == TRAINER_VERSION
        and stored.get("embedder") == identity_of(config.embedder, config.embedder_spec)
    )


def train(
    model_dir: Path = Path("var/models/intent"),
    *,
    intents_file: Path = INTENTS_FILE,
    config: NLPConfig | None = None,
    embedder: Embedder | None = None,
    threshold: float = 0.7,
) -> IntentClassifier:
    """Fit on the train split and the knowledge base's article titles (pipelines/intents/knowledge.py), and
    write the artefact; the test split is never seen here.

    `config` (default: config/models.yaml) picks the embedder unless `embedder` is given.
    """
    data = load_intent_set(intents_file)
    texts, labels = data.split("train")
    from_articles = knowledge_examples({intent.name for intent in data.intents})
    texts += [text for text, _ in from_articles]
    labels += [label for _, label in from_articles]
    if embedder is None:
        config = config or NLPConfig()
        embedder = shared_embedder(config.embedder, config.embedder_spec)
    vectors = embedder.encode_queries(texts)
    temperature, cv_score = choose_temperature(vectors, texts, labels, threshold)
    classifier = fit(vectors, texts, labels, threshold, temperature)
    classifier.save(
        model_dir,
        {
            "data_digest": data_digest(intents_file),
            "knowledge_digest": knowledge_digest(),
            "article_examples": len(from_articles),
            "trainer": TRAINER_VERSION,
            "embedder": embedder.identity,
            "train_examples": len(texts),
            "cross_validation": {"folds": _FOLDS, "temperature": temperature, "score": round(cv_score, 4)},
            "quick_replies": data.quick_replies(),
            "descriptions": {intent.name: intent.description for intent in data.intents},
        },
    )
    return classifier


def fit(
    vectors: Vectors, texts: list[str], labels: list[str], threshold: float, temperature: float = 1.0
) -> IntentClassifier:
    """One logistic regression over the centred embeddings and the lexical block."""
    lexical = LexicalFeatures.fit(texts)
    center = vectors.mean(axis=0).astype(np.float32)
    model = LogisticRegression(C=_C, max_iter=5000)
    model.fit(IntentClassifier.features(vectors, texts, lexical, center), labels)
    return IntentClassifier(
        weights=np.asarray(model.coef_, dtype=np.float32),
        bias=np.asarray(model.intercept_, dtype=np.float32),
        labels=[str(label) for label in model.classes_],
        threshold=threshold,
        lexical=lexical,
        center=center,
        temperature=temperature,
    )


def choose_temperature(
    vectors: Vectors, texts: list[str], labels: list[str], threshold: float
) -> tuple[float, float]:
    """(temperature, its score): the mean of in-scope accuracy, out-of-scope recall and out-of-scope precision
    of out-of-fold predictions at `threshold`, best over _TEMPERATURES (train split only)."""
    folds = StratifiedKFold(n_splits=_FOLDS, shuffle=True, random_state=0)
    gold = np.asarray(labels)
    out_of_fold: list[tuple[npt.NDArray[np.int64], Vectors, list[str]]] = []
    for train_rows, held_rows in folds.split(texts, gold):
        part = fit(vectors[train_rows], [texts[i] for i in train_rows], list(gold[train_rows]), threshold)
        held_texts = [texts[i] for i in held_rows]
        out_of_fold.append((held_rows, part.logits(vectors[held_rows], held_texts), part.labels))
    best = (1.0, -1.0)
    for temperature in _TEMPERATURES:
        predicted = np.empty(len(texts), dtype=object)
        for rows, logits, classes in out_of_fold:
            scaled = logits / temperature
            probabilities = np.exp(scaled - scaled.max(axis=1, keepdims=True))
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            top = np.asarray(classes)[probabilities.argmax(axis=1)]
            confident = probabilities.max(axis=1) >= threshold
            predicted[rows] = np.where(confident & (top != OUT_OF_SCOPE), top, OUT_OF_SCOPE)
        score = _score(gold, predicted)
        if score > best[1]:
            best = (temperature, score)
    return best


def _score(gold: npt.NDArray[np.str_], predicted: npt.NDArray[np.object_]) -> float:
    in_scope = gold != OUT_OF_SCOPE
    accuracy = float(np.mean(predicted[in_scope] == gold[in_scope]))
    recall = float(np.mean(predicted[~in_scope] == OUT_OF_SCOPE))
    said_oos = predicted == OUT_OF_SCOPE
    precision = float(np.mean(gold[said_oos] == OUT_OF_SCOPE)) if said_oos.any() else 0.0
    return (accuracy + recall + precision) / 3
