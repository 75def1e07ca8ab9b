"""Evaluate the intent classifier on the held-out split: accuracy and out-of-scope recall."""

from __future__ import annotations

from pydantic import BaseModel

from models.nlp.embedder import Embedder, shared_embedder
from models.nlp.intent import OUT_OF_SCOPE, IntentClassifier
from pipelines.intents.data import INTENTS_FILE, load_intent_set


class Evaluation(BaseModel):
    examples: int
    in_scope_accuracy: float
    overall_accuracy: float
    out_of_scope_recall: float
    out_of_scope_precision: float
    confusions: list[tuple[str, str, str]]


def evaluate(classifier: IntentClassifier, *, embedder: Embedder | None = None) -> Evaluation:
    """Score the test split; in-scope accuracy counts an out-of-scope answer to an in-scope message as wrong."""
    data = load_intent_set(INTENTS_FILE)
    texts, labels = data.split("test")
    embedder = embedder or shared_embedder()
    predictions = classifier.predict(embedder.encode(texts), texts)
    correct_in = total_in = correct_all = oos_hit = oos_total = oos_predicted = 0
    confusions: list[tuple[str, str, str]] = []
    for text, label, prediction in zip(texts, labels, predictions, strict=True):
        ok = prediction.name == label
        correct_all += ok
        if prediction.name == OUT_OF_SCOPE:
            oos_predicted += 1
        if label == OUT_OF_SCOPE:
            oos_total += 1
            oos_hit += ok
        else:
            total_in += 1
            correct_in += ok
        if not ok:
            confusions.append((text, label, prediction.name))
    return Evaluation(
        examples=len(texts),
        in_scope_accuracy=round(correct_in / total_in, 4),
        overall_accuracy=round(correct_all / len(texts), 4),
        out_of_scope_recall=round(oos_hit / oos_total, 4),
        out_of_scope_precision=round(oos_hit / oos_predicted, 4) if oos_predicted else 0.0,
        confusions=confusions,
    )
