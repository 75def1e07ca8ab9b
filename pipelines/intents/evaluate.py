"""Evaluate the intent classifier on the held-out split: accuracy and out-of-scope recall and precision, over
every language and for English and the other languages apart."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from models.config import NLPConfig
from models.nlp.embedder import Embedder, shared_embedder
from models.nlp.intent import OUT_OF_SCOPE, IntentClassifier, IntentPrediction
from pipelines.intents.data import INTENTS_FILE, load_intent_set


class Evaluation(BaseModel):
    examples: int
    in_scope_accuracy: float
    overall_accuracy: float
    out_of_scope_recall: float
    out_of_scope_precision: float
    confusions: list[tuple[str, str, str]]
    # The same figures for the English part and for the other languages together (absent when a part is empty).
    english: Evaluation | None = None
    other_languages: Evaluation | None = None
    per_language_accuracy: dict[str, float] = {}


def evaluate(
    classifier: IntentClassifier,
    *,
    embedder: Embedder | None = None,
    config: NLPConfig | None = None,
    intents_file: Path = INTENTS_FILE,
) -> Evaluation:
    """Score the test split; in-scope accuracy counts an out-of-scope answer to an in-scope message as wrong."""
    data = load_intent_set(intents_file)
    texts, labels, languages = data.split_with_languages("test")
    if embedder is None:
        config = config or NLPConfig()
        embedder = shared_embedder(config.embedder, config.embedder_spec)
    predictions = classifier.predict(embedder.encode_queries(texts), texts)
    result = _score(texts, labels, predictions)
    english = [i for i, language in enumerate(languages) if language == "en"]
    others = [i for i, language in enumerate(languages) if language != "en"]
    per_language = {}
    for language in sorted(set(languages)):
        rows = [i for i, code in enumerate(languages) if code == language]
        per_language[language] = round(sum(predictions[i].name == labels[i] for i in rows) / len(rows), 4)
    return result.model_copy(
        update={
            "english": _subset(texts, labels, predictions, english),
            "other_languages": _subset(texts, labels, predictions, others),
            "per_language_accuracy": per_language,
        }
    )


def _subset(
    texts: list[str], labels: list[str], predictions: list[IntentPrediction], rows: list[int]
) -> Evaluation | None:
    if not rows:
        return None
    return _score([texts[i] for i in rows], [labels[i] for i in rows], [predictions[i] for i in rows])


def _score(texts: list[str], labels: list[str], predictions: list[IntentPrediction]) -> Evaluation:
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
        in_scope_accuracy=round(correct_in / total_in, 4) if total_in else 0.0,
        overall_accuracy=round(correct_all / len(texts), 4),
        out_of_scope_recall=round(oos_hit / oos_total, 4) if oos_total else 0.0,
        out_of_scope_precision=round(oos_hit / oos_predicted, 4) if oos_predicted else 0.0,
        confusions=confusions,
    )
