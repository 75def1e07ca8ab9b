"""Questions in other languages than the English articles: which words may overlap, when a message is searched as
English, how chunks are weighed, and how the intent classifier says it was merely unsure."""

from __future__ import annotations

import numpy as np
import pytest

from models.knowledge import Chunk, Unit
from models.nlp.intent import OUT_OF_SCOPE, IntentClassifier
from models.nlp.lexical import LexicalFeatures
from models.retrieval import (
    CROSS_LINGUAL_HEADER_WEIGHT,
    HEADER_WEIGHT,
    KnowledgeIndex,
    Manifest,
    overlap_tokens,
    vocabulary_share,
)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # English keeps every content word.
        ("How do I reset my password?", "en", ["reset", "password"]),
        ("How do I reset my password?", "en-GB", ["reset", "password"]),
        # Another script: every Latin word is a product term written as it appears on screen.
        ("데이터 로더로 Web-to-Case 처리", "ko", ["web", "case"]),
        ("배치 apex 작업", "ko", ["apex"]),
        ("沙盒刷新以后，用户邮箱后面怎么多了 .invalid？", "zh", ["invalid"]),
        # A Latin-script language: codes, numbers and words written as names only; the sentence's first word
        # is not a name, and a word with letters outside ASCII is dropped whole, never cut into fragments.
        ("Bir Apex işleminde en fazla kaç SOQL sorgusu çalıştırabilirim?", "tr", ["apex", "soql"]),
        ("¿Cómo restablezco mi contraseña?", "es", []),
        ("Mon imprimante ne marche plus", "fr", []),
        ("Erreur System.LimitException sur le trigger: 151", "fr", ["system.limitexception", "151"]),
        ("Le flux échoue. Pourquoi PushTopic refuse la requête ?", "fr", ["pushtopic"]),
    ],
)
def test_overlap_tokens_keep_only_words_that_read_the_same_in_english(
    text: str, language: str, expected: list[str]
) -> None:
    assert overlap_tokens(text, language) == expected


def test_vocabulary_share_counts_other_script_words_as_unknown() -> None:
    vocabulary = {"data", "loader", "error", "invalid_field_for_insert_update"}
    assert vocabulary_share("INVALID_FIELD_FOR_INSERT_UPDATE in data loader", vocabulary) == (1.0, 3)
    share, counted = vocabulary_share("데이터 로더 error", vocabulary)
    assert (round(share, 4), counted) == (round(1 / 3, 4), 3)
    assert vocabulary_share("", vocabulary) == (0.0, 0)


def _unit(vector: list[float]) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    normalised: np.ndarray = array / np.linalg.norm(array)
    return normalised


def _index() -> KnowledgeIndex:
    """Two one-chunk articles: `titled` has the header that matches the query direction, `detailed` the unit."""
    chunks = [
        Chunk(
            id=f"{name}#0",
            article_id=name,
            title=name,
            url=None,
            product_area="data",
            heading="Summary",
            text=f"{name} loader text",
            units=[Unit(text=f"{name} loader text", kind="prose")],
        )
        for name in ("titled", "detailed")
    ]
    query = _unit([1.0, 0.0, 0.0])
    headers = np.stack([_unit([0.95, 0.312, 0.0]), _unit([0.3, 0.954, 0.0])])
    units = np.stack([_unit([0.5, 0.0, 0.866]), _unit([0.9, 0.0, 0.436])])
    assert headers[0] @ query > headers[1] @ query and units[1] @ query > units[0] @ query
    manifest = Manifest(
        version="kb-test",
        embedder="test@1",
        chunker_version="1",
        articles=2,
        chunks=2,
        units=2,
        source_digest="x",
        built_at="2026-12-07T00:00:00Z",
    )
    return KnowledgeIndex.build(manifest, chunks, headers, units)


def test_a_question_in_another_language_weighs_the_header_more() -> None:
    index = _index()
    query = _unit([1.0, 0.0, 0.0])
    assert HEADER_WEIGHT < CROSS_LINGUAL_HEADER_WEIGHT
    english = index.search(query, "which one?", top_k=2)
    other = index.search(query, "어느 쪽?", top_k=2, language="ko")
    assert [p.article_id for p in english] == ["detailed", "titled"]
    assert [p.article_id for p in other] == ["titled", "detailed"]
    header, unit = 0.95 / np.hypot(0.95, 0.312), 0.5 / np.hypot(0.5, 0.866)
    expected = CROSS_LINGUAL_HEADER_WEIGHT * header + (1 - CROSS_LINGUAL_HEADER_WEIGHT) * unit
    assert other[0].score == pytest.approx(expected, abs=1e-3), "no word overlap: the vectors alone"


def test_a_message_mostly_in_the_articles_words_is_searched_as_english() -> None:
    index = _index()
    assert index.reads_as_english("anything at all", "en")
    assert index.reads_as_english("titled loader text", "ro"), "every word is the articles'"
    assert not index.reads_as_english("titled", "ro"), "one word is too little to overrule the detector"
    assert not index.reads_as_english("데이터 로더 loader", "ko")
    assert not index.reads_as_english("¿Dónde está el loader?", "es")


def _classifier() -> IntentClassifier:
    texts = ["soql limit error", "soql limit again", "password reset help", "password reset now"]
    lexical = LexicalFeatures.fit(texts)
    width = 2 + len(lexical.vocabulary)
    weights = np.zeros((3, width), dtype=np.float32)
    weights[0, 0], weights[1, 1], weights[2, :2] = 4.0, 4.0, -4.0
    return IntentClassifier(weights, np.zeros(3, dtype=np.float32), ["a", "b", OUT_OF_SCOPE], 0.7, lexical)


def test_the_classifier_says_when_out_of_scope_only_means_unsure() -> None:
    classifier = _classifier()
    vectors = np.array([[1.0, 0.0], [0.3, 0.25], [-1.0, -1.0]], dtype=np.float32)
    confident, unsure, off_topic = classifier.predict(vectors, ["soql limit", "hmm", "weather"])
    assert confident.name == "a" and not confident.below_threshold
    assert unsure.name == OUT_OF_SCOPE and unsure.below_threshold and unsure.confidence < 0.7
    assert off_topic.name == OUT_OF_SCOPE and not off_topic.below_threshold and off_topic.confidence > 0.7
