"""The development set (pipelines/eval/dev): what it covers, grounded key facts, and apart from the evaluation set
and the intent data."""

from __future__ import annotations

import string
from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipelines.eval.__main__ import main
from pipelines.eval.dataset import DEV_DIR, compile_alternative, load_eval_set, normalise
from pipelines.intents.data import INTENTS_FILE

ARTICLES = Path(__file__).resolve().parents[3] / "pipelines" / "knowledge" / "articles"
WEAK_LANGUAGES = {"ko", "he", "ar", "ja", "zh", "hi", "fa", "ru", "tr", "vi"}
# English has its own development set too, for tuning the grounded composer's choices (issue 14).
DEV_LANGUAGES = WEAK_LANGUAGES | {"en"}
ITEMS = load_eval_set(DEV_DIR)


def _flat(text: str) -> str:
    text = "".join(
        " " if ch in string.punctuation or not (ch.isalnum() or ch.isspace()) else ch for ch in text
    )
    return " ".join(text.lower().split())


def _strings(node: object) -> set[str]:
    if isinstance(node, str):
        return {_flat(node)}
    if isinstance(node, list):
        return set().union(*(_strings(child) for child in node)) if node else set()
    if isinstance(node, dict):
        return set().union(*(_strings(v) for k, v in node.items() if k != "name")) if node else set()
    return set()


def test_about_ten_questions_in_each_weak_language_with_off_topic_ones() -> None:
    languages = Counter(item.language for item in ITEMS)
    assert set(languages) == DEV_LANGUAGES
    assert all(count >= 10 for count in languages.values()), languages
    for language in DEV_LANGUAGES:
        kinds = Counter(item.kind for item in ITEMS if item.language == language)
        assert kinds["answer"] >= 8 and kinds["out_of_scope"] >= 2, (language, kinds)


def test_every_cited_article_exists_and_states_the_key_fact() -> None:
    texts = {path.stem: normalise(path.read_text(encoding="utf-8")) for path in ARTICLES.glob("*.md")}
    silent = [
        (item.id, article)
        for item in ITEMS
        for article in item.articles
        if not any(compile_alternative(fact).search(texts.get(article, "")) for fact in item.facts)
    ]
    assert not silent


def test_kept_apart_from_the_evaluation_set_and_the_intent_data() -> None:
    evaluation = load_eval_set()
    assert not {item.id for item in ITEMS} & {item.id for item in evaluation}
    assert not {_flat(item.text) for item in ITEMS} & {_flat(item.text) for item in evaluation}
    examples = _strings(yaml.safe_load(INTENTS_FILE.read_text(encoding="utf-8")))
    assert not [item.id for item in ITEMS if _flat(item.text) in examples]
    assert len({_flat(item.text) for item in ITEMS}) == len(ITEMS)


def test_the_dev_flag_reads_the_development_set(capsys: pytest.CaptureFixture[str]) -> None:
    # The development set has no Spanish question, the evaluation set has many: the refusal shows which was read.
    assert main(["--dev", "--languages", "es"]) == 2
    assert "no evaluation items for languages ['es']" in capsys.readouterr().err
