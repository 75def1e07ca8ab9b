"""Train the intent classifier: MiniLM embeddings + multinomial logistic regression, saved as plain numpy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from models.nlp.embedder import EMBEDDER_VERSION, Embedder, shared_embedder
from models.nlp.intent import META_FILE, IntentClassifier
from models.nlp.lexical import LexicalFeatures
from pipelines.intents.data import INTENTS_FILE, data_digest, load_intent_set

# Weak regularisation: with 20 examples a class, a confident (sharp) softmax is what lets the 0.7 threshold
# separate in-scope from out-of-scope text. Chosen on the train split by cross-validation-free inspection; the
# held-out split is only for `evaluate`.
_C = 1000.0


# Bump when the features or the model change, so `make` retrains artefacts built by older code.
TRAINER_VERSION = "2"


def is_current(model_dir: Path, intents_file: Path = INTENTS_FILE) -> bool:
    meta = model_dir / META_FILE
    if not meta.exists():
        return False
    stored = json.loads(meta.read_text())
    return bool(
        stored.get("data_digest") == data_digest(intents_file) and stored.get("trainer") == TRAINER_VERSION
    )


def train(
    model_dir: Path = Path("var/models/intent"),
    *,
    intents_file: Path = INTENTS_FILE,
    embedder: Embedder | None = None,
    threshold: float = 0.7,
) -> IntentClassifier:
    """Fit on the train split and write the artefact; the test split is never seen here."""
    data = load_intent_set(intents_file)
    texts, labels = data.split("train")
    embedder = embedder or shared_embedder()
    vectors = embedder.encode(texts)
    lexical = LexicalFeatures.fit(texts)
    model = LogisticRegression(C=_C, max_iter=5000)
    model.fit(IntentClassifier.features(vectors, texts, lexical), labels)
    classifier = IntentClassifier(
        weights=np.asarray(model.coef_, dtype=np.float32),
        bias=np.asarray(model.intercept_, dtype=np.float32),
        labels=[str(label) for label in model.classes_],
        threshold=threshold,
        lexical=lexical,
    )
    classifier.save(
        model_dir,
        {
            "data_digest": data_digest(intents_file),
            "trainer": TRAINER_VERSION,
            "embedder": EMBEDDER_VERSION,
            "train_examples": len(texts),
            "quick_replies": data.quick_replies(),
            "descriptions": {intent.name: intent.description for intent in data.intents},
        },
    )
    return classifier
