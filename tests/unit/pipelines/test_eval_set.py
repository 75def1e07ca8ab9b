"""The evaluation set: schema, size and spread, grounded key facts, and no overlap with the intent training data."""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipelines.eval.dataset import (
    DATA_DIR,
    EvalItem,
    EvalSetError,
    compile_alternative,
    load_eval_set,
    load_file,
    normalise,
)
from pipelines.intents.data import INTENTS_FILE

ARTICLES = Path(__file__).resolve().parents[3] / "pipelines" / "knowledge" / "articles"
RIGHT_TO_LEFT = {"ar", "he", "fa", "ur"}
ITEMS = load_eval_set()


def _article_text(article_id: str) -> str:
    return normalise((ARTICLES / f"{article_id}.md").read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    """Lower case, punctuation (ASCII and Unicode) stripped, one space: how texts are compared for overlap."""
    text = "".join(" " if ch in string.punctuation or not (ch.isalnum() or ch.isspace()) else ch for ch in text)
    return " ".join(text.lower().split())


def _intent_examples() -> tuple[set[str], set[str]]:
    """(every example text, every intent name) in intents.yaml, read as plain YAML so new sections count too."""
    data = yaml.safe_load(INTENTS_FILE.read_text(encoding="utf-8"))
    texts: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.add(_flat(node))
        elif isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for key, child in node.items():
                if key not in {"name", "description", "quick_replies", "version"}:
                    walk(child)

    walk(data)
    names = {intent["name"] for intent in data["intents"]}
    return texts, names


def test_counts_and_spread() -> None:
    kinds = Counter(item.kind for item in ITEMS)
    languages = Counter(item.language for item in ITEMS)
    assert len(ITEMS) >= 300
    assert languages["en"] >= 180
    assert len(ITEMS) - languages["en"] >= 120
    assert len(set(languages) - {"en"}) >= 12, sorted(languages)
    assert RIGHT_TO_LEFT & set(languages), "a right-to-left language is in the set"
    assert kinds["handoff"] >= 30 and kinds["refuse"] >= 25 and kinds["out_of_scope"] >= 30, kinds
    assert 3 <= kinds["small_talk"] < kinds["answer"]
    for kind in ("handoff", "refuse", "out_of_scope"):
        spoken = {item.language for item in ITEMS if item.kind == kind}
        assert len(spoken) >= 5, f"{kind} items are in several languages: {sorted(spoken)}"


def test_answers_cover_many_articles() -> None:
    cited = {article for item in ITEMS for article in item.articles}
    existing = {path.stem for path in ARTICLES.glob("*.md")}
    assert len(cited) >= 0.8 * len(existing), sorted(existing - cited)


def test_every_cited_article_exists() -> None:
    missing = [
        (item.id, article)
        for item in ITEMS
        for article in item.articles
        if not (ARTICLES / f"{article}.md").is_file()
    ]
    assert not missing


def test_every_key_fact_is_stated_in_a_cited_article() -> None:
    texts = {path.stem: normalise(path.read_text(encoding="utf-8")) for path in ARTICLES.glob("*.md")}
    unstated = []
    for item in ITEMS:
        for alternative in item.facts:
            pattern = compile_alternative(alternative)
            if not any(pattern.search(texts.get(article, "")) for article in item.articles):
                unstated.append((item.id, alternative))
    assert not unstated


def test_no_text_is_an_intent_training_or_test_example() -> None:
    examples, _ = _intent_examples()
    overlap = [item.id for item in ITEMS if _flat(item.text) in examples]
    assert not overlap


def test_expected_intents_are_known_intents() -> None:
    _, names = _intent_examples()
    unknown = {item.intent for item in ITEMS if item.intent} - names - {"out_of_scope"}
    assert not unknown


def test_ids_are_unique_and_texts_not_repeated() -> None:
    texts = Counter(_flat(item.text) for item in ITEMS)
    assert not [text for text, count in texts.items() if count > 1]


def test_fact_matching_ignores_number_formatting_case_and_markup() -> None:
    item = EvalItem(
        id="t", language="en", text="q", kind="answer", articles=["a"], facts=["50,000 records", "re:at most 2000"]
    )
    assert item.fact_found("The wizard imports up to 50000 RECORDS at a time.")
    assert item.fact_found("imports **50 000** records")
    assert item.fact_found("jusqu'à 50.000 records")
    assert item.fact_found("at most 2,000 rows")
    assert not item.fact_found("up to 5,000 records")
    assert not item.fact_found("500,000 records")


def test_translations_count_as_the_fact() -> None:
    item = EvalItem(
        id="t", language="es", text="q", kind="answer", articles=["a"], facts=["24 hours"], translations=["24 horas"]
    )
    assert item.fact_found("El enlace caduca a las 24 horas.")


def test_schema_errors_name_the_file_and_the_item(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "items:\n"
        "  - {id: ok-1, language: en, text: hi, kind: small_talk}\n"
        "  - {id: bad-2, language: english, text: hi, kind: small_talk}\n"
        "  - {id: bad-3, language: en, text: hi, kind: answer, articles: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(EvalSetError) as error:
        load_file(path)
    message = str(error.value)
    assert str(path) in message and "item 1 (id 'bad-2')" in message
    assert "item 1 (id 'bad-2').language" in message
    assert "item 2 (id 'bad-3')" in message and "needs `articles` and `facts`" in message


def test_a_bad_regex_and_stray_facts_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "items:\n"
        "  - {id: a-1, language: en, text: q, kind: answer, articles: [x], facts: ['re:(unclosed']}\n"
        "  - {id: o-1, language: en, text: q, kind: out_of_scope, facts: [something]}\n",
        encoding="utf-8",
    )
    with pytest.raises(EvalSetError, match=re.escape("not a valid regex")) as error:
        load_file(path)
    assert "takes no `articles`" in str(error.value)


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(
            "items:\n  - {id: same, language: en, text: hi, kind: small_talk}\n", encoding="utf-8"
        )
    with pytest.raises(EvalSetError, match="also used in"):
        load_eval_set(tmp_path)


def test_the_shipped_files_load_one_by_one() -> None:
    files = sorted(DATA_DIR.glob("*.yaml"))
    assert sum(len(load_file(path)) for path in files) == len(ITEMS)
