"""NLP evaluation on the held-out intent split (never seen in training). The floors are honest for this data:
31 intents x 20 training examples, threshold 0.7; `make bench` prints the figures."""

from pathlib import Path

from models.config import resolve_path
from models.nlp.intent import IntentClassifier
from pipelines.intents.data import load_intent_set
from pipelines.intents.evaluate import evaluate


def test_held_out_split_is_disjoint_from_training() -> None:
    data = load_intent_set()
    train, _ = data.split("train")
    test, _ = data.split("test")
    assert not {t.lower() for t in train} & {t.lower() for t in test}
    assert len(data.intents) >= 25 and all(len(i.train) >= 20 for i in data.intents)


def test_accuracy_and_out_of_scope_recall_floors(prepared: None) -> None:
    classifier = IntentClassifier.load(resolve_path(Path("var/models/intent")), threshold=0.7)
    result = evaluate(classifier)
    print(
        f"\nintent held-out: in-scope accuracy {result.in_scope_accuracy:.3f}, "
        f"out-of-scope recall {result.out_of_scope_recall:.3f} ({result.examples} examples)"
    )
    assert result.in_scope_accuracy >= 0.78
    assert result.out_of_scope_recall >= 0.85
